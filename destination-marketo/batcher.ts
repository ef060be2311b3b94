import { MAX_RECORDS_PER_WRITE, MAX_REQUEST_BODY_BYTES } from '../marketo/write-endpoints';
import type { RowTicket } from './state-echo';

/** Room left in a request body for the envelope around `input` (action, lookupField, brackets). */
const ENVELOPE_ALLOWANCE_BYTES = 1_000;
export const MAX_INPUT_BYTES = MAX_REQUEST_BODY_BYTES - ENVELOPE_ALLOWANCE_BYTES;

/** One row ready for Marketo: what to do, the record to send, and where it came from. */
export interface PendingRow {
  /** The stream it came from (name, or namespace.name), for counts and state. */
  stream: string;
  /** Input line number, for logs. */
  line: number;
  op: 'upsert' | 'delete';
  /** The row's key, normalised so that keys Marketo treats as equal are equal here (keys.ts). */
  dedupeKey: string;
  /** The key folded whatever Marketo's rule: a write of it waits for one in flight with an equal orderKey. */
  orderKey: string;
  /** The key as `field=value`, the only part of a row that logs may show. */
  label: string;
  /** The record as Marketo takes it: the key fields, plus the converted columns for an upsert. */
  payload: Record<string, unknown>;
  /** The row's change time (row_changed_at_field), epoch ms, for conflict_policy newest_wins. */
  changedAt?: number;
  /** Size of the payload in the request body. */
  bytes: number;
  /** Its place in the state bookkeeping (settled once its fate is known). */
  ticket: RowTicket;
}

/**
 * The rows waiting for one Marketo object. A key appears once: a later row replaces an earlier
 * one (whatever each does, upsert or delete), because Marketo refuses the same key twice in a
 * call (1036) and only the newest row says what the warehouse holds now. Insertion order is kept
 * apart from that, so the results can be mapped back position by position.
 */
export class ObjectBatch {
  private rows = new Map<string, PendingRow>();
  private bytes = 0;

  constructor(
    readonly maxRows: number = MAX_RECORDS_PER_WRITE,
    readonly maxBytes: number = MAX_INPUT_BYTES,
  ) {}

  get size(): number {
    return this.rows.size;
  }

  /** Marketo takes at most 300 records per call. */
  get full(): boolean {
    return this.rows.size >= this.maxRows;
  }

  /** False when adding the row would take the request body over Marketo's 1 MB: flush first. */
  fits(row: PendingRow): boolean {
    const replaced = this.rows.get(row.dedupeKey)?.bytes ?? 0;
    return this.bytes - replaced + row.bytes <= this.maxBytes;
  }

  /** Adds the row; returns the row it replaced, if one with the same key was waiting. */
  add(row: PendingRow): PendingRow | undefined {
    const replaced = this.remove(row.dedupeKey);
    this.rows.set(row.dedupeKey, row);
    this.bytes += row.bytes;
    return replaced;
  }

  /** Drops the row waiting under `dedupeKey` (a newer row with that key was rejected) and returns it. */
  remove(dedupeKey: string): PendingRow | undefined {
    const row = this.rows.get(dedupeKey);
    if (!row) return undefined;
    this.rows.delete(dedupeKey);
    this.bytes -= row.bytes;
    return row;
  }

  /** Every waiting row, oldest first; the batch is empty afterwards. */
  take(): PendingRow[] {
    const rows = [...this.rows.values()];
    this.rows.clear();
    this.bytes = 0;
    return rows;
  }
}
