import { COMPANY_UPDATE_NOT_ALLOWED } from '../marketo/write-endpoints';
import { MAX_INPUT_BYTES, PendingRow } from './batcher';
import { parseChangeTime } from './changes';
import { convertValue } from './convert';
import { ColumnMatcher } from './columns';
import { dedupeKeyOf, orderKeyOf } from './keys';
import { COMPANIES_STREAM, COMPANY_KEY_FIELD, FieldSpec, LEAD_ID_FIELD, Log, WriteTarget } from './objects';

export { CDC_DELETED_AT } from './columns';

export interface RowContext {
  /** Stream name as the record carries it. */
  stream: string;
  /** Counting key of the stream (namespace.name). */
  streamKey: string;
  line: number;
  /** 1-based position of the row in its stream. */
  position: number;
}

/**
 * A row ready to batch (the session gives it its ticket), or a row refused before Marketo sees
 * it. A refused row with a key replaces the waiting row of that key; one without a key
 * (`dedupeKey` undefined) replaces nothing.
 */
export type Prepared = { kind: 'row'; row: Omit<PendingRow, 'ticket'> } | { kind: 'rejected'; dedupeKey?: string; label: string; reason: string };

function isBlank(value: unknown): boolean {
  return value === null || value === undefined || (typeof value === 'string' && value.trim() === '');
}

/** A row's columns in Marketo's terms. */
interface RowColumns {
  /** Field name to [column, value], for the columns that name a field. */
  fields: Map<string, { column: string; value: unknown; byCase: boolean }>;
  deletedAt: unknown;
  changedAt: unknown;
}

/**
 * Turns a record's data into the record Marketo takes for one target: key checked and converted,
 * Airbyte columns left out, columns matched to fields (exactly, else ignoring case when one field
 * matches), columns Marketo does not know or cannot write dropped (one LOG per column for the
 * whole run, not per row), values converted to the field types. A row without its key, or with a
 * value that cannot be converted, is refused alone: nothing else depends on it.
 */
export class RowPreparer {
  private readonly warned = new Set<string>();
  private readonly matchedByCase = new Set<string>();
  private readonly columns: ColumnMatcher;
  private readonly keySpecs: Array<FieldSpec | undefined>;

  /** `changedAtField`: the column holding the row's change time (row_changed_at_field), read for newest_wins. */
  constructor(
    private readonly target: WriteTarget,
    private readonly log: Log,
    private readonly changedAtField?: string,
  ) {
    this.columns = new ColumnMatcher(target.fields, changedAtField);
    this.keySpecs = target.keyFields.map((f) => target.fields.get(f));
  }

  prepare(data: Record<string, unknown>, ctx: RowContext): Prepared {
    const row = this.matchColumns(data);
    const deleted = !isBlank(row.deletedAt);
    // A delete that names the Marketo lead id (the source's own tombstones) deletes that lead, whatever the lookup field.
    const byId = deleted && this.target.kind === 'lead' && !isBlank(row.fields.get(LEAD_ID_FIELD)?.value);
    const keyFields = byId ? [LEAD_ID_FIELD] : this.target.keyFields;
    const keySpecs = byId ? [this.target.fields.get(LEAD_ID_FIELD)] : this.keySpecs;
    const key = this.key(row, keyFields, keySpecs);
    if (typeof key === 'string') return { kind: 'rejected', label: `row ${ctx.position}`, reason: key };

    const label = keyFields.map((f) => `${f}=${String(key[f])}`).join(', ');
    const dedupeKey = dedupeKeyOf(key, keySpecs, keyFields);
    const base = { stream: ctx.streamKey, line: ctx.line, dedupeKey, orderKey: orderKeyOf(key, keyFields), label };
    if (deleted) return { kind: 'row', row: { ...base, op: 'delete', payload: key, bytes: byteSize(key) } };

    const payload: Record<string, unknown> = { ...key };
    const linkedToCompany = this.target.kind === 'lead' && !isBlank(row.fields.get(COMPANY_KEY_FIELD)?.value);
    for (const [name, { column, value }] of row.fields) {
      if (name in key) continue;
      const field = this.target.fields.get(name)!;
      if (!field.updateable) {
        this.warnOnce(column, field.notWritten ?? `is read-only in Marketo ${this.objectLabel()}; it is not written.`);
        continue;
      }
      if (linkedToCompany && this.target.companyFields.has(name)) {
        this.warnOnce(
          column,
          `is a company field: Marketo refuses it on leads linked to a company (${COMPANY_UPDATE_NOT_ALLOWED}), so it is left out of rows that have an ${COMPANY_KEY_FIELD}. Send company fields through the '${COMPANIES_STREAM}' stream.`,
        );
        continue;
      }
      const converted = convertValue(value, field.dataType);
      if (!converted.ok) return { kind: 'rejected', dedupeKey, label, reason: `column '${column}' ${converted.reason}` };
      payload[name] = converted.value;
    }
    const bytes = byteSize(payload);
    if (bytes > MAX_INPUT_BYTES) return { kind: 'rejected', dedupeKey, label, reason: "is larger than Marketo's 1 MB request limit on its own" };
    const changedAt = this.changedAtField === undefined ? undefined : parseChangeTime(row.changedAt);
    return { kind: 'row', row: { ...base, op: 'upsert', payload, bytes, ...(changedAt === undefined ? {} : { changedAt }) } };
  }

