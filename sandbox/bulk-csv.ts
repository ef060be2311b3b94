// The files of bulk exports, written as Marketo writes them (Bulk Lead Extract; Bulk Activity Extract): a header row of REST
// names, one row per record, values quoted only when they hold a comma, a quote or a line
// break (quotes doubled), empty values as the literal `null`, and the activity `attributes`
// column as a JSON object keyed by attribute name.

import type { Activity } from './activity-details';
import type { LeadValue } from './leads';
import { ACTIVITY_EXPORT_FIELDS as DOCUMENTED_ACTIVITY_FIELDS } from '../marketo/endpoints';
import { textOf } from '../protocol/text';

/** Columns of an activity export when the job names no `fields` (Bulk Activity Extract; one list with the client's). */
export const DEFAULT_ACTIVITY_EXPORT_FIELDS: readonly string[] = DOCUMENTED_ACTIVITY_FIELDS;

/** Every column an activity export may name (`actionResult` only when asked for) (Bulk Activity Extract). */
export const ACTIVITY_EXPORT_FIELDS: ReadonlySet<string> = new Set([...DEFAULT_ACTIVITY_EXPORT_FIELDS, 'actionResult']);

/** How an empty value is written (Bulk Lead Extract). */
export const CSV_NULL = 'null';

export function csvCell(value: unknown): string {
  if (value === null || value === undefined || value === '') return CSV_NULL;
  const text = textOf(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(cells: readonly unknown[]): string {
  return `${cells.map(csvCell).join(',')}\n`;
}

/** An activity's `attributes` as the export writes them: one JSON object, keyed by name. */
export function attributesObject(activity: Activity): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const a of activity.attributes) out[a.name] = a.value;
  return out;
}

/** One activity row for the given columns. Bulk files carry no action result for activities the sandbox generates: all succeeded. */
export function activityRow(activity: Activity, fields: readonly string[]): string {
  // The other columns are the activity's own fields, by name.
  const { attributes, ...rest } = activity;
  const head: Record<string, unknown> = rest;
  return csvLine(
    fields.map((f) => {
      switch (f) {
        case 'attributes':
          return attributes.length > 0 ? JSON.stringify(attributesObject(activity)) : null;
        case 'actionResult':
          return 'succeeded';
        default:
          return head[f];
      }
    }),
  );
}

export function leadRow(lead: Readonly<Record<string, LeadValue | undefined>>, fields: readonly string[]): string {
  return csvLine(fields.map((f) => lead[f]));
}

// Marketo documentation cited above by page name:
// - Bulk Lead Extract: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/bulk-extract/bulk-lead-extract
// - Bulk Activity Extract: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/bulk-extract/bulk-activity-extract
