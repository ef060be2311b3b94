import { ClientOptions, MarketoClient } from '../marketo/client';
import { MarketoWriteEndpoints } from '../marketo/write-endpoints';
import { MessageWriter } from '../protocol/output';
import { DestinationConfig } from './config';

/** The Marketo endpoints for a command, with retries reported to the user (a slow sync says why). */
export function connectDestination(config: DestinationConfig, writer: MessageWriter, options: ClientOptions = {}): MarketoWriteEndpoints {
  writer.redactor.add(config.connection.clientId, config.connection.clientSecret);
  const client = new MarketoClient(config.connection, {
    onRetry: ({ endpoint, attempt, delayMs, reason }) =>
      writer.log('WARN', `Marketo: ${reason} on ${endpoint}; retry ${attempt} in ${(delayMs / 1000).toFixed(1)} s.`),
    ...options,
  });
  return new MarketoWriteEndpoints(client);
}
