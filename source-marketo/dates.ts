// Marketo stamps activities to the second, in several spellings (Z, +0000, -08:00). We compare and
// store one canonical spelling, `YYYY-MM-DDTHH:MM:SSZ`, which also sorts as a string.

import { parseInstant } from '../marketo/instant';

const CANONICAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/** The canonical UTC second of a Marketo date-time (UTC when it carries no zone), or undefined if it is not one. */
export function toMarketoSecond(value: string): string | undefined {
  if (CANONICAL.test(value)) return value;
  // Offsets without a colon (+0000) and a space instead of T appear in real responses.
  const ms = parseInstant(value);
  if (Number.isNaN(ms)) return undefined;
  return secondOf(ms);
}

export function secondOf(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export function addSeconds(canonical: string, seconds: number): string {
  return secondOf(Date.parse(canonical) + seconds * 1000);
}

export function maxSecond(a: string, b: string): string {
  return a > b ? a : b;
}
