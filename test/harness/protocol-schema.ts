import * as fs from 'fs';
import * as path from 'path';
import { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { newDraft07Ajv, formatAjvErrors } from './ajv-setup';
import { findRepoRoot } from './repo-root';

/**
 * Validation of connector messages against the Airbyte protocol, in two layers:
 *
 * - always, against our own schema (protocol/airbyte-protocol.schema.json, in the repository, the
 *   one the TypeScript types are generated from). It is stricter than the official one where we
 *   emit: a message carries the payload its type names, no unknown fields.
 * - when it is there, also against the official schema, read from ../shared/airbyte-protocol (a
 *   verbatim upstream copy next to the repository, as CI has it) and never copied into this
 *   project. A message ours accepts and the official one refuses means our schema drifted.
 *   On a plain clone it is absent: `officialSchemaSkipReason()` says so and why.
 */

export const OUR_SCHEMA_FILE = 'protocol/airbyte-protocol.schema.json';
export const PROTOCOL_FILE = 'airbyte_protocol.yaml';
const OFFICIAL_DIR_ENV = 'AIRBYTE_PROTOCOL_DIR';

/** Our schema, parsed. */
export function loadOurSchema(): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(findRepoRoot(), OUR_SCHEMA_FILE), 'utf8')) as Record<string, unknown>;
}

/** Where the official schema folder is: $AIRBYTE_PROTOCOL_DIR, else ../shared/airbyte-protocol
 * next to the repository root. */
export function protocolSchemaDir(repoRoot: string = findRepoRoot()): string {
  const override = process.env[OFFICIAL_DIR_ENV];
  if (override) return path.resolve(override);
  return path.resolve(repoRoot, '..', 'shared', 'airbyte-protocol');
}

/**
 * Undefined when the official schema can be read; otherwise why its checks are skipped.
 * A folder named by $AIRBYTE_PROTOCOL_DIR is asked for explicitly, so its absence is an error
 * (thrown by `loadProtocolSchema`), not a reason to skip.
 */
export function officialSchemaSkipReason(repoRoot: string = findRepoRoot()): string | undefined {
  const file = path.join(protocolSchemaDir(repoRoot), PROTOCOL_FILE);
  if (process.env[OFFICIAL_DIR_ENV] || fs.existsSync(file)) return undefined;
  return (
    `the official Airbyte protocol schema is not here (${file} does not exist: a clone without ../shared/airbyte-protocol ` +
    `next to it), so messages are validated against our own schema (${OUR_SCHEMA_FILE}) only. ` +
    `To run them, put airbyte_protocol.yaml of airbytehq/airbyte-protocol there or in a folder named by $${OFFICIAL_DIR_ENV}.`
  );
}

/** The parsed official protocol YAML; throws an explanatory Error when it is missing. */
export function loadProtocolSchema(dir: string = protocolSchemaDir()): Record<string, unknown> {
  const file = path.join(dir, PROTOCOL_FILE);
  if (!fs.existsSync(file)) {
    throw new Error(
      `The official Airbyte protocol schema is missing: ${file} does not exist. ` +
        `It is looked for in ../shared/airbyte-protocol next to the repository root ` +
        `(or in $${OFFICIAL_DIR_ENV} when set). It must stay in ../shared, a verbatim copy of ` +
        `airbytehq/airbyte-protocol; never copy it into this project.`,
    );
  }
  const parsed: unknown = parseYaml(fs.readFileSync(file, 'utf8'));
  if (typeof parsed !== 'object' || parsed === null || !('definitions' in parsed)) {
    throw new Error(`${file} is not the Airbyte protocol schema (no "definitions")`);
  }
  return parsed;
}

let ourValidator: ValidateFunction | undefined;

function ourMessageValidator(): ValidateFunction {
  if (ourValidator) return ourValidator;
  // Strict mode so a typo in our schema surfaces; `discriminator` makes Ajv report the errors of
  // the message type at hand rather than those of every branch of the oneOf.
  const ajv = newDraft07Ajv({ strict: true, discriminator: true });
  addFormats(ajv);
  ajv.addSchema(loadOurSchema(), 'ours');
  const validate = ajv.getSchema('ours#/definitions/AirbyteMessage');
  if (!validate) throw new Error(`${OUR_SCHEMA_FILE} has no #/definitions/AirbyteMessage`);
  return (ourValidator = validate);
}

/** Compiled official validators per schema folder, so the 40 KB YAML is compiled once per test run. */
const officialValidators = new Map<string, ValidateFunction>();

function officialMessageValidator(): ValidateFunction {
  const dir = protocolSchemaDir();
  const cached = officialValidators.get(dir);
  if (cached) return cached;
  const schema = loadProtocolSchema(dir);
  // Strict mode stays on so a typo in the schema would surface; the two non-standard keywords
  // are declared as SOURCE.txt advises. `uri` (documentationUrl) needs ajv-formats.
  const ajv = newDraft07Ajv({ strict: true, strictTypes: false });
  ajv.addVocabulary(['existingJavaType', 'version']);
  addFormats(ajv);
  ajv.addSchema(schema, 'airbyte_protocol');
  const validate = ajv.getSchema('airbyte_protocol#/definitions/AirbyteMessage');
  if (!validate) throw new Error(`${dir}/${PROTOCOL_FILE} has no #/definitions/AirbyteMessage`);
  officialValidators.set(dir, validate);
  return validate;
}

/** Errors of `msg` against our schema only (empty when valid). */
export function validateAgainstOurSchema(msg: unknown): string[] {
  const validate = ourMessageValidator();
  return validate(msg) ? [] : formatAjvErrors(validate.errors);
}

/** Errors of `msg` against the official schema only (empty when valid); throws when it is missing. */
export function validateAgainstOfficialSchema(msg: unknown): string[] {
  const validate = officialMessageValidator();
  return validate(msg) ? [] : formatAjvErrors(validate.errors);
}

/**
 * Errors of `msg` as an AirbyteMessage (empty when valid), each starting with the instancePath,
 * e.g. `/record must have required property 'emitted_at'`: against our schema, then, when ours
 * accepts it and the official schema is present, against the official one (those errors start
 * with `official schema:`).
 */
export function validateAirbyteMessage(msg: unknown): string[] {
  const ours = validateAgainstOurSchema(msg);
  if (ours.length > 0 || officialSchemaSkipReason() !== undefined) return ours;
  return validateAgainstOfficialSchema(msg).map((e) => `official schema: ${e}`);
}
