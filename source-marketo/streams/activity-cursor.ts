import { addSeconds, toMarketoSecond, maxSecond, secondOf } from '../dates';

/** How far behind "now" a walk that found nothing leaves its cursor: activities are committed a little after they happen. */
const LATE_ARRIVAL_MARGIN_MS = 5 * 60_000;
/**
 * "Now" for every walk of this command (one process runs one sync): all walks that end quiet in
 * this sync leave their cursors at the same second, so the next poll needs one paging token for
 * all of them rather than one per walk.
 */
const SYNC_STARTED_AT = Date.now();

/** The second every walk of this sync that ends quiet leaves its cursor at: a little before the sync started. */
export function quietSecond(syncStartedAt: number = SYNC_STARTED_AT): string {
  return secondOf(syncStartedAt - LATE_ARRIVAL_MARGIN_MS);
}

/**
 * Incremental state of an activity-like stream (activities, lead_changes, deleted_leads).
 *
 * Marketo stamps activities to the second and many share a second, so a date alone cannot say
 * where a sync stopped. Each partition (an activity type) keeps the last second it emitted and the
 * `marketoGUID`s it emitted in that second: the next sync starts at that second, skips those
 * GUIDs, and emits the rest of the second. `activityDate` at the top is the low-water mark over
 * all partitions, for people and for Airbyte's cursor checks.
 */
export interface PartitionCursor {
  activityDate: string;
  /** The GUIDs emitted in the cursor's own second. */
  marketoGUIDs: string[];
  /** With a look-back: GUIDs emitted in the look-back window before that second, by second. */
  recentGUIDs?: Record<string, string[]>;
  /** With a look-back: the earliest second this partition's history is known from (a window's start). */
  floor?: string;
}

export interface ActivityStreamState {
  activityDate?: string;
  partitions: Record<string, PartitionCursor>;
}

interface LiveCursor {
  activityDate: string;
  /** GUID → second, for every activity emitted from `lowBound` up to the cursor. */
  seen: Map<string, string>;
  floor: string;
  /** Prune again only once `seen` has doubled: a burst inside the window must not make every record pay for a scan. */
  pruneAbove?: number;
}

/**
 * With `lookbackSeconds` > 0, each partition also remembers the GUIDs it emitted over that many
 * seconds before its cursor, and walks start that much earlier: an activity Marketo commits late
 * (Send Email is recorded when the mail leaves) with a date just before the cursor is still read,
 * and nothing is emitted twice. With 0, only the cursor's own second is remembered.
 */
export class ActivityCursor {
  private readonly partitions = new Map<string, LiveCursor>();
  /** Cursor for a partition the state does not know (a new activity type, or a legacy state). */
  private readonly defaultDate: string;

  constructor(
    state: unknown,
    startDate: string,
    private readonly lookbackSeconds = 0,
  ) {
    const parsed = parseState(state);
    // A legacy state holds only `activityDate`: resume from it for every partition. With partitions,
    // one the state does not know (an activity type added since) starts at start_date.
    const legacy = parsed.activityDate !== undefined && Object.keys(parsed.partitions).length === 0;
    this.defaultDate = legacy ? maxSecond(parsed.activityDate!, startDate) : startDate;
    for (const [key, cursor] of Object.entries(parsed.partitions)) {
      if (cursor.activityDate < startDate) continue; // start_date moved forward past this cursor
      const seen = new Map<string, string>();
      for (const [second, guids] of Object.entries(cursor.recentGUIDs ?? {})) for (const guid of guids) seen.set(guid, second);
      for (const guid of cursor.marketoGUIDs) seen.set(guid, cursor.activityDate);
      // Without a saved floor, only the cursor's second is known: never look back past it.
      const floor = cursor.floor ?? (cursor.recentGUIDs ? startDate : cursor.activityDate);
      this.partitions.set(key, { activityDate: cursor.activityDate, seen, floor: maxSecond(floor, startDate) });
    }
  }

  /** Below this second a partition emits nothing: its look-back window, never before its floor. */
  private lowBound(cursor: LiveCursor): string {
    return this.lookbackSeconds === 0 ? cursor.activityDate : maxSecond(cursor.floor, addSeconds(cursor.activityDate, -this.lookbackSeconds));
  }

