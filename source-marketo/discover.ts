import { AirbyteStream } from '../protocol/types';
import { MessageWriter } from '../protocol/output';
import { parseSourceConfig } from './config';
import { connect } from './connect';
import { MarketoAccessDeniedError } from '../marketo/errors';
import { withSubscriptionStreams } from './streams';
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
  const offered = await withSubscriptionStreams(ctx);
  const streams = await Promise.all(offered.map((stream) => describeOrSkip(stream, ctx)));
  writer.write({ type: 'CATALOG', catalog: { streams: streams.filter((s): s is AirbyteStream => s !== undefined) } });
}

/** A stream whose describe the API user may not call is left out of the catalog, with the permission that would offer it. */
async function describeOrSkip(stream: SourceStream, ctx: StreamContext): Promise<AirbyteStream | undefined> {
  try {
    return await describeStream(stream, ctx);
  } catch (err) {
    if (!(err instanceof MarketoAccessDeniedError) || !stream.permission) throw err;
    ctx.log('WARN', `Stream '${stream.name}' is not offered: ${err.message}`);
    return undefined;
  }
}
