import { COMPANIES_PATH, customObjectPath, MarketoWriteEndpoints } from '../marketo/write-endpoints';
import { MAX_FILTER_VALUES } from '../marketo/constants';
import { PendingRow } from './batcher';
import { ConflictPolicy } from './config';
import { convertValue } from './convert';
import { pairByValue, pairingKey } from './keys';
import { FieldChangeLog } from './field-changes';
import { LEAD_ID_FIELD, Log, WriteTarget } from './objects';
import { parseInstant } from '../marketo/instant';
import { textOf } from '../protocol/text';

// write_only_changes and conflict_policy (issue 7): before a batch of upserts is written, the
// current values of its objects are read from Marketo (one call per 300 keys) and each row is cut
// down to the fields whose values differ. Comparisons are made on normalised values, after the
// same conversion the write uses, so that "2026-01-02T03:04:05+00:00" and Marketo's
// "2026-01-02T03:04:05Z", 42 and "42", null and "" are the same value.

/** The field every Marketo object stamps with its last change (Leads; Companies; Custom Objects). */
export const UPDATED_AT_FIELD = 'updatedAt';

/** What Marketo holds for one row's key; `ambiguous` = it cannot be told (several leads share the key, or the key cannot be looked up). */
type Current = { kind: 'absent' } | { kind: 'ambiguous' } | { kind: 'present'; values: Record<string, unknown>; updatedAt?: number };
type Present = Extract<Current, { kind: 'present' }>;

export interface ChangeSettings {
  writeOnlyChanges: boolean;
  conflictPolicy: ConflictPolicy;
}

/** A batch's rows after the comparison. */
export interface ChangePlan {
  /** Rows to send, with their payloads cut down to the key and the fields to write. */
  send: PendingRow[];
  /** Rows with nothing to write: not sent, and settled as written. */
  unchanged: PendingRow[];
  /** Fields newest_wins left as Marketo has them, per row (as it is in `send` or `unchanged`). */
  kept: Map<PendingRow, number>;
}

/** Whether the current values must be read at all: not when every field of every row is sent anyway. */
export function readsCurrentValues(settings: ChangeSettings): boolean {
  return settings.writeOnlyChanges || settings.conflictPolicy === 'newest_wins';
}

/**
 * A row's change time (row_changed_at_field) in epoch ms: an ISO 8601 text (no zone = UTC), or
 * a number of epoch seconds or milliseconds. Anything else is no change time.
 */
export function parseChangeTime(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value > 1e11 ? value : value * 1000;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  // Whole seconds, as Marketo stamps updatedAt: a fraction cannot make Marketo's change the newer one.
  const converted = convertValue(value, 'datetime');
  return converted.ok && typeof converted.value === 'string' ? Date.parse(converted.value) : undefined;
}

const NUMBER_TYPES = new Set(['integer', 'score', 'float', 'currency', 'percent']);

/**
 * A value as compared: null for no value (null, "", or a field Marketo left out), false for an
 * unset boolean (Marketo reads unset booleans as false), datetimes as whole-second instants,
 * dates as YYYY-MM-DD, numbers as numbers, everything else as text.
 */
export function comparable(value: unknown, dataType: string): unknown {
  if (dataType === 'boolean') {
    if (value === true || value === 1) return true;
    if (typeof value === 'string') return ['true', '1', 'yes'].includes(value.trim().toLowerCase());
    return false;
  }
  if (value === null || value === undefined || (typeof value === 'string' && value.trim() === '')) return null;
  if (NUMBER_TYPES.has(dataType)) {
    const number = typeof value === 'number' ? value : Number(textOf(value).trim());
    return Number.isNaN(number) ? textOf(value) : number;
  }
  if (dataType === 'datetime') {
    const instant = parseInstant(textOf(value)); // no zone = UTC, whatever the machine's TZ
    return Number.isNaN(instant) ? textOf(value) : Math.floor(instant / 1000);
  }
  if (dataType === 'date') return textOf(value).slice(0, 10);
  return textOf(value);
}

export function sameValue(wanted: unknown, current: unknown, dataType: string): boolean {
  return comparable(wanted, dataType) === comparable(current, dataType);
}

/**
 * Reads what Marketo holds for a batch's upserts and decides, field by field, what to send.
 * Runs inside the batch's own write (after the batches holding its keys), so it sees their writes.
 */
export class ChangeFilter {
  /** newest_wins on leads: Marketo's change time of each field (Get Lead Changes), shared by every batch. */
  private readonly leadFieldChanges?: FieldChangeLog;

  constructor(
    private readonly endpoints: MarketoWriteEndpoints,
    private readonly settings: ChangeSettings,
    private readonly log: Log,
  ) {
    if (settings.conflictPolicy === 'newest_wins') this.leadFieldChanges = new FieldChangeLog(endpoints, () => endpoints.client.tokens.scope);
  }

  get active(): boolean {
    return readsCurrentValues(this.settings);
  }

