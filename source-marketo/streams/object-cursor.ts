import { secondOf, toMarketoSecond } from '../dates';

/**
 * State of a stream read by sweeping every record each sync (companies, custom objects): Marketo
 * has no `updatedAt` filter for them, so the whole set is read and only what changed since the
 * cursor is emitted.
 */
export interface SweepState {
  /** Our clock when the sweep began (canonical second). */
  startedAt: string;
  /** The first id (company id, or lead id of a custom object's link) not read yet. */
  nextId: number;
  /** Read up to here; moves up while records are found near the end. */
  maxId: number;
  /** The newest `updatedAt` seen so far in this sweep. */
  newest?: string;
}

export interface ObjectStreamState {
  /** Records with `updatedAt` after this second are emitted. */
  updatedAt?: string;
  /** The highest id found by the last complete sweep: the next sweep reads at least that far. */
  highestId?: number;
  /** A sweep under way (a killed sync resumes it). */
  sweep?: SweepState;
}

/**
 * Changes made while a sweep runs may land in ranges it already read, so the next cursor stays
 * this far before the sweep's start: it covers those changes and any skew between our clock and
 * Marketo's. Records changed in that margin are emitted again by the next sync (same primary key:
 * a deduplicated table is unchanged).
 */
export const SWEEP_OVERLAP_SECONDS = 300;

export function parseObjectState(raw: Record<string, unknown> | undefined): ObjectStreamState {
  const state: ObjectStreamState = {};
  if (typeof raw?.updatedAt === 'string') state.updatedAt = toMarketoSecond(raw.updatedAt);
  if (Number.isInteger(raw?.highestId)) state.highestId = raw!.highestId as number;
  const sweep = raw?.sweep as Partial<SweepState> | undefined;
  if (sweep && typeof sweep.startedAt === 'string' && Number.isInteger(sweep.nextId) && Number.isInteger(sweep.maxId)) {
    state.sweep = { startedAt: sweep.startedAt, nextId: sweep.nextId!, maxId: sweep.maxId! };
    if (typeof sweep.newest === 'string') state.sweep.newest = sweep.newest;
  }
  return state;
}

/**
 * Whether a record belongs in this sync: changed after the cursor. Exclusive is exact because the
 * cursor is at least SWEEP_OVERLAP_SECONDS before the previous sweep began: Marketo's clock had
 * left that second behind, so no later change can carry it.
 */
export function changedSince(updatedAt: unknown, cursor: string | undefined): boolean {
  if (cursor === undefined) return true;
  const second = typeof updatedAt === 'string' ? toMarketoSecond(updatedAt) : undefined;
  return second === undefined || second > cursor;
}

/** The newer of two seconds, either possibly absent. */
export function newer(a: string | undefined, b: unknown): string | undefined {
  const second = typeof b === 'string' ? toMarketoSecond(b) : undefined;
  if (second === undefined) return a;
  return a === undefined || second > a ? second : a;
}

/**
 * The cursor after a complete sweep: the newest change seen, but never later than the overlap
 * before the sweep began, and never earlier than the previous cursor.
 */
export function cursorAfterSweep(previous: string | undefined, sweep: Pick<SweepState, 'startedAt' | 'newest'>): string | undefined {
  const bound = secondOf(Date.parse(sweep.startedAt) - SWEEP_OVERLAP_SECONDS * 1000);
  const next = sweep.newest === undefined ? previous : sweep.newest < bound ? sweep.newest : bound;
  if (previous !== undefined && (next === undefined || next < previous)) return previous;
  return next;
}
