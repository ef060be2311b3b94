import { ClientOptions } from '../marketo/client';
import { MarketoAccessDeniedError, MarketoError, MarketoRequestError } from '../marketo/errors';
import { MessageWriter } from '../protocol/output';
import { parseDestinationConfig } from './config';
import { connectDestination } from './connect';
import { leadLookupProblem } from './objects';
import { checkLeadPartition } from './partitions';

const PERMISSIONS = 'The destination needs the Read-Write Lead permission, and Read-Write Company / Custom Object for those streams.';

/**
 * Verifies what a write needs and can be checked without writing: a valid config, credentials
 * Marketo accepts, Describe Lead, a lead_lookup_field Marketo can match on, and a
 * lead_partition_name that is one of the instance's partitions (a WARN when it is empty and the
 * instance has several). Companies are
 * described when the role allows; when not, only the companies stream is affected, so a WARN
 * says so and the check still succeeds. Every failure is a FAILED status a person can act on.
 */
export async function check(rawConfig: unknown, writer: MessageWriter, clientOptions: ClientOptions = {}): Promise<void> {
  try {
    const config = parseDestinationConfig(rawConfig);
    const endpoints = connectDestination(config, writer, clientOptions);
    const problem = leadLookupProblem(await endpoints.describeLead(), config.leadLookupField);
    if (problem) {
      writer.connectionStatus(false, problem);
      return;
    }
    const partition = await checkLeadPartition(endpoints, config, true);
    if (partition.problem) {
      writer.connectionStatus(false, partition.problem);
      return;
    }
    if (partition.warning) writer.log('WARN', partition.warning);
    try {
      await endpoints.describeCompany();
    } catch (err) {
      if (!(err instanceof MarketoRequestError || err instanceof MarketoAccessDeniedError)) throw err;
      writer.log('WARN', `Describe Company failed (${err.message}): the companies stream cannot be written with this API user.`);
    }
    writer.connectionStatus(true);
  } catch (err) {
    const message = err instanceof MarketoError ? err.message : `Unexpected error while checking the connection: ${(err as Error).message}`;
    writer.connectionStatus(false, err instanceof MarketoAccessDeniedError ? `${message} ${PERMISSIONS}` : message);
  }
}
