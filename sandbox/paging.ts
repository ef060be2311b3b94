// Date-based paging tokens of the activities endpoints (Paging Tokens).
//
// Real Marketo tokens of this kind are RFC 4648 base32 of "<datetime>,<last activity id>", e.g.
// GIYDAOBNGEYS2MBWKQYDAORQGA5DAMBOGAYDAKZQGAYDALBRGA3TQ=== -> "2008-11-06T00:00:00.000+0000,1078".
// The sandbox uses the same form. A token is a position in the (activityDate, id) order: the next
// call returns the activities strictly after it. Because the position is a (date, id) pair and
// not an index, activities appended later are found by the last token of an earlier walk.

export interface PagePosition {
  /** Epoch milliseconds; activities are compared at their second-resolution date. */
  ms: number;
  /** The last activity id seen at that instant (0 = none yet). */
  id: number;
}

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32Encode(input: string): string {
  const bytes = Buffer.from(input, 'utf8');
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32_ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32_ALPHABET[(value << (5 - bits)) & 31];
  while (out.length % 8 !== 0) out += '=';
  return out;
}

/** Returns undefined for anything that is not valid base32 (padding optional). */
export function base32Decode(input: string): string | undefined {
  const clean = input.replace(/=+$/, '');
  if (!/^[A-Z2-7]*$/.test(clean)) return undefined;
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of clean) {
    value = (value << 5) | BASE32_ALPHABET.indexOf(ch);
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** "2026-01-05T10:00:00.000+0000": the datetime form inside real tokens. */
function tokenDatetime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

export function encodePagingToken(position: PagePosition): string {
  return base32Encode(`${tokenDatetime(position.ms)},${position.id}`);
}

const TOKEN_TEXT = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3})\+0000,(\d{1,16})$/;

export function decodePagingToken(token: string): PagePosition | undefined {
  const text = base32Decode(token);
  if (text === undefined) return undefined;
  const m = TOKEN_TEXT.exec(text);
  if (!m) return undefined;
  const ms = Date.parse(`${m[1]}Z`);
  if (!Number.isFinite(ms)) return undefined;
  return { ms, id: Number(m[2]) };
}

/**
 * Parses a sinceDatetime as Marketo accepts it (Paging Tokens; Field Types): ISO 8601 with `Z`, `±hh:mm` or
 * `±hhmm`, seconds and fraction optional ("2015-10-06T13:22-0700"), or a bare date
 * ("2015-10-06"). A value without zone is read as UTC (Marketo would use the subscription's
 * zone; UNVERIFIED). An unencoded "+" arrives as a space and is rejected, as a real server would
 * fail to parse it: this catches clients that forget to URL-encode the offset.
 * Returns epoch milliseconds or undefined.
 */
export function parseSinceDatetime(value: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone = 'Z'] = m;
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) {
    return undefined;
  }
  const ms = Number((frac + '000').slice(0, 3));
  let utc = Date.UTC(Number(y), month - 1, day, hour, minute, second, ms);
  // Date.UTC silently rolls Feb 31 over to March: reject such dates.
  if (new Date(utc).getUTCDate() !== day) return undefined;
  if (zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offsetMinutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4));
    utc -= sign * offsetMinutes * 60_000;
  }
  return utc;
}

/**
 * The position a fresh paging token stands for. Activities have second resolution; whether one
 * stamped exactly at sinceDatetime is included is UNVERIFIED for Marketo (Paging Tokens), so it is an
 * option: exclusive (default) starts after the whole second, inclusive at its start.
 */
export function positionForSince(sinceMs: number, inclusive: boolean): PagePosition {
  if (inclusive) {
    // Every activity whose date is >= since: the first whole second at or after since.
    return { ms: Math.ceil(sinceMs / 1000) * 1000, id: 0 };
  }
  // Every activity whose date is > since: skip the whole second since falls in.
  return { ms: Math.floor(sinceMs / 1000) * 1000 + 999, id: 0 };
}

/** activityDate as Marketo writes it: UTC, second resolution, "Z" (Field Types). */
export function formatActivityDate(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace('.000Z', 'Z');
}

// ---------------------------------------------------------------------------------------------
// Position tokens of record reads (Get Leads, Get Companies, Get Custom Objects) (Paging Tokens; Lead Database API reference).
// Marketo returns them only when more records match than one batch holds; they act as a cursor.
// The sandbox's are base32 of "<object>:<position>", so a token of one object type (or a
// malformed one) is refused by another.
// ---------------------------------------------------------------------------------------------

export function encodeRecordToken(object: string, position: number): string {
  return base32Encode(`${object}:${position}`);
}

/** The position a record token stands for, or undefined when it is not a token of `object`. */
export function decodeRecordToken(object: string, token: string): number | undefined {
  const text = base32Decode(token);
  if (text === undefined || !text.startsWith(`${object}:`)) return undefined;
  const rest = text.slice(object.length + 1);
  if (!/^\d{1,15}$/.test(rest)) return undefined;
  return Number(rest);
}

// Marketo documentation cited above by page name:
// - Paging Tokens: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/paging-tokens
// - Field Types: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/field-types
// - Lead Database API reference: https://developer.adobe.com/marketo-apis/api/mapi/
