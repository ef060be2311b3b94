import { AirbyteStream } from '../protocol/types';
import { MessageWriter } from '../protocol/output';
import { parseSourceConfig } from './config';
import { connect } from './connect';
import { allStreams } from './streams';
import { SourceStream, StreamContext } from './streams/stream';

export async function describeStream(stream: SourceStream, ctx: StreamContext): Promise<AirbyteStream> {
  const described: AirbyteStream = {
    name: stream.name,
    json_schema: await stream.schema(ctx),
    supported_sync_modes: stream.syncModes,
    source_defined_primary_key: stream.primaryKey,
    is_resumable: stream.syncModes.includes('incremental'),
  };
  if (stream.cursorField) {
    described.source_defined_cursor = true;
    described.default_cursor_field = stream.cursorField;
  }
  return described;
}

export async function discover(rawConfig: unknown, writer: MessageWriter): Promise<void> {
  const config = parseSourceConfig(rawConfig);
  writer.redactor.add(config.connection.clientId, config.connection.clientSecret);
  const ctx = connect(config, writer);
  const streams = await Promise.all(allStreams().map((stream) => describeStream(stream, ctx)));
  writer.write({ type: 'CATALOG', catalog: { streams } });
}