  async plan(target: WriteTarget, rows: PendingRow[]): Promise<ChangePlan> {
    const plan: ChangePlan = { send: [], unchanged: [], kept: new Map() };
    if (!this.active || rows.length === 0) return { ...plan, send: rows };
    const current = await this.current(target, rows);
    const changedAfterRow = await this.newerInMarketo(target, rows, current);
    for (const row of rows) {
      const found = current.get(row) ?? { kind: 'ambiguous' };
      // A create, or a key Marketo cannot look up for us: the whole row goes, and Marketo decides.
      if (found.kind !== 'present') {
        plan.send.push(row);
        continue;
      }
      const payload: Record<string, unknown> = {};
      let fields = 0;
      let kept = 0;
      for (const [field, value] of Object.entries(row.payload)) {
        if (target.keyFields.includes(field)) {
          payload[field] = value;
          continue;
        }
        const same = sameValue(value, found.values[field] ?? null, target.fields.get(field)?.dataType ?? 'string');
        if (!same && changedAfterRow(row, found, field)) {
          kept++;
          this.log(
            'DEBUG',
            `Stream '${target.name}', ${row.label}: field '${field}' kept as Marketo has it: Marketo changed this ${target.kind === 'lead' ? 'field' : 'record'} after the row (newest_wins).`,
          );
          continue;
        }
        if (same && this.settings.writeOnlyChanges) continue;
        payload[field] = value;
        fields++;
      }
      const planned = fields === 0 ? row : { ...row, payload };
      if (fields === 0) plan.unchanged.push(planned);
      else plan.send.push(planned);
      if (kept > 0) plan.kept.set(planned, kept);
    }
    return plan;
  }

  /**
   * newest_wins: whether Marketo changed a field after the row did. Leads: from the Change Data
   * Value activities of the field (one walk for the sync, see FieldChangeLog), since a lead's
   * updatedAt ignores custom fields. Companies and custom objects: from the record's updatedAt,
   * which every field moves. A row without a change time never loses.
   */
  private async newerInMarketo(
    target: WriteTarget,
    rows: PendingRow[],
    current: Map<PendingRow, Current>,
  ): Promise<(row: PendingRow, found: Present, field: string) => boolean> {
    if (this.settings.conflictPolicy !== 'newest_wins') return () => false;
    if (target.kind !== 'lead' || !this.leadFieldChanges) {
      return (row, found) => found.updatedAt !== undefined && row.changedAt !== undefined && found.updatedAt > row.changedAt;
    }
    const compared = rows.filter((r) => r.changedAt !== undefined && current.get(r)?.kind === 'present');
    if (compared.length > 0) {
      const fields = new Set<string>();
      for (const row of compared) for (const field of Object.keys(row.payload)) if (!target.keyFields.includes(field)) fields.add(field);
      const oldest = Math.min(...compared.map((r) => r.changedAt as number));
      if (fields.size > 0) await this.leadFieldChanges.cover([...fields], oldest);
    }
    const changes = this.leadFieldChanges;
    return (row, found, field) => {
      const at = changes.lastChange(Number(found.values[LEAD_ID_FIELD]), field);
      return at !== undefined && row.changedAt !== undefined && at > row.changedAt;
    };
  }

  /** What Marketo holds for each row's key, in one read per 300 keys. */
  private async current(target: WriteTarget, rows: PendingRow[]): Promise<Map<PendingRow, Current>> {
    const fields = new Set<string>(target.keyFields);
    for (const row of rows) for (const field of Object.keys(row.payload)) fields.add(field);
    fields.add(UPDATED_AT_FIELD);
    const out = new Map<PendingRow, Current>();
    for (let i = 0; i < rows.length; i += MAX_FILTER_VALUES) {
      const chunk = rows.slice(i, i + MAX_FILTER_VALUES);
      if (target.kind === 'lead') await this.currentLeads(target, chunk, [...fields], out);
      else await this.currentObjects(target, chunk, [...fields], out);
    }
    return out;
  }

  /** Get Leads by the lookup field. A value holding a comma cannot be searched for; several leads with one value cannot be told apart. */
  private async currentLeads(target: WriteTarget, rows: PendingRow[], fields: string[], out: Map<PendingRow, Current>): Promise<void> {
    const lookupField = target.keyFields[0];
    const spec = target.fields.get(lookupField);
    const lookable = rows.filter((r) => !String(r.payload[lookupField]).includes(','));
    for (const row of rows) out.set(row, { kind: 'ambiguous' });
    if (lookable.length === 0) return;
    const asked = lookable.map((r) => String(r.payload[lookupField]));
    const leads = await this.endpoints.findLeads(lookupField, asked, fields);
    const byKey = pairByValue(asked, leads, (lead) => lead[lookupField], spec);
    for (const row of lookable) {
      const matches = byKey.get(pairingKey(row.payload[lookupField], spec)) ?? [];
      out.set(row, matches.length === 0 ? { kind: 'absent' } : matches.length > 1 ? { kind: 'ambiguous' } : present(matches[0]));
    }
  }

  /** Get Companies / Get Custom Objects by the dedupe fields: each record names the key it matched by `seq`. */
  private async currentObjects(target: WriteTarget, rows: PendingRow[], fields: string[], out: Map<PendingRow, Current>): Promise<void> {
    const path = target.kind === 'company' ? COMPANIES_PATH : customObjectPath(target.name);
    const keys = rows.map((r) => Object.fromEntries(target.keyFields.map((f) => [f, r.payload[f]])));
    const records = await this.endpoints.findObjects(path, target.keyFields, keys, fields);
    for (const row of rows) out.set(row, { kind: 'absent' });
    for (const record of records) {
      const row = Number.isInteger(record.seq) ? rows[record.seq as number] : undefined;
      if (row) out.set(row, present(record));
    }
  }
}

function present(values: Record<string, unknown>): Current {
  const updatedAt = typeof values[UPDATED_AT_FIELD] === 'string' ? parseInstant(values[UPDATED_AT_FIELD]) : NaN;
  return { kind: 'present', values, updatedAt: Number.isNaN(updatedAt) ? undefined : updatedAt };
}

// Marketo documentation cited above by page name:
// - Leads: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/leads
// - Companies: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/companies
// - Custom Objects: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/custom-objects
