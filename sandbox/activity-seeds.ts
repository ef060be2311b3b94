// The seed arithmetic of generated activities: which random stream each detail draws from, and how
// a stored row's `link` number encodes the values a change moved between. Everything here is a
// pure function of (seed, activity id), so details are recomputed, never stored.

import { CHANGEABLE_FIELDS, generateFieldValue, initialFieldValue, type LeadValue } from './leads';
import { rngFor } from './prng';

// Independent random streams per purpose: changing one generator must not shift another.
export const SALT_DETAILS = 0xde7a11;
export const SALT_CHANGED_FIELD = 0xf1e1d;
export const SALT_FIELD_VALUE = 0x7a1e;
export const SALT_MERGE = 0x3e26e;

/**
 * A change draws new values until one differs from the current value (Marketo logs no change
 * otherwise); this many draws are allowed, which makes an unchanged boolean a 1-in-65536 event.
 */
export const MAX_VALUE_ATTEMPTS = 16;

/** Value keys tell which random draw produced a field value: 0 = the lead's initial value. */
export function valueKey(activityId: number, attempt: number): number {
  return activityId * MAX_VALUE_ATTEMPTS + attempt;
}

/** Change Data Value / Change Score links pack (previous value key, attempt) in one number. */
export function packChangeLink(previousKey: number, attempt: number): number {
  return previousKey * MAX_VALUE_ATTEMPTS + attempt;
}

export function unpackChangeLink(link: number): { previousKey: number; attempt: number } {
  return { previousKey: Math.floor(link / MAX_VALUE_ATTEMPTS), attempt: link % MAX_VALUE_ATTEMPTS };
}

/** Which lead field a generated Change Data Value activity changes. */
export function changedFieldOf(seed: number, activityId: number): string {
  const rng = rngFor(seed, SALT_CHANGED_FIELD, activityId);
  return CHANGEABLE_FIELDS[rng.int(0, CHANGEABLE_FIELDS.length - 1)];
}

/** The field value drawn under a value key (0 = the generated lead's initial value). */
export function valueForKey(seed: number, key: number, field: string, leadId: number): LeadValue {
  if (key === 0) return initialFieldValue(seed, leadId, field);
  const activityId = Math.floor(key / MAX_VALUE_ATTEMPTS);
  const attempt = key % MAX_VALUE_ATTEMPTS;
  return generateFieldValue(field, rngFor(seed, SALT_FIELD_VALUE, activityId, attempt), leadId);
}

/** How many leads a generated Merge Leads activity merges into its winner. */
export function mergedCountOf(seed: number, activityId: number): number {
  return rngFor(seed, SALT_MERGE, activityId).chance(0.8) ? 1 : 2;
}
