// ISO 8601 date-times as both connectors read them (settings, state, Marketo's answers, warehouse
// rows). JavaScript's Date.parse reads a date-time without a zone in the machine's local time
// (https://developer.mozilla.org/en-US/docs/Web/JavaScript/Reference/Global_Objects/Date/parse), so a
// sync would move by hours with the machine's TZ. Here a value without a zone is UTC, always.

/** Date, optional time (`T` or a space), optional fraction, optional zone: Z, ±HH, ±HHMM or ±HH:MM. */
const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Epoch milliseconds of an ISO 8601 date or date-time, read as UTC unless it carries a zone; NaN
 * when the text is not one, or names a day the calendar does not have (2024-02-30).
 */
export function parseInstant(text: string): number {
  const match = ISO_8601.exec(text.trim());
  if (!match) return NaN;
  const [, year, month, day, hh = '00', mm = '00', ss = '00', fraction = '', zone = 'Z'] = match;
  const offset = zone.toUpperCase() === 'Z' ? 'Z' : zone.length === 3 ? `${zone}:00` : zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const ms = Date.parse(`${year}-${month}-${day}T${hh}:${mm}:${ss}${fraction.slice(0, 4)}${offset}`);
  if (Number.isNaN(ms)) return NaN;
  const calendar = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  if (calendar.getUTCMonth() !== Number(month) - 1 || calendar.getUTCDate() !== Number(day)) return NaN;
  return ms;
}
