import Ajv, { SchemaValidateFunction, ValidateFunction } from 'ajv';
import { newDraft07Ajv } from '../ajv-setup';
import { isObject } from '../json-walk';

/**
 * The record validator of CAT B2 (`utils/asserts.py`), rebuilt on Ajv draft-07:
 * - `date-time` is CAT's lenient check (regex + a date that exists), not RFC 3339, so a space
 *   separator or a missing zone pass as they do in CAT;
 * - `date` and `email` behave like Python jsonschema's default FormatChecker; other formats are
 *   not checked (as in CAT, where their checkers need optional libraries);
 * - `integer` means a Python int (see PY_INTEGER);
 * - with `failOnExtraColumns`, the top level gets `additionalProperties: false`.
 */

/** CAT's `timestamp_regex`, verbatim. */
export const CAT_DATETIME_REGEX = /^\d{4}-\d?\d-\d?\d(\s|T)\d?\d:\d?\d:\d?\d(.\d+)?.*$/;

/** What may follow the seconds for the value to still parse as a date-time (fraction, zone).
 * Approximates pendulum's lenient parse, which rejects trailing junk. */
const DATETIME_TAIL = /^(\.\d+)?\s*(Z|[+-]\d{2}(:?\d{2})?|UTC|GMT)?$/i;

export function isCatDateTime(value: string): boolean {
  if (!CAT_DATETIME_REGEX.test(value)) return false;
  const m = /^(\d{4})-(\d?\d)-(\d?\d)(?:\s|T)(\d?\d):(\d?\d):(\d?\d)(.*)$/.exec(value);
  if (!m) return false;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number);
  return isRealDate(y, mo, d) && h <= 23 && mi <= 59 && s <= 59 && DATETIME_TAIL.test(m[7]);
}

function isRealDate(y: number, m: number, d: number): boolean {
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** Python `date.fromisoformat`: YYYY-MM-DD of a day that exists. */
function isIsoDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  return m !== null && isRealDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

/**
 * Custom keyword replacing `type: integer`. CAT parses records with Python, where a JSON number
 * is an int only when written without a fraction or exponent. JSON.stringify writes every
 * integral number below 1e21 as digits, and from 1e21 on in exponent form (`1e+21`), which Python
 * reads as a float, so the Python int test on a JS-emitted value is: integral and below 1e21.
 * (CAT also lets `true` pass as an int, a Python quirk the harness does not copy.)
 */
const PY_INTEGER = 'x-harness-py-integer';

function addPyInteger(ajv: Ajv): void {
  const validate: SchemaValidateFunction = (_schema: unknown, data: number): boolean => {
    const ok = Number.isInteger(data) && Math.abs(data) < 1e21;
    validate.errors = ok ? undefined : [{ keyword: PY_INTEGER, message: 'must be integer', params: {} }];
    return ok;
  };
  ajv.addKeyword({ keyword: PY_INTEGER, type: 'number', errors: true, validate });
}

/** Copies a schema, turning `integer` into `number` + PY_INTEGER in every subschema. */
function withPyIntegers(node: unknown): unknown {
  if (!isObject(node)) return node;
  const out: Record<string, unknown> = { ...node };
  const types = Array.isArray(node.type) ? node.type : [node.type];
  if (types.includes('integer') && !types.includes('number')) {
    out.type = Array.isArray(node.type) ? node.type.map((t) => (t === 'integer' ? 'number' : t)) : 'number';
    out[PY_INTEGER] = true;
  }
  for (const key of ['properties', 'patternProperties', 'definitions', 'dependencies']) {
    if (isObject(node[key])) {
      out[key] = Object.fromEntries(Object.entries(node[key]).map(([k, v]) => [k, withPyIntegers(v)]));
    }
  }
  for (const key of ['additionalProperties', 'additionalItems', 'items', 'contains', 'propertyNames', 'not', 'if', 'then', 'else']) {
    if (Array.isArray(node[key])) out[key] = node[key].map(withPyIntegers);
    else if (isObject(node[key])) out[key] = withPyIntegers(node[key]);
  }
  for (const key of ['allOf', 'anyOf', 'oneOf']) {
    if (Array.isArray(node[key])) out[key] = node[key].map(withPyIntegers);
  }
  return out;
}

export interface RecordValidatorOptions {
  failOnExtraColumns: boolean;
}

/** A fresh Ajv per call: stream schemas may share an `$id`, which one Ajv would refuse twice. */
export function compileRecordValidator(jsonSchema: unknown, opts: RecordValidatorOptions): ValidateFunction {
  const ajv = newDraft07Ajv({ strict: false, addUsedSchema: false });
  ajv.addFormat('date-time', { type: 'string', validate: isCatDateTime });
  ajv.addFormat('date', { type: 'string', validate: isIsoDate });
  ajv.addFormat('email', { type: 'string', validate: (v: string) => v.includes('@') });
  addPyInteger(ajv);
  const schema = withPyIntegers(jsonSchema) as Record<string, unknown>;
  delete schema.$schema; // always draft-07, whatever the stream declares
  delete schema.$id;
  if (opts.failOnExtraColumns) schema.additionalProperties = false;
  return ajv.compile(schema);
}
