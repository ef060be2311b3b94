import { ClientOptions, MarketoClient } from '../marketo/client';
import { clientOverridesFromEnv } from '../marketo/env-overrides';
import { MarketoWriteEndpoints } from '../marketo/write-endpoints';
import { MessageWriter } from '../protocol/output';
import { DestinationConfig } from './config';

/** The Marketo endpoints for a command, with retries reported to the user (a slow sync says why). */
export function connectDestination(config: DestinationConfig, writer: MessageWriter, options: ClientOptions = {}): MarketoWriteEndpoints {
  writer.redactor.add(config.connection.clientId, config.connection.clientSecret);
  const fromEnv = clientOverridesFromEnv(process.env);
  const client = new MarketoClient(config.connection, {
    ...fromEnv,
    onRetry: ({ endpoint, attempt, delayMs, reason }) =>
      writer.log('WARN', `Marketo: ${reason} on ${endpoint}; retry ${attempt} in ${(delayMs / 1000).toFixed(1)} s.`),
    ...options,
    retry: { ...fromEnv.retry, ...options.retry },
  });
  return new MarketoWriteEndpoints(client);
}
