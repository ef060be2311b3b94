import * as fs from 'fs';
import * as path from 'path';
import { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { newDraft07Ajv, formatAjvErrors } from './ajv-setup';
import { findRepoRoot } from './repo-root';

/**
 * Validation against the official Airbyte protocol schema.
 *
 * The schema is read from ../shared/airbyte-protocol (a verbatim upstream copy) and never
 * copied into this project: a copy would drift from the official one without anyone noticing.
 */

export const PROTOCOL_FILE = 'airbyte_protocol.yaml';

/** Where the protocol schema folder is: $AIRBYTE_PROTOCOL_DIR, else ../shared/airbyte-protocol
 * next to the repository root. */
export function protocolSchemaDir(): string {
  const override = process.env.AIRBYTE_PROTOCOL_DIR;
  if (override) return path.resolve(override);
  return path.resolve(findRepoRoot(), '..', 'shared', 'airbyte-protocol');
}

/** The parsed protocol YAML; throws an explanatory Error when it is missing. */
export function loadProtocolSchema(dir: string = protocolSchemaDir()): Record<string, unknown> {
  const file = path.join(dir, PROTOCOL_FILE);
  if (!fs.existsSync(file)) {
    throw new Error(
      `The official Airbyte protocol schema is missing: ${file} does not exist. ` +
        `It is looked for in ../shared/airbyte-protocol next to the repository root ` +
        `(or in $AIRBYTE_PROTOCOL_DIR when set). It must stay in ../shared, a verbatim copy of ` +
        `airbytehq/airbyte-protocol; never copy it into this project.`,
    );
  }
  const parsed: unknown = parseYaml(fs.readFileSync(file, 'utf8'));
  if (typeof parsed !== 'object' || parsed === null || !('definitions' in parsed)) {
    throw new Error(`${file} is not the Airbyte protocol schema (no "definitions")`);
  }
  return parsed as Record<string, unknown>;
}

/** Compiled validators per schema folder, so the 40 KB YAML is compiled once per test run. */
const compiled = new Map<string, ValidateFunction>();

function airbyteMessageValidator(): ValidateFunction {
  const dir = protocolSchemaDir();
  const cached = compiled.get(dir);
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
  compiled.set(dir, validate);
  return validate;
}

/**
 * The field that carries the payload of each message type. The protocol schema makes every
 * payload optional, but a `{"type":"RECORD"}` without `record` is useless to the platform, so the
 * harness requires it (stricter than the schema, on purpose).
 */
const PAYLOAD_FIELD: Record<string, string> = {
  RECORD: 'record',
  STATE: 'state',
  LOG: 'log',
  SPEC: 'spec',
  CONNECTION_STATUS: 'connectionStatus',
  CATALOG: 'catalog',
  TRACE: 'trace',
  CONTROL: 'control',
  DESTINATION_CATALOG: 'destination_catalog',
};
const TRACE_PAYLOAD_FIELD: Record<string, string> = {
  ERROR: 'error',
  ESTIMATE: 'estimate',
  STREAM_STATUS: 'stream_status',
  ANALYTICS: 'analytics',
};

function missingPayloads(msg: Record<string, unknown>): string[] {
  const field = PAYLOAD_FIELD[String(msg.type)];
  if (!field) return [];
  const payload = msg[field];
  if (payload === undefined || payload === null) return [`/ must have property '${field}' when type is ${String(msg.type)}`];
  if (msg.type !== 'TRACE' || typeof payload !== 'object') return [];
  const traceType = String((payload as Record<string, unknown>).type);
  const traceField = TRACE_PAYLOAD_FIELD[traceType];
  const tracePayload = traceField ? (payload as Record<string, unknown>)[traceField] : undefined;
  return traceField && (tracePayload === undefined || tracePayload === null)
    ? [`/trace must have property '${traceField}' when trace type is ${traceType}`]
    : [];
}

/**
 * Errors of `msg` against `#/definitions/AirbyteMessage` (empty when valid), each starting with
 * the instancePath, e.g. `/record must have required property 'emitted_at'`.
 */
export function validateAirbyteMessage(msg: unknown): string[] {
  const validate = airbyteMessageValidator();
  if (!validate(msg)) return formatAjvErrors(validate.errors);
  return missingPayloads(msg as Record<string, unknown>);
}
