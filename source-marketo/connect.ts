import { MarketoClient } from '../marketo/client';
import { MarketoEndpoints } from '../marketo/endpoints';
import { MessageWriter } from '../protocol/output';
import { SourceConfig } from './config';
import { Log, StreamContext, SubscriptionMetadata } from './streams/stream';

/** Builds the client and the context streams share, with retries reported to the user. */
export function connect(config: SourceConfig, writer: MessageWriter): StreamContext & { client: MarketoClient } {
  const log: Log = (level, message) => writer.log(level, message);
  const client = new MarketoClient(config.connection, {
    onRetry: ({ endpoint, attempt, delayMs, reason }) =>
      log('WARN', `Marketo: ${reason} on ${endpoint}; retry ${attempt} in ${(delayMs / 1000).toFixed(1)} s.`),
  });
  const endpoints = new MarketoEndpoints(client);
  return { config, endpoints, metadata: new SubscriptionMetadata(endpoints), log, client };
}
