/**
 * How a JSON value reads as text in a message, a CSV cell or a comparison: a string as it is, an
 * object or array as its JSON (never "[object Object]"), anything else through String().
 */
export function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}
