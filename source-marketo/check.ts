import { MarketoAccessDeniedError, MarketoConfigError, MarketoError } from '../marketo/errors';
import { MessageWriter } from '../protocol/output';
import { parseSourceConfig } from './config';
import { connect } from './connect';

/**
 * Verifies what a sync needs: a valid config, credentials Marketo accepts, and read permission for
 * activities and leads. Every failure is a FAILED status with a message a person can act on.
 */
export async function check(rawConfig: unknown, writer: MessageWriter): Promise<void> {
  try {
    const config = parseSourceConfig(rawConfig);
    writer.redactor.add(config.connection.clientId, config.connection.clientSecret);
    const { metadata } = connect(config, writer);
    await metadata.activityTypes();
    await metadata.leadFields();
    writer.connectionStatus(true);
  } catch (err) {
    if (err instanceof MarketoAccessDeniedError) {
      writer.connectionStatus(false, `${err.message} The source needs the Read-Only Activity and Read-Only Lead permissions.`);
    } else if (err instanceof MarketoConfigError || err instanceof MarketoError) {
      writer.connectionStatus(false, err.message);
    } else {
      writer.connectionStatus(false, `Unexpected error while checking the connection: ${(err as Error).message}`);
    }
  }
}
