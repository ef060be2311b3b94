// JSON as it arrives (stdin lines, state and config files): what a parsed value is, checked rather than assumed.

/** Whether a parsed JSON value is an object (not null, not a list): its fields can then be read as unknowns and checked. */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
