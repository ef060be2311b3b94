import { COMPANY_UPDATE_NOT_ALLOWED } from '../marketo/write-endpoints';
import { MAX_INPUT_BYTES, PendingRow } from './batcher';
import { parseChangeTime } from './changes';
import { convertValue } from './convert';
import { BadInputError } from './input';
import { COMPANIES_STREAM, COMPANY_KEY_FIELD, Log, WriteTarget } from './objects';

/** The Airbyte CDC convention: a row with this column set has been deleted at the source. */
export const CDC_DELETED_AT = '_ab_cdc_deleted_at';
/** Columns Airbyte adds (`_ab_cdc_*`, `_airbyte_*`): bookkeeping, never Marketo data. */
const AIRBYTE_COLUMN = /^_(ab|airbyte)_/;

export interface RowContext {
  /** Stream name as the record carries it. */
  stream: string;
  /** Counting key of the stream (namespace.name). */
  streamKey: string;
  line: number;
  /** 1-based position of the row in its stream. */
  position: number;
}

/** A row ready to batch; the session gives it its ticket. */
export type Prepared = { kind: 'row'; row: Omit<PendingRow, 'ticket'> } | { kind: 'rejected'; dedupeKey: string; label: string; reason: string };

function isBlank(value: unknown): boolean {
  return value === null || value === undefined || (typeof value === 'string' && value.trim() === '');
}

/** Keys Marketo treats as equal must be equal here: its lookups ignore case (emails above all). */
function normaliseKeyPart(value: unknown): unknown {
  return typeof value === 'string' ? value.toLowerCase() : value;
}

/**
 * Turns a record's data into the record Marketo takes for one target: key checked and converted,
 * Airbyte columns left out, columns Marketo does not know or cannot write dropped (one LOG per
 * column for the whole run, not per row), values converted to the field types. A value that
 * cannot be converted rejects its row only; a row without its key stops the run (BadInputError),
 * since nothing can be matched without it.
 */
export class RowPreparer {
  private readonly warned = new Set<string>();

  /** `changedAtField`: the column holding the row's change time (row_changed_at_field), read for newest_wins. */
  constructor(private readonly target: WriteTarget, private readonly log: Log, private readonly changedAtField?: string) {}

  prepare(data: Record<string, unknown>, ctx: RowContext): Prepared {
    const key = this.key(data, ctx);
    const label = this.target.keyFields.map((f) => `${f}=${String(key[f])}`).join(', ');
    const dedupeKey = JSON.stringify(this.target.keyFields.map((f) => normaliseKeyPart(key[f])));
    const base = { stream: ctx.streamKey, line: ctx.line, dedupeKey, label };
    if (!isBlank(data[CDC_DELETED_AT])) return { kind: 'row', row: { ...base, op: 'delete', payload: key, bytes: byteSize(key) } };

    const payload: Record<string, unknown> = { ...key };
    const linkedToCompany = this.target.kind === 'lead' && !isBlank(data[COMPANY_KEY_FIELD]);
    for (const [column, value] of Object.entries(data)) {
      if (column in key || AIRBYTE_COLUMN.test(column)) continue;
      if (column === this.changedAtField && !this.target.fields.has(column)) continue; // bookkeeping, not Marketo data
      const field = this.target.fields.get(column);
      if (!field) {
        this.warnOnce(column, `is not a field of Marketo ${this.objectLabel()}; it is not written.`);
        continue;
      }
      if (!field.updateable) {
        this.warnOnce(column, field.notWritten ?? `is read-only in Marketo ${this.objectLabel()}; it is not written.`);
        continue;
      }
      if (linkedToCompany && this.target.companyFields.has(column)) {
        this.warnOnce(
          column,
          `is a company field: Marketo refuses it on leads linked to a company (${COMPANY_UPDATE_NOT_ALLOWED}), so it is left out of rows that have an ${COMPANY_KEY_FIELD}. Send company fields through the '${COMPANIES_STREAM}' stream.`,
        );
        continue;
      }
      const converted = convertValue(value, field.dataType);
      if (!converted.ok) return { kind: 'rejected', dedupeKey, label, reason: `column '${column}' ${converted.reason}` };
      payload[column] = converted.value;
    }
    const bytes = byteSize(payload);
    if (bytes > MAX_INPUT_BYTES) return { kind: 'rejected', dedupeKey, label, reason: "is larger than Marketo's 1 MB request limit on its own" };
    const changedAt = this.changedAtField === undefined ? undefined : parseChangeTime(data[this.changedAtField]);
    return { kind: 'row', row: { ...base, op: 'upsert', payload, bytes, ...(changedAt === undefined ? {} : { changedAt }) } };
  }

  /** The key fields, converted to their Marketo types. */
  private key(data: Record<string, unknown>, ctx: RowContext): Record<string, unknown> {
    const key: Record<string, unknown> = {};
    for (const field of this.target.keyFields) {
      const where = `Input line ${ctx.line}: row ${ctx.position} of stream '${ctx.stream}'`;
      if (isBlank(data[field])) {
        throw new BadInputError(
          `${where} has no value for '${field}', ${this.keyOrigin()}. Every row needs it to be matched to a Marketo record; fix the source data or the mapping.`,
          'config_error',
        );
      }
      const converted = convertValue(data[field], this.target.fields.get(field)?.dataType ?? 'string');
      if (!converted.ok || isBlank(converted.value)) {
        throw new BadInputError(`${where} has a value for its key '${field}' that Marketo cannot take: it ${converted.ok ? 'is blank' : converted.reason}.`, 'config_error');
      }
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
