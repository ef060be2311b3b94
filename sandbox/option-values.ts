// Checks of the values the sandbox is started or driven with (options, helper arguments): a wrong
// value throws with the option's name rather than generating odd data.

import { parseSinceDatetime } from './paging';

export function nonNegativeInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) throw new Error(`sandbox option ${name} must be a non-negative integer, got ${value}`);
  return value;
}

/** An ISO 8601 datetime (in any spelling Marketo's sinceDatetime accepts) as epoch seconds. */
export function isoToEpochSeconds(name: string, iso: string): number {
  const ms = parseSinceDatetime(iso) ?? Date.parse(iso);
  if (!Number.isFinite(ms)) throw new Error(`sandbox option ${name} must be an ISO 8601 datetime, got '${iso}'`);
  return Math.floor(ms / 1000);
}
