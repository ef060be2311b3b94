// Converts warehouse values to what a Marketo field's `dataType` takes (Field Types).
// Marketo skips a whole record over one bad value (1003), so we convert what has one obvious
// meaning and refuse the rest ourselves, with a reason that names the problem but never the value
// (it may be personal data).

export type Conversion = { ok: true; value: unknown } | { ok: false; reason: string };

// Marketo data types, grouped by the JSON value they take.
const STRING_TYPES = new Set(['string', 'text', 'email', 'phone', 'url', 'formula', 'lead_function']);
const INTEGER_TYPES = new Set(['integer', 'score']);
const DECIMAL_TYPES = new Set(['float', 'currency', 'percent']);
const BOOLEAN_TYPE = 'boolean';
const DATE_TYPE = 'date';
const DATETIME_TYPE = 'datetime';
// `reference` holds a string or integer key; `link` (custom objects) a key of the linked record.
const KEY_TYPES = new Set(['reference', 'link']);

const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const DATE_TEXT = /^(\d{4})-(\d{2})-(\d{2})$/;
/** ISO 8601 and the SQL form with a space; the time zone may be absent (Airbyte's timestamp_without_timezone). */
const DATETIME_TEXT = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

const ok = (value: unknown): Conversion => ({ ok: true, value });
const fail = (reason: string): Conversion => ({ ok: false, reason });

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return 'a string';
  return `a ${typeof value}`;
}

/** `value` as the JSON Marketo expects for `dataType`. Unknown types pass scalars through unchanged. */
export function convertValue(value: unknown, dataType: string): Conversion {
  // Marketo stores null for both null and "" (Leads); a blank is the warehouse's way to say "no value".
  if (value === null || value === undefined) return ok(null);
  if (typeof value === 'string' && value.trim() === '' && !STRING_TYPES.has(dataType)) return ok(null);
  if (STRING_TYPES.has(dataType)) return toText(value);
  if (INTEGER_TYPES.has(dataType)) return toInteger(value);
  if (DECIMAL_TYPES.has(dataType)) return toNumber(value, 'a number');
  if (dataType === BOOLEAN_TYPE) return toBoolean(value);
  if (dataType === DATE_TYPE) return toDate(value);
  if (dataType === DATETIME_TYPE) return toDatetime(value);
  if (KEY_TYPES.has(dataType))
    return typeof value === 'number' || typeof value === 'string' ? ok(value) : fail(`needs a key (text or number); got ${kindOf(value)}`);
  return typeof value === 'object' ? fail(`has Marketo type '${dataType}', which takes a single value; got ${kindOf(value)}`) : ok(value);
}

function toText(value: unknown): Conversion {
  if (typeof value === 'string') return ok(value);
  if (typeof value === 'number' && Number.isFinite(value)) return ok(String(value));
  if (typeof value === 'boolean') return ok(String(value));
  return fail(`needs text; got ${kindOf(value)}`);
}

function toInteger(value: unknown): Conversion {
  const number = toNumber(value, 'a whole number');
  if (number.ok && !Number.isSafeInteger(number.value)) return fail('needs a whole number; got a number with decimals or out of range');
  return number;
}

/** Numbers, and numeric strings (warehouses often hold numbers as text). "100%" or "14c" are refused. */
function toNumber(value: unknown, what: string): Conversion {
  if (typeof value === 'number') return Number.isFinite(value) ? ok(value) : fail(`needs ${what}; got a non-finite number`);
  if (typeof value === 'string' && NUMBER_TEXT.test(value.trim())) return ok(Number(value.trim()));
  return fail(`needs ${what}; got ${typeof value === 'string' ? 'text that is not a number' : kindOf(value)}`);
}

function toBoolean(value: unknown): Conversion {
  if (typeof value === 'boolean') return ok(value);
  if (value === 1 || value === 0) return ok(value === 1);
  if (typeof value === 'string') {
    const text = value.trim().toLowerCase();
    if (text === 'true' || text === '1') return ok(true);
    if (text === 'false' || text === '0') return ok(false);
  }
  return fail(`needs true or false; got ${typeof value === 'string' ? 'other text' : kindOf(value)}`);
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** YYYY-MM-DD. A date-time keeps the calendar date it was written with, not the UTC one. */
function toDate(value: unknown): Conversion {
  if (typeof value !== 'string') return fail(`needs a date (YYYY-MM-DD); got ${kindOf(value)}`);
  const match = DATETIME_TEXT.exec(value.trim());
  const day = match && DATE_TEXT.exec(match[1]);
  if (!day || !isCalendarDate(Number(day[1]), Number(day[2]), Number(day[3]))) return fail('needs a date (YYYY-MM-DD); got text that is not one');
  return ok(match[1]);
}

/** ISO 8601 in UTC to the second (`2024-01-02T03:04:05Z`), the form Marketo itself returns; no zone means UTC. */
function toDatetime(value: unknown): Conversion {
  if (typeof value !== 'string') return fail(`needs a date-time (ISO 8601); got ${kindOf(value)}`);
  const match = DATETIME_TEXT.exec(value.trim());
  const day = match && DATE_TEXT.exec(match[1]);
  if (!match || !day || !isCalendarDate(Number(day[1]), Number(day[2]), Number(day[3]))) {
    return fail('needs a date-time (ISO 8601); got text that is not one');
  }
  const [, date, hh = '00', mm = '00', ss = '00', fraction = '', zone = 'Z'] = match;
  const offset = zone.toUpperCase() === 'Z' ? 'Z' : zone.length === 3 ? `${zone}:00` : zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const parsed = new Date(`${date}T${hh}:${mm}:${ss}${fraction}${offset}`);
  if (Number.isNaN(parsed.getTime())) return fail('needs a date-time (ISO 8601); got text that is not one');
  return ok(parsed.toISOString().replace(/\.\d{3}Z$/, 'Z'));
}

// Marketo documentation cited above by page name:
// - Leads: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/leads
// - Field Types: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/field-types
