import { MarketoClient } from '../marketo/client';
import { clientOverridesFromEnv } from '../marketo/env-overrides';
import { MessageWriter } from '../protocol/output';
import { SourceConfig } from './config';
import { ReadOnceEndpoints } from './read-once-endpoints';
import { Log, StreamContext, SubscriptionMetadata } from './streams/stream';

/** Builds the client and the context streams share, with retries reported to the user. */
export function connect(config: SourceConfig, writer: MessageWriter): StreamContext & { client: MarketoClient; endpoints: ReadOnceEndpoints } {
  const log: Log = (level, message) => writer.log(level, message);
  const client = new MarketoClient(config.connection, {
    ...clientOverridesFromEnv(process.env),
    onRetry: ({ endpoint, attempt, delayMs, reason }) =>
      log('WARN', `Marketo: ${reason} on ${endpoint}; retry ${attempt} in ${(delayMs / 1000).toFixed(1)} s.`),
  });
  const endpoints = new ReadOnceEndpoints(client);
  return { config, endpoints, metadata: new SubscriptionMetadata(endpoints), log, client };
}
