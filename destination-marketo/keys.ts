import { FieldSpec } from './objects';

// How the values of a key field (lead_lookup_field, a company's or custom object's dedupe fields)
// are compared. Marketo documents one rule: email addresses match whatever their case (its
// dedupe of leads on email). For every other field its rule is not documented, so keys are
// compared exactly: folding them would collapse two rows whose keys differ only in case, and the
// first row would be lost.

/** Marketo data type whose values Marketo matches ignoring case. */
const CASE_INSENSITIVE_KEY_TYPE = 'email';

/** Whether Marketo is known to match values of this field ignoring case. */
export function ignoresCase(field: FieldSpec | undefined): boolean {
  return field?.dataType === CASE_INSENSITIVE_KEY_TYPE;
}

/** A key value as compared for `field`: folded only where Marketo's rule is known to ignore case. */
export function keyPart(value: unknown, field: FieldSpec | undefined): unknown {
  return typeof value === 'string' && ignoresCase(field) ? value.toLowerCase() : value;
}

/** A key value folded whatever the field: two such keys may be one record if Marketo ignores case. */
function foldedPart(value: unknown): unknown {
  return typeof value === 'string' ? value.toLowerCase() : value;
}

/** The key of a row: rows with equal keys are the same record (the later row replaces the earlier in a batch). */
export function dedupeKeyOf(key: Record<string, unknown>, fields: Array<FieldSpec | undefined>, names: string[]): string {
  return JSON.stringify(names.map((name, i) => [name, keyPart(key[name], fields[i])]));
}

/**
 * The key that orders writes: rows whose keys differ only in case may still be one record in
 * Marketo when its rule is not known, so a write of such a key waits for the one in flight
 * (two concurrent upserts of one new record could otherwise create it twice). Waiting costs
 * nothing when they are different records.
 */
export function orderKeyOf(key: Record<string, unknown>, names: string[]): string {
  return JSON.stringify(names.map((name) => [name, foldedPart(key[name])]));
}

/**
 * Pairs the records Marketo returned for a lookup with the values asked for: a record belongs to
 * the value it holds exactly; a record whose value no asked value holds exactly (Marketo matched
 * it ignoring case) belongs to the asked values equal to it ignoring case. So an exact Marketo
 * never pairs a record with another value, and a case-insensitive one is followed.
 */
export function pairByValue<R>(asked: string[], records: R[], valueOf: (record: R) => unknown, field: FieldSpec | undefined): Map<string, R[]> {
  const exact = (v: unknown) => String(keyPart(v, field));
  const askedExact = new Set(asked.map(exact));
  const askedByFolded = new Map<string, string[]>();
  for (const value of askedExact) {
    const folded = value.toLowerCase();
    askedByFolded.set(folded, [...(askedByFolded.get(folded) ?? []), value]);
  }
  const out = new Map<string, R[]>();
  const add = (value: string, record: R) => out.set(value, [...(out.get(value) ?? []), record]);
  for (const record of records) {
    const value = exact(valueOf(record));
    if (askedExact.has(value)) add(value, record);
    else for (const folded of askedByFolded.get(value.toLowerCase()) ?? []) add(folded, record);
  }
  return out;
}

/** The pairing key of an asked value, as pairByValue keys its answer. */
export function pairingKey(value: unknown, field: FieldSpec | undefined): string {
  return String(keyPart(value, field));
}
