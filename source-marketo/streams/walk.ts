import { Activity, ActivityPage } from '../../marketo/endpoints';
import { addSeconds, maxSecond, secondOf, toMarketoSecond } from '../dates';

/** Pages of one date-based paging walk (Get Lead Activities, Get Lead Changes, Get Deleted Leads). */
export interface WalkSpec {
  /** Which cursor partitions this walk serves, e.g. the activity type ids of one group of ten. */
  keys: string[];
  fetchPage: (nextPageToken: string) => Promise<ActivityPage>;
  /**
   * Marketo keeps everything this walk reads only this many days (Delete Lead: 14), so it starts no
   * earlier than that: each call examines a block of stored activities of every type, and a walk
   * from an older cursor would pay for blocks where nothing it reads can still exist.
   */
  keptDays?: number;
}

const DAY_MS = 86_400_000;

/** Where a walk from `since` starts: `since`, or its retention horizon when that is later (see WalkSpec.keptDays). */
export function walkStart(walk: WalkSpec, since: string, now = Date.now()): string {
  return walk.keptDays === undefined ? since : maxSecond(since, secondOf(now - walk.keptDays * DAY_MS));
}

export interface WalkPage {
  walk: WalkSpec;
  activities: Activity[];
  done: boolean;
}

/** A walk's first page, read ahead to learn where its data starts. */
export interface FirstPage {
  token: string;
  page: ActivityPage;
}

export async function readFirstPage(walk: WalkSpec, since: string, getPagingToken: (sinceDatetime: string) => Promise<string>): Promise<FirstPage> {
  const token = await getPagingToken(addSeconds(walkStart(walk, since), -1));
  return { token, page: await walk.fetchPage(token) };
}

/** Marketo answers empty pages with `moreResult: true` over quiet periods; the same token this often means it is stuck. */
export const MAX_STUCK_EMPTY_PAGES = 20;

/**
 * Walks one paging token forward from `since`. The token is taken one second before the cursor,
 * because Marketo does not say whether "after sinceDatetime" includes that second; the cursor
 * drops what was already emitted.
 */
export async function* walkActivities(
  walk: WalkSpec,
  since: string,
  getPagingToken: (sinceDatetime: string) => Promise<string>,
  onStuck?: (walk: WalkSpec) => void,
  endOf?: string | null | (() => string | null),
  firstPage?: FirstPage,
): AsyncGenerator<WalkPage> {
  let token = firstPage?.token ?? (await getPagingToken(addSeconds(walkStart(walk, since), -1)));
  let prefetched = firstPage?.page;
  let stuck = 0;
  for (;;) {
    const page = prefetched ?? (await walk.fetchPage(token));
    prefetched = undefined;
    // Read at each page: a window split again while its walk runs ends earlier (window-splits.ts).
    const until = typeof endOf === 'function' ? endOf() : endOf;
    // Pages come oldest first: once the last activity reaches `until`, the window is read (the
    // consumer drops what lies beyond it; the next window emits those).
    const last = page.activities[page.activities.length - 1];
    const lastDate = until && typeof last?.activityDate === 'string' ? toMarketoSecond(last.activityDate) : undefined;
    const done = !page.moreResult || (lastDate !== undefined && lastDate >= until!);
    if (page.activities.length === 0 && page.nextPageToken === token && !done) {
      if (++stuck >= MAX_STUCK_EMPTY_PAGES) {
        onStuck?.(walk);
        yield { walk, activities: [], done: true };
        return;
      }
    } else {
      stuck = 0;
    }
    token = page.nextPageToken;
    yield { walk, activities: page.activities, done };
    if (done) return;
  }
}

/**
 * Runs several async iterators at once and yields their values as they come. Each iterator has at
 * most one value in flight, so memory stays bounded by the number of iterators. Iterators the
 * consumer appends to `iterators` while it handles a value join the merge when it asks for the next.
 */
export async function* mergeAsync<T>(iterators: AsyncIterator<T>[]): AsyncGenerator<T> {
  type Settled = { index: number; result?: IteratorResult<T>; error?: unknown };
  // Settled promises never reject, so a walk failing while another is in flight is never unhandled.
  const pending = new Map<number, Promise<Settled>>();
  const pull = (index: number) =>
    pending.set(
      index,
      iterators[index].next().then(
        (result) => ({ index, result }),
        (error: unknown) => ({ index, error }),
      ),
    );
  let started = 0;
  const startAdded = () => {
    while (started < iterators.length) pull(started++);
  };
  startAdded();
  try {
    while (pending.size > 0) {
      const { index, result, error } = await Promise.race(pending.values());
      if (!result) throw error;
      if (result.done) {
        pending.delete(index);
        continue;
      }
      pull(index); // prefetch the next page while the consumer handles this one
      yield result.value;
      startAdded();
    }
  } finally {
    // On an error or an early stop, end the other walks so they make no further calls.
    pending.clear();
    await Promise.allSettled(iterators.map((it) => it.return?.() ?? Promise.resolve()));
  }
}
