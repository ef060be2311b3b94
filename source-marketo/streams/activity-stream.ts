import { Activity, ACTIVITY_EXPORT_FIELDS, ActivityPage } from '../../marketo/endpoints';
import { JsonSchema, SyncMode } from '../../protocol/types';
import { secondOf, toMarketoSecond } from '../dates';
import { SourceConfig } from '../config';
import { ActivityCursor } from './activity-cursor';
import { loadSegments, Segment, segmentsToState, splitNewest, longHistoryAhead, windowCount } from './segments';
import { MAX_BATCH_SIZE } from '../../marketo/constants';
import { ReadContext, SourceStream, StreamContext, StreamEvent } from './stream';
import { BulkSpec } from './bulk-backfill';
import { ActivityHistoryState, BulkHistory } from './bulk-history';
import { FirstPage, WalkPage, WalkSpec, mergeAsync, readFirstPage, walkActivities } from './walk';
import { activityDateOf, EstimateReports, LatestDates } from './walk-progress';
import { HistoryModel, SamplePage, samplePoints } from './history-estimate';
import { resplitBounds } from './window-splits';

/** An activity a page brought that the cursor accepted: its date as a Marketo second, and the partition it was accepted in. */
export interface AcceptedActivity {
  activity: Activity;
  date: string;
  key?: string;
}

/** Walk spec of an activity-like stream: which cursor partition each activity of the walk belongs to. */
export interface ActivityWalk extends WalkSpec {
  partitionOf(activity: Activity): string | undefined;
  /** Every partition the activity belongs to, when several streams read the walk (see activity-family.ts); else partitionOf's. */
  partitionsOf?(activity: Activity): string[];
}

/** The fields every activity has (`activities` records them all; the per-type streams turn `attributes` into columns): the bulk export's, and `id`. */
export const COMMON_ACTIVITY_FIELDS: readonly string[] = [
  'marketoGUID',
  'id',
  ...ACTIVITY_EXPORT_FIELDS.filter((f) => f !== 'marketoGUID' && f !== 'attributes'),
];

const ACTIVITY_FIELDS = [...COMMON_ACTIVITY_FIELDS, 'attributes'];

/**
 * The streams read through Marketo's date-based paging tokens (activities, lead_changes,
 * deleted_leads): one or more walks run in parallel, each page is filtered through the cursor so
 * nothing is emitted twice, and a checkpoint follows every page that emitted something.
 */
export abstract class ActivityLikeStream implements SourceStream<ActivityHistoryState> {
  abstract readonly name: string;
  readonly primaryKey = [['marketoGUID']];
  readonly cursorField = ['activityDate'];
  readonly syncModes: SyncMode[] = ['full_refresh', 'incremental'];

  abstract schema(ctx: StreamContext): Promise<JsonSchema>;
  /** `readByBulk`: partitions whose history bulk files read in this sync (the walks may group the others apart). */
  protected abstract walks(ctx: ReadContext, readByBulk?: string[]): Promise<ActivityWalk[]>;

  lookbackSeconds(config: SourceConfig): number {
    return config.lookbackSeconds;
  }

  /** Hook for streams that leave some activities out of their records while still moving the cursor past them. */
  protected keep(_ctx: ReadContext, _activity: Activity): boolean {
    return true;
  }

  /** The record of an activity, for the cursor partition `_key` it was accepted in. */
  protected toRecord(activity: Activity, activityDate: string, _key?: string): Record<string, unknown> {
    const record: Record<string, unknown> = {};
    for (const field of ACTIVITY_FIELDS) {
      const value = activity[field];
      if (value !== undefined) record[field] = value;
    }
    record.activityDate = activityDate;
    return record;
  }

  /** What this stream can read through Bulk Activity Extract (undefined: REST only). */
  protected bulkSpec(_ctx: ReadContext): Promise<BulkSpec | undefined> {
    return Promise.resolve(undefined);
  }

  /** The records of one page's new activities (oldest first), each with its date as a Marketo second and the cursor partition it was accepted in. */
  protected pageRecords(ctx: ReadContext, accepted: AcceptedActivity[]): Promise<Record<string, unknown>[]> {
    return Promise.resolve(accepted.filter(({ activity }) => this.keep(ctx, activity)).map(({ activity, date, key }) => this.toRecord(activity, date, key)));
  }

