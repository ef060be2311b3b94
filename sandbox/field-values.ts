// Values written to lead, company and custom-object fields: what each Marketo `dataType` accepts
// and how it is stored (and served back) (Leads; Field Types).
//
// Marketo checks every written value against its field's type and skips the record with 1003
// "Invalid value for field '<f>' and value '<v>'" when it does not fit; recorded rejections:
// integer 14.1, boolean "other", email "bademail", float "14c", datetime "yesterday",
// percent "100%" (seen in recorded Marketo responses). Accepted values are stored in the form Get Leads serves: numbers as JSON
// numbers, booleans as JSON booleans, dates "YYYY-MM-DD", datetimes "2021-11-23T22:57:08Z".
// `null` or "" store null (Leads).

import { parseSinceDatetime } from './paging';

export type FieldValue = string | number | boolean | null;

export type Normalized = { ok: true; value: FieldValue } | { ok: false };

const INTEGER_TEXT = /^[+-]?\d+$/;
const DECIMAL_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
/** ASCII only: Sync Leads requires ASCII emails (Leads). Local part @ domain with at least one dot. */
const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** Text forms of booleans Marketo takes besides JSON booleans (as its CSV import does). */
const TRUE_TEXT = new Set(['true', '1', 'yes']);
const FALSE_TEXT = new Set(['false', '0', 'no']);

const STRING_TYPES = new Set(['string', 'text', 'phone', 'url', 'formula', 'lead_function']);
const DECIMAL_TYPES = new Set(['float', 'currency', 'percent']);

const ok = (value: FieldValue): Normalized => ({ ok: true, value });
const invalid: Normalized = { ok: false };

function toInteger(raw: unknown): Normalized {
  if (typeof raw === 'number') return Number.isSafeInteger(raw) ? ok(raw) : invalid;
  if (typeof raw === 'string' && INTEGER_TEXT.test(raw.trim())) {
    const n = Number(raw.trim());
    return Number.isSafeInteger(n) ? ok(n) : invalid;
  }
  return invalid;
}

function toDecimal(raw: unknown): Normalized {
  if (typeof raw === 'number') return Number.isFinite(raw) ? ok(raw) : invalid;
  if (typeof raw === 'string' && DECIMAL_TEXT.test(raw.trim())) return ok(Number(raw.trim()));
  return invalid;
}

function toBoolean(raw: unknown): Normalized {
  if (typeof raw === 'boolean') return ok(raw);
  if (raw === 1 || raw === 0) return ok(raw === 1);
  if (typeof raw === 'string') {
    const t = raw.trim().toLowerCase();
    if (TRUE_TEXT.has(t)) return ok(true);
    if (FALSE_TEXT.has(t)) return ok(false);
  }
  return invalid;
}

function toDate(raw: unknown): Normalized {
  if (typeof raw !== 'string') return invalid;
  const m = DATE.exec(raw.trim());
  if (!m) return invalid;
  const [, y, mo, d] = m;
  const t = Date.UTC(Number(y), Number(mo) - 1, Number(d));
  // Date.UTC rolls Feb 31 over to March: such dates are invalid.
  if (new Date(t).toISOString().slice(0, 10) !== raw.trim()) return invalid;
  return ok(raw.trim());
}

function toDatetime(raw: unknown): Normalized {
  if (typeof raw !== 'string') return invalid;
  const ms = parseSinceDatetime(raw.trim());
  if (ms === undefined) return invalid;
  // Served in UTC at second resolution, as recorded: "2020-08-30T05:49:48.000Z" reads back "2020-08-30T05:49:48Z".
  return ok(new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z'));
}

function toText(raw: unknown): Normalized {
  if (typeof raw === 'string') return ok(raw);
  if (typeof raw === 'number' || typeof raw === 'boolean') return ok(String(raw));
  return invalid;
}

/** A key of a `reference` or `link` field: an integer id, or a text key. */
function toKey(raw: unknown): Normalized {
  const asInteger = toInteger(raw);
  if (asInteger.ok) return asInteger;
  return typeof raw === 'string' ? ok(raw) : invalid;
}

/**
 * The stored form of `raw` written to a field of `dataType`, or invalid (1003). null and ""
 * store null whatever the type (Leads).
 */
export function normalizeFieldValue(dataType: string, raw: unknown): Normalized {
  if (raw === null || raw === '') return ok(null);
  if (STRING_TYPES.has(dataType)) return toText(raw);
  if (dataType === 'email') return typeof raw === 'string' && EMAIL.test(raw) ? ok(raw) : invalid;
  if (dataType === 'integer' || dataType === 'score') return toInteger(raw);
  if (DECIMAL_TYPES.has(dataType)) return toDecimal(raw);
  if (dataType === 'boolean') return toBoolean(raw);
  if (dataType === 'date') return toDate(raw);
  if (dataType === 'datetime') return toDatetime(raw);
  if (dataType === 'reference' || dataType === 'link') return toKey(raw);
  // Unknown types take any scalar as text.
  return toText(raw);
}

/** How a rejected value appears in the 1003 message: as the client sent it ('14.1', 'other'). */
export function valueForMessage(raw: unknown): string {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  return JSON.stringify(raw);
}

/** Whether two stored values are the same (Marketo logs no change for an unchanged value). */
export function sameValue(a: FieldValue | undefined, b: FieldValue | undefined): boolean {
  return (a ?? null) === (b ?? null);
}

/** Whether a stored value counts as empty (a merge fills such fields from the losers (Leads)). */
export function isEmptyValue(value: FieldValue | undefined): boolean {
  return value === null || value === undefined || value === '';
}

// Marketo documentation cited above by page name:
// - Leads: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/leads
// - Field Types: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/field-types