  /** Sorts the row's columns: fields (an exact name beats one matched ignoring case), Airbyte's columns, the rest dropped with a warning. */
  private matchColumns(data: Record<string, unknown>): RowColumns {
    const row: RowColumns = { fields: new Map(), deletedAt: undefined, changedAt: undefined };
    let newlyByCase: string[] | undefined;
    for (const [column, value] of Object.entries(data)) {
      const role = this.columns.role(column);
      if (column === this.changedAtField) row.changedAt = value;
      switch (role.kind) {
        case 'deletedAt':
          row.deletedAt = value;
          break;
        case 'changedAt':
          row.changedAt ??= value;
          break;
        case 'airbyte':
          break;
        case 'unknown':
          this.warnOnce(column, `is not a field of Marketo ${this.objectLabel()}; it is not written.`);
          break;
        case 'ambiguous':
          this.warnOnce(
            column,
            `matches several fields of Marketo ${this.objectLabel()} ignoring case (${role.candidates.map((c) => `'${c}'`).join(', ')}); it is not written. Name the column exactly as one of them.`,
          );
          break;
        case 'field': {
          const taken = row.fields.get(role.field.name);
          if (taken) {
            // Two columns for one field: the one named exactly wins, else the first.
            const [kept, dropped] = role.byCase || !taken.byCase ? [taken.column, column] : [column, taken.column];
            this.warnOnce(dropped, `names the same Marketo field '${role.field.name}' as column '${kept}', which is written instead; it is not written.`);
            if (kept !== column) break;
          }
          row.fields.set(role.field.name, { column, value, byCase: role.byCase });
          if (role.byCase && !this.matchedByCase.has(column)) {
            this.matchedByCase.add(column);
            (newlyByCase ??= []).push(`${column} → ${role.field.name}`);
          }
        }
      }
    }
    if (newlyByCase) {
      this.log(
        'INFO',
        `Stream '${this.target.name}': ${newlyByCase.length} ${newlyByCase.length === 1 ? 'column' : 'columns'} matched to Marketo fields ignoring case (the warehouse changed the case of their names): ${newlyByCase.join(', ')}.`,
      );
    }
    return row;
  }

  /** The key fields, converted to their Marketo types; or why the row has no usable key. */
  private key(row: RowColumns, keyFields: string[], specs: Array<FieldSpec | undefined>): Record<string, unknown> | string {
    const key: Record<string, unknown> = {};
    for (const [i, field] of keyFields.entries()) {
      const raw = row.fields.get(field)?.value;
      if (isBlank(raw))
        return `no value for '${field}', ${this.keyOrigin()}; a row needs it to be matched to a Marketo record (fix the source data or the mapping)`;
      const converted = convertValue(raw, specs[i]?.dataType ?? 'string');
      if (!converted.ok || isBlank(converted.value))
        return `its key '${field}' has a value Marketo cannot take: it ${converted.ok ? 'is blank' : converted.reason}`;
      key[field] = converted.value;
    }
    return key;
  }

  private keyOrigin(): string {
    if (this.target.kind === 'lead') return 'the lead_lookup_field';
    return this.target.keyFields.length > 1 ? `one of the dedupe fields of ${this.objectLabel()}` : `the dedupe field of ${this.objectLabel()}`;
  }

  private objectLabel(): string {
    return this.target.kind === 'customObject' ? `custom object '${this.target.name}'` : this.target.name;
  }

  private warnOnce(column: string, text: string): void {
    if (this.warned.has(column)) return;
    this.warned.add(column);
    this.log('WARN', `Stream '${this.target.name}': column '${column}' ${text} (Shown once per column.)`);
  }
}

function byteSize(payload: Record<string, unknown>): number {
  return Buffer.byteLength(JSON.stringify(payload)) + 1; // + the comma between records
}
