import { toMarketoSecond, maxSecond, secondOf } from '../dates';

/** How far behind "now" a walk that found nothing leaves its cursor: activities are committed a little after they happen. */
const LATE_ARRIVAL_MARGIN_MS = 5 * 60_000;

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
  marketoGUIDs: string[];
}

export interface ActivityStreamState {
  activityDate?: string;
  partitions: Record<string, PartitionCursor>;
}

interface LiveCursor {
  activityDate: string;
  guids: Set<string>;
}

export class ActivityCursor {
  private readonly partitions = new Map<string, LiveCursor>();
  /** Cursor for a partition the state does not know (a new activity type, or a legacy state). */
  private readonly defaultDate: string;

  constructor(state: unknown, startDate: string) {
    const parsed = parseState(state);
    // A legacy state holds only `activityDate`: resume from it for every partition. With partitions,
    // one the state does not know (an activity type added since) starts at start_date.
    const legacy = parsed.activityDate !== undefined && Object.keys(parsed.partitions).length === 0;
    this.defaultDate = legacy ? maxSecond(parsed.activityDate!, startDate) : startDate;
    for (const [key, cursor] of Object.entries(parsed.partitions)) {
      if (cursor.activityDate < startDate) continue; // start_date moved forward past this cursor
      this.partitions.set(key, { activityDate: cursor.activityDate, guids: new Set(cursor.marketoGUIDs) });
    }
  }

  /** The second a walk over these partitions must start from (Marketo pages forward from a date). */
  startOf(keys: string[]): string {
    let earliest: string | undefined;
    for (const key of keys) {
      const date = this.partitions.get(key)?.activityDate ?? this.defaultDate;
      if (earliest === undefined || date < earliest) earliest = date;
    }
    return earliest ?? this.defaultDate;
  }

  /**
   * Whether an activity is still to be emitted, and if so records it as emitted. `activityDate` must
   * be canonical (see dates.ts).
   */
  accept(key: string, activityDate: string, guid: string): boolean {
    const cursor = this.partitions.get(key);
    if (!cursor) {
      if (activityDate < this.defaultDate) return false;
      this.partitions.set(key, { activityDate, guids: new Set([guid]) });
      return true;
    }
    if (activityDate < cursor.activityDate) return false;
    if (activityDate === cursor.activityDate) {
      if (cursor.guids.has(guid)) return false;
      cursor.guids.add(guid);
      return true;
    }
    cursor.activityDate = activityDate;
    cursor.guids = new Set([guid]);
    return true;
  }

  /**
   * A walk over `keys` finished (Marketo said no more results) having seen activities up to
   * `walkedTo`, or none at all: partitions without activities since their cursor move up to it, or,
   * when the walk saw nothing, to a little before `finishedAt` (activities are written a little
   * after they happen), so that the next sync does not walk their empty history again.
   */
  completeWalk(keys: string[], walkedTo: string | undefined, finishedAt: number = Date.now()): void {
    const upTo = walkedTo ?? secondOf(finishedAt - LATE_ARRIVAL_MARGIN_MS);
    for (const key of keys) {
      const cursor = this.partitions.get(key);
      if (!cursor) this.partitions.set(key, { activityDate: maxSecond(upTo, this.defaultDate), guids: new Set() });
      else if (cursor.activityDate < upTo) this.partitions.set(key, { activityDate: upTo, guids: new Set() });
    }
  }

  /**
   * The cursor of a window starting at `from`: partitions already past `from` keep their place (and
   * the GUIDs of their second), the others start at `from`, so no activity is emitted by two windows.
   */
  windowFrom(from: string, keys: string[]): ActivityCursor {
    const window = new ActivityCursor(undefined, from);
    for (const key of keys) {
      const own = this.partitions.get(key);
      window.partitions.set(key, own && own.activityDate >= from ? { activityDate: own.activityDate, guids: new Set(own.guids) } : { activityDate: from, guids: new Set() });
    }
    return window;
  }

  toState(): ActivityStreamState {
    const partitions: Record<string, PartitionCursor> = {};
    let low: string | undefined;
    for (const [key, cursor] of [...this.partitions.entries()].sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))) {
      partitions[key] = { activityDate: cursor.activityDate, marketoGUIDs: [...cursor.guids] };
      if (low === undefined || cursor.activityDate < low) low = cursor.activityDate;
    }
    return { activityDate: low ?? this.defaultDate, partitions };
  }
}

function parseState(state: unknown): ActivityStreamState {
  const out: ActivityStreamState = { partitions: {} };
  if (typeof state !== 'object' || state === null) return out;
  const raw = state as Record<string, unknown>;
  if (typeof raw.activityDate === 'string') out.activityDate = toMarketoSecond(raw.activityDate);
  if (typeof raw.partitions === 'object' && raw.partitions !== null) {
    for (const [key, value] of Object.entries(raw.partitions as Record<string, unknown>)) {
      const cursor = value as Partial<PartitionCursor>;
      const date = typeof cursor?.activityDate === 'string' ? toMarketoSecond(cursor.activityDate) : undefined;
      if (!date) continue;
      out.partitions[key] = { activityDate: date, marketoGUIDs: Array.isArray(cursor.marketoGUIDs) ? cursor.marketoGUIDs.map(String) : [] };
    }
  }
  return out;
}