  /** Activities of a bulk file (already shaped as this stream's REST endpoint returns them) as records, one per partition still to emit. */
  private bulkRecords(ctx: ReadContext, activities: Activity[], freshKeys: (activity: Activity) => string[]): Promise<Record<string, unknown>[]> {
    return this.pageRecords(
      ctx,
      activities.flatMap((activity) => freshKeys(activity).map((key) => ({ activity, date: toMarketoSecond(String(activity.activityDate))!, key }))),
    );
  }

  /**
   * How many days back a first sync (no state) walks at most, when Marketo keeps what this stream
   * reads only that long and the extraction method asks for economy (see WalkSpec.keptDays);
   * undefined: from `start_date`. A state's cursors are never moved.
   */
  protected firstSyncKeptDays(_ctx: ReadContext): number | undefined {
    return undefined;
  }

  /**
   * Runs before the walks start, e.g. to warn about data Marketo may have pruned; `state` is the
   * incremental state, if any; `walks` those about to start (where each starts: walkStart).
   */
  protected beforeRead(_ctx: ReadContext, _cursor: ActivityCursor, _state: Record<string, unknown> | undefined, _walks: ActivityWalk[]): void {}

  async *read(ctx: ReadContext, state: Record<string, unknown> | undefined): AsyncGenerator<StreamEvent<ActivityHistoryState>> {
    const given = ctx.syncMode === 'incremental' ? state : undefined;
    const segments = loadSegments(given, ctx.config.startDate, ctx.config.lookbackSeconds);
    // A bulk history in flight (jobs created by an earlier sync) is finished before anything else.
    const bulk = BulkHistory.open(this.name, ctx, await this.bulkSpec(ctx), segments, given);
    const resumedBulk = bulk?.inFlight === true;
    if (resumedBulk) yield* bulk.read((activities, freshKeys) => this.bulkRecords(ctx, activities, freshKeys));
    const keptDays = given === undefined ? this.firstSyncKeptDays(ctx) : undefined;
    const walksOf = async (readByBulk?: string[]): Promise<ActivityWalk[]> => {
      const built = await this.walks(ctx, readByBulk);
      if (keptDays !== undefined) for (const walk of built) walk.keptDays ??= keptDays;
      return built;
    };
    let walks = await walksOf(resumedBulk ? bulk.keys : undefined);
    const keys = walks.flatMap((w) => w.keys);
    const getToken = (since: string) => ctx.endpoints.getPagingToken(since);
    const startOf = (segment: Segment, keys: string[]) => segment.cursor.alignedStartOf(keys, ctx.alignedLookbackSeconds ?? 0);
    this.beforeRead(ctx, segments[0].cursor, given, walks);

    // A long history is split into windows from where its data starts: the first page of each
    // group tells, and serves as that walk's first page.
    const newest = segments[segments.length - 1];
    const firstPages = new Map<ActivityWalk, FirstPage>();
    const windows = windowsPerGroup(ctx, walks.length);
    const now = Date.now();
    // Each walk's estimated history, for the progress Airbyte shows; absent for a short one (a poll).
    const models = new Map<ActivityWalk, HistoryModel>();
    const estimates = new EstimateReports(MAX_BATCH_SIZE);
    /** Walks whose model waits for the first page of each time window: those pages are the samples, at no extra call. */
    const waiting = new Map<ActivityWalk, SamplePage[]>();
    if (longHistoryAhead(segments, keys, now)) {
      const pages = await Promise.all(walks.map((walk) => readFirstPage(walk, startOf(newest, walk.keys), getToken)));
      walks.forEach((walk, i) => firstPages.set(walk, pages[i]));
      const samples = pages.map(({ page }) => ({
        firstDate: toMarketoSecond(String(page.activities[0]?.activityDate ?? '')),
        lastDate: toMarketoSecond(String(page.activities[page.activities.length - 1]?.activityDate ?? '')),
        full: page.moreResult && page.activities.length >= MAX_BATCH_SIZE,
      }));
      const { count, dataFrom, estimatedPages } = windowCount(samples, windows, now);
      const fitsInFirstPages = pages.filter(({ page }) => !page.moreResult).reduce((n, { page }) => n + page.activities.length, 0);
      // Pages read from later points of the history, once per point and walk (the bulk planner asks for the same ones).
      const sampled = new Map<string, Promise<ActivityPage>>();
      const samplePage = (walk: ActivityWalk, since: string): Promise<ActivityPage> => {
        const key = `${walks.indexOf(walk)}|${since}`;
        if (!sampled.has(key))
          sampled.set(
            key,
            getToken(since).then((token) => walk.fetchPage(token)),
          );
        return sampled.get(key)!;
      };
      const sampleAt = (since: string) => Promise.all(walks.map((walk) => samplePage(walk, since)));
      // What Airbyte shows as progress: each walk's history as its first page and samples further on show it.
      const first = newest.cursor.startOf(keys);
      const points = samplePoints(dataFrom && dataFrom > first ? dataFrom : first, now);
      // A walk whose first page held everything needs no sample; the others get one page at each
      // point, when the history the first pages promise makes those calls a small share of its
      // own, and never out of a tight daily_call_budget: without them, no estimate rather than a wild one.
      const open = pages.filter(({ page }) => page.moreResult).length;
      const sampleCalls = points.length * (1 + open);
      const promised = estimatedPages + fitsInFirstPages / MAX_BATCH_SIZE;
      const left = ctx.callsLeft?.();
      const sample = open > 0 && promised * SAMPLE_CALLS_SHARE >= sampleCalls;
      const byWindows = sample && dataFrom !== undefined && count > 1;
      if (byWindows) {
        for (const [i, walk] of walks.entries()) {
          const { page } = pages[i];
          const first: SamplePage = { since: startOf(newest, walk.keys), activities: page.activities, moreResult: page.moreResult };
          if (page.moreResult) waiting.set(walk, [first]);
          else models.set(walk, HistoryModel.fromSamples([first], now));
        }
      } else if (!sample || left === undefined || left >= sampleCalls / SAMPLE_CALLS_SHARE) {
        await Promise.all(
          walks.map(async (walk, i) => {
            const { page } = pages[i];
            const walkSamples: SamplePage[] = [{ since: startOf(newest, walk.keys), activities: page.activities, moreResult: page.moreResult }];
            if (sample && page.moreResult) for (const point of points) walkSamples.push({ since: point, ...(await samplePage(walk, point)) });
            models.set(walk, HistoryModel.fromSamples(walkSamples, now));
          }),
        );
        yield { estimate: estimates.first(Math.round([...models.values()].reduce((n, m) => n + m.total, 0))) };
      }
      if (
        bulk &&
        !bulk.inFlight &&
        (await bulk.startIfPlanned(
          pages.map(({ page }) => page.activities),
          estimatedPages + fitsInFirstPages / MAX_BATCH_SIZE,
          dataFrom,
          sampleAt,
          now,
        ))
      ) {
        yield* bulk.read((activities, freshKeys) => this.bulkRecords(ctx, activities, freshKeys));
        // The first pages read so far are behind the cursors now; the walks regroup around the bulk types.
        firstPages.clear();
        walks = await walksOf(bulk.keys);
        models.clear(); // the walks left read only what came after the bulk history: its estimate does not apply
        waiting.clear();
        estimates.forget();
      } else if (dataFrom && count > 1) splitNewest(segments, keys, count, now, dataFrom);
      if (waiting.size > 0 && segments.indexOf(newest) === segments.length - 1) {
        // No window was split off after all: the first pages are all there is.
        for (const [walk, samples] of waiting) models.set(walk, HistoryModel.fromSamples(samples, now));
        waiting.clear();
        yield { estimate: estimates.first(Math.round([...models.values()].reduce((n, m) => n + m.total, 0))) };
      }
    }

    // One walk per (window, group); a window is done when all its groups are.
    const running = new Map<Segment, number>();
    const lastSeen = new LatestDates<WalkSpec>();
    /** Each walk: its group, its window, and whether it reads a window split off while the sync ran (window-splits.ts). */
    const plans = new Map<WalkSpec, { walk: ActivityWalk; segment: Segment; splitOff?: true }>();
    const onStuck = (walk: WalkSpec) =>
      ctx.log('WARN', `${this.name}: Marketo kept answering empty pages with the same paging token for ${walk.keys.join(',')}; stopped this walk for now.`);
    /** Starts a walk of `walk`'s group over `segment`; mergeAsync takes in the ones started while it runs. */
    const iterators: AsyncIterator<WalkPage>[] = [];
    const startWalk = (walk: ActivityWalk, segment: Segment, splitOff?: true) => {
      const spec: WalkSpec = { ...walk };
      plans.set(spec, splitOff ? { walk, segment, splitOff } : { walk, segment });
      running.set(segment, (running.get(segment) ?? 0) + 1);
      const first = segment === newest ? firstPages.get(walk) : undefined;
      iterators.push(walkActivities(spec, startOf(segment, walk.keys), getToken, onStuck, () => segment.until, first));
    };
    for (const segment of segments.filter((s) => !s.done)) for (const walk of walks) startWalk(walk, segment);
    if (segments.length > 1)
      ctx.log('INFO', `${this.name}: reading ${segments.filter((s) => !s.done).length} time windows in parallel, ${walks.length} type group(s) each.`);

    // As walks read, what they covered replaces the guess: records so far plus each walk's estimate ahead of it.
    let emitted = 0;
    const projection = (): number => {
      let ahead = 0;
      for (const [spec, { walk, segment }] of plans) {
        const model = models.get(walk);
        if (!model || doneWalks.has(spec)) continue;
        const at = lastSeen.get(spec) ?? startOf(segment, walk.keys);
        ahead += model.between(Date.parse(at) + 1000, segment.until === null ? now : Date.parse(segment.until));
      }
      return Math.round(emitted + ahead);
    };
    const doneWalks = new Set<WalkSpec>();
    /** Each walk's pages and first activity so far: the density of its window's history. */
    const pagesRead = new Map<WalkSpec, { pages: number; firstDate?: string }>();

    // The first page of each later window, in window order, completes the samples of a waiting walk.
    const windowFirsts = new Map<WalkSpec, SamplePage>();
    const noteWindowFirst = (spec: WalkSpec, walk: ActivityWalk, segment: Segment, activities: Activity[], done: boolean): boolean => {
      const samples = waiting.get(walk);
      const after = (s: Segment) => segments.indexOf(s) > segments.indexOf(newest);
      if (!samples || !after(segment) || windowFirsts.has(spec) || plans.get(spec)?.splitOff) return false;
      windowFirsts.set(spec, { since: startOf(segment, walk.keys), activities, moreResult: !done });
      const later = [...plans].filter(([, p]) => p.walk === walk && after(p.segment) && !p.splitOff);
      if (!later.every(([other]) => windowFirsts.has(other))) return false;
      const ordered = later.sort(([, a], [, b]) => segments.indexOf(a.segment) - segments.indexOf(b.segment)).map(([other]) => windowFirsts.get(other)!);
      models.set(walk, HistoryModel.fromSamples([...samples, ...ordered], now));
      waiting.delete(walk);
      return waiting.size === 0;
    };

    /**
     * When fewer walks run than fill the allowed rate, the rest of the window of the page just read
     * is split into parts read by walks of their own (window-splits.ts): the window ends at the
     * first bound for the walks reading it, and each part gets a walk of each of their groups.
     */
    const resplit = (segment: Segment, pagesRead: number, coveredMs: number): void => {
      if (segment.done) return;
      const inWindow = [...plans].filter(([spec, p]) => p.segment === segment && !doneWalks.has(spec));
      const position = Math.max(...inWindow.map(([spec, p]) => Date.parse(lastSeen.get(spec) ?? startOf(segment, p.walk.keys))));
      const end = segment.until === null ? Date.now() : Date.parse(segment.until);
      const bounds = resplitBounds({
        running: plans.size - doneWalks.size,
        inWindow: inWindow.length,
        targetWalks: targetParallelWalks(ctx),
        position,
        end,
        pagesRead,
        coveredMs,
      });
      if (bounds.length === 0) return;
      const readers = inWindow.map(([, p]) => p.walk);
      const readerKeys = readers.flatMap((w) => w.keys);
      const allKeys = walks.flatMap((w) => w.keys);
      const ends = [...bounds.slice(1), segment.until];
      const parts = bounds.map((from, i) => ({ until: ends[i], cursor: segment.cursor.splitFrom(from, readerKeys, allKeys, ends[i] === null), done: false }));
      segment.until = bounds[0];
      segments.splice(segments.indexOf(segment) + 1, 0, ...parts);
      for (const part of parts) for (const walk of readers) startWalk(walk, part, true);
      ctx.log(
        'INFO',
        `${this.name}: ${inWindow.length} walk(s) left reading a window, at ${secondOf(position)}; ${parts.length} more window(s) split off its rest, read in parallel.`,
      );
    };

    let checkpointed = false;
    for await (const page of mergeAsync(iterators)) {
      const { walk, segment } = plans.get(page.walk)!;
      if (noteWindowFirst(page.walk, walk, segment, page.activities, page.done)) {
        yield { estimate: estimates.first(Math.round([...models.values()].reduce((n, m) => n + m.total, 0))) };
      }
      const accepted: AcceptedActivity[] = [];
      for (const activity of page.activities) {
        const date = activityDateOf(activity);
        const keys = walk.partitionsOf ? walk.partitionsOf(activity) : [walk.partitionOf(activity)].filter((k): k is string => k !== undefined);
        if (!date || keys.length === 0 || typeof activity.marketoGUID !== 'string') {
          ctx.log(
            'WARN',
            `${this.name}: skipped an activity without a usable marketoGUID, activityDate or type (marketoGUID ${String(activity.marketoGUID)}).`,
          );
          continue;
        }
        if (segment.until !== null && date >= segment.until) break; // the next window's
        lastSeen.note(page.walk, date);
        for (const key of keys) if (segment.cursor.accept(key, date, activity.marketoGUID)) accepted.push({ activity, date, key });
      }
      const records = await this.pageRecords(ctx, accepted);
      if (page.done) {
        doneWalks.add(page.walk);
        if (segment.until === null) segment.cursor.completeWalk(walk.keys, lastSeen.get(page.walk));
        const left = running.get(segment)! - 1;
        running.set(segment, left);
        if (left === 0 && segment.until !== null) segment.done = true;
      } else {
        // Pages counted from the first that held an activity: the empty history before it is no density.
        const read = pagesRead.get(page.walk) ?? { pages: 0 };
        read.firstDate ??= page.activities.length > 0 ? activityDateOf(page.activities[0]) : undefined;
        if (read.firstDate) read.pages++;
        pagesRead.set(page.walk, read);
        const at = lastSeen.get(page.walk);
        if (at && read.firstDate) resplit(segment, read.pages, Date.parse(at) - Date.parse(read.firstDate));
      }
      if (records.length > 0) yield { records };
      emitted += records.length;
      const estimate = estimates.next(projection());
      if (estimate !== undefined) yield { estimate };
      checkpointed = records.length > 0 || page.done;
      if (checkpointed) yield { state: segmentsToState(segments) };
    }
    if (!checkpointed) yield { state: segmentsToState(segments) };
  }
}

/**
 * Sample pages for the estimate cost a paging token per point and a page per walk: taken only
 * when the first pages promise a history at least ten times their cost.
 */
const SAMPLE_CALLS_SHARE = 0.1;

/**
 * How many time windows each type group is split into: enough walks in flight to use the allowed
 * call rate while each call takes a few hundred milliseconds, few enough that the extra paging
 * token and part-filled page of each window stay a small share of the calls.
 */
const TARGET_PARALLEL_WALKS = 4;

function targetParallelWalks(ctx: ReadContext): number {
  return Math.min(ctx.config.connection.maxConcurrentCalls, TARGET_PARALLEL_WALKS);
}

function windowsPerGroup(ctx: ReadContext, groups: number): number {
  if (groups === 0) return 1;
  return Math.max(1, Math.ceil(targetParallelWalks(ctx) / groups));
}