  /** The second a walk over these partitions must start from (Marketo pages forward from a date). */
  startOf(keys: string[]): string {
    let earliest: string | undefined;
    for (const key of keys) {
      const cursor = this.partitions.get(key);
      const date = cursor ? this.lowBound(cursor) : this.defaultDate;
      if (earliest === undefined || date < earliest) earliest = date;
    }
    return earliest ?? this.defaultDate;
  }

  /**
   * Where a walk over these partitions starts to start with the walks of the other streams of the
   * sync: `seconds` (their longest look-back) before each cursor, or `startOf` when earlier. What
   * it reads before its own start, `accept` skips; after the same quiet sync every such walk starts
   * at the same second, so one paging token serves them all.
   */
  alignedStartOf(keys: string[], seconds: number): string {
    let earliest = this.startOf(keys);
    for (const key of keys) {
      const cursor = this.partitions.get(key);
      const date = cursor ? addSeconds(cursor.activityDate, -seconds) : this.defaultDate;
      if (date < earliest) earliest = date;
    }
    return earliest;
  }

  /**
   * Whether an activity is still to be emitted, and if so records it as emitted. `activityDate` must
   * be canonical (see dates.ts).
   */
  accept(key: string, activityDate: string, guid: string): boolean {
    const cursor = this.partitions.get(key);
    if (!cursor) {
      if (activityDate < this.defaultDate) return false;
      this.partitions.set(key, { activityDate, seen: new Map([[guid, activityDate]]), floor: this.defaultDate });
      return true;
    }
    if (activityDate < this.lowBound(cursor) || cursor.seen.has(guid)) return false;
    cursor.seen.set(guid, activityDate);
    if (activityDate > cursor.activityDate) {
      cursor.activityDate = activityDate;
      if (this.lookbackSeconds === 0) cursor.seen = new Map([[guid, activityDate]]);
      else if (cursor.seen.size > (cursor.pruneAbove ?? PRUNE_EVERY)) this.prune(cursor);
    }
    return true;
  }

  /** Forgets GUIDs older than the look-back window: they can no longer come back. */
  private prune(cursor: LiveCursor): void {
    const bound = this.lowBound(cursor);
    for (const [guid, second] of cursor.seen) if (second < bound) cursor.seen.delete(guid);
    cursor.pruneAbove = Math.max(PRUNE_EVERY, 2 * cursor.seen.size);
  }

  /**
   * A walk over `keys` finished (Marketo said no more results) having seen activities up to
   * `walkedTo`, or none at all. Marketo has nothing for these partitions past `walkedTo`, so they
   * move up to it or, when that is older, to a little before the sync started (activities are
   * written a little after they happen): the next sync does not walk their empty history again,
   * and every quiet walk of the sync sits at the same second, sharing one paging token next time.
   */
  completeWalk(keys: string[], walkedTo: string | undefined, finishedAt: number = SYNC_STARTED_AT): void {
    const quiet = quietSecond(finishedAt);
    const upTo = walkedTo !== undefined && walkedTo > quiet ? walkedTo : quiet;
    for (const key of keys) {
      const cursor = this.partitions.get(key);
      if (!cursor) this.partitions.set(key, { activityDate: maxSecond(upTo, this.defaultDate), seen: new Map(), floor: this.defaultDate });
      else if (cursor.activityDate < upTo) {
        cursor.activityDate = upTo;
        this.prune(cursor);
      }
    }
  }

  /** Whether an activity is behind this cursor (emitted before, or before where the partition starts), without recording anything. */
  covers(key: string, activityDate: string, guid: string): boolean {
    const cursor = this.partitions.get(key);
    if (!cursor) return activityDate < this.defaultDate;
    return activityDate < this.lowBound(cursor) || cursor.seen.has(guid);
  }

  /**
   * Everything of `keys` before `second` was emitted by other means (bulk export files): their
   * partitions move up to it, remembering no GUID, and never look back before it.
   */
  advanceTo(keys: string[], second: string): void {
    for (const key of keys) {
      const cursor = this.partitions.get(key);
      if (cursor && cursor.activityDate >= second) continue;
      this.partitions.set(key, { activityDate: second, seen: new Map(), floor: second });
    }
  }

  /**
   * The cursor of a window starting at `from`: partitions already past `from` keep their place (and
   * the GUIDs of their second), the others start at `from`, so no activity is emitted by two windows.
   */
  windowFrom(from: string, keys: string[]): ActivityCursor {
    const window = new ActivityCursor(undefined, from, this.lookbackSeconds);
    for (const key of keys) {
      const own = this.partitions.get(key);
      window.partitions.set(
        key,
        own && own.activityDate >= from
          ? { activityDate: own.activityDate, seen: new Map(own.seen), floor: maxSecond(own.floor, from) }
          : { activityDate: from, seen: new Map(), floor: from },
      );
    }
    return window;
  }

  /**
   * The cursor of the rest of a window split again at `from` while only the walks over `keys` still
   * read it (see window-splits.ts): those start at `from`, as in windowFrom. The other walks have
   * read the whole window: in a bounded part they start at `from` too (nothing of theirs lies
   * there that they did not emit, and only a resumed sync walks it), and in the open-ended part
   * they keep their place, where completeWalk put the start of the next sync.
   */
  splitFrom(from: string, keys: string[], allKeys: string[], openEnded: boolean): ActivityCursor {
    const others = [...new Set([...allKeys, ...this.partitions.keys()])].filter((key) => !keys.includes(key));
    const part = this.windowFrom(from, openEnded ? keys : [...keys, ...others]);
    if (openEnded) {
      for (const key of others) {
        const own = this.partitions.get(key);
        if (own) part.partitions.set(key, { activityDate: own.activityDate, seen: new Map(own.seen), floor: own.floor });
      }
    }
    return part;
  }

  toState(): ActivityStreamState {
    const partitions: Record<string, PartitionCursor> = {};
    let low: string | undefined;
    for (const [key, cursor] of [...this.partitions.entries()].sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))) {
      partitions[key] = this.partitionState(cursor);
      if (low === undefined || cursor.activityDate < low) low = cursor.activityDate;
    }
    return { activityDate: low ?? this.defaultDate, partitions };
  }

  private partitionState(cursor: LiveCursor): PartitionCursor {
    const state: PartitionCursor = { activityDate: cursor.activityDate, marketoGUIDs: [] };
    if (this.lookbackSeconds === 0) {
      state.marketoGUIDs = [...cursor.seen.keys()];
      return state;
    }
    this.prune(cursor);
    const recent: Record<string, string[]> = {};
    for (const [guid, second] of cursor.seen) {
      if (second === cursor.activityDate) state.marketoGUIDs.push(guid);
      else (recent[second] ??= []).push(guid);
    }
    state.recentGUIDs = recent;
    if (cursor.floor > addSeconds(cursor.activityDate, -this.lookbackSeconds)) state.floor = cursor.floor;
    return state;
  }
}

/** With a look-back, GUIDs older than it are dropped once a partition remembers this many. */
const PRUNE_EVERY = 10_000;

function parseState(state: unknown): ActivityStreamState {
  if (typeof state !== 'object' || state === null) return { partitions: {} };
  const raw = state as Record<string, unknown>;
  const out: ActivityStreamState = { partitions: parsePartitionCursors(raw.partitions) };
  if (typeof raw.activityDate === 'string') out.activityDate = toMarketoSecond(raw.activityDate);
  return out;
}

/** A saved `partitions` object: the cursors with a date, dates in Marketo's spelling; anything else is left out (that partition starts over). */
export function parsePartitionCursors(partitions: unknown): Record<string, PartitionCursor> {
  const out: Record<string, PartitionCursor> = {};
  if (typeof partitions !== 'object' || partitions === null) return out;
  for (const [key, value] of Object.entries(partitions)) {
    const cursor = value as Partial<PartitionCursor>;
    const date = typeof cursor?.activityDate === 'string' ? toMarketoSecond(cursor.activityDate) : undefined;
    if (!date) continue;
    out[key] = { activityDate: date, marketoGUIDs: Array.isArray(cursor.marketoGUIDs) ? cursor.marketoGUIDs.map(String) : [] };
    if (cursor.recentGUIDs && typeof cursor.recentGUIDs === 'object') out[key].recentGUIDs = cursor.recentGUIDs;
    const floor = typeof cursor.floor === 'string' ? toMarketoSecond(cursor.floor) : undefined;
    if (floor) out[key].floor = floor;
  }
  return out;
}
