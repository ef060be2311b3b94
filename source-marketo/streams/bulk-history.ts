import { Activity, ActivityPage } from '../../marketo/endpoints';
import { MAX_BATCH_SIZE } from '../../marketo/constants';
import { toMarketoSecond, secondOf } from '../dates';
import { BULK_TAIL_MS, chooseHistoryPath, HistoryEstimate } from '../extraction-planner';
import { BulkBackfillState, BulkSpec, newBulkState, parseBulkState, readBulkBackfill } from './bulk-backfill';
import { Segment, SegmentedState, segmentsToState } from './segments';
import { samplePoints } from './history-estimate';
import { ReadContext, StreamEvent } from './stream';

/** State of an activity-like stream: its windows' cursors, and the bulk history in flight, if any. */
export interface ActivityHistoryState extends SegmentedState {
  bulk?: BulkBackfillState;
}

/**
 * The bulk part of an activity-like stream's read: resumes the bulk history a previous sync left
 * in its state, or starts one when the planner picks bulk for the history ahead. Records come out
 * as the stream's REST walks would emit them; afterwards the bulk partitions' cursors sit where
 * the files ended, and the REST walks go on from there.
 */
export class BulkHistory {
  private constructor(
    private readonly ctx: ReadContext,
    private readonly spec: BulkSpec,
    private readonly segments: Segment[],
    private state: BulkBackfillState | undefined,
    private readonly name: string,
  ) {}

  /** Undefined when the stream has no bulk path, or the read cannot use one (no bulk endpoints, REST windows in flight). */
  static open(name: string, ctx: ReadContext, spec: BulkSpec | undefined, segments: Segment[], rawState: unknown): BulkHistory | undefined {
    if (!spec || spec.activityTypeIds.length === 0 || !ctx.bulk || !ctx.exportMeter) return undefined;
    const saved = parseBulkState((rawState as { bulk?: unknown } | undefined)?.bulk);
    if (!saved && (segments.length > 1 || ctx.config.extractionMethod === 'rest')) return undefined;
    return new BulkHistory(ctx, spec, segments, saved, name);
  }

  /** A bulk history saved by an earlier sync is still to finish. */
  get inFlight(): boolean {
    return this.state !== undefined;
  }

  get keys(): string[] {
    return this.spec.keys;
  }

  /**
   * Whether the history ahead should go through bulk. `auto` asks the first REST page of each walk
   * how dense the history is where it starts and, when that promises a long history, one page at a
   * third and at two thirds of the way (`sampleAt`): see estimateRecords.
   */
  async startIfPlanned(
    firstPages: Activity[][],
    estimatedPages: number,
    dataFrom: string | undefined,
    sampleAt: (since: string) => Promise<ActivityPage[]>,
    now = Date.now(),
  ): Promise<boolean> {
    // Windows start where the data does (the first pages tell), not at an early start_date.
    const cursorFrom = this.segments[0].cursor.startOf(this.spec.keys);
    const from = dataFrom && dataFrom > cursorFrom ? secondOf(Math.floor(Date.parse(dataFrom) / 1000) * 1000) : cursorFrom;
    const method = this.ctx.config.extractionMethod;
    let estimate: HistoryEstimate | undefined = firstPages.every((p) => p.length === 0) ? undefined : { records: Math.round(estimatedPages * MAX_BATCH_SIZE) };
    if (chooseHistoryPath(method, from, now, estimate) !== 'bulk') return false;
    if (method === 'auto') {
      const points = samplePoints(from, now);
      const samples = [firstPages.map((activities) => ({ activities, moreResult: activities.length >= MAX_BATCH_SIZE }))];
      for (const point of points) samples.push(await sampleAt(point));
      estimate = { records: estimateRecords([from, ...points], samples, now) };
      if (chooseHistoryPath(method, from, now, estimate) !== 'bulk') return false;
    }
    // Whole minutes, so that windows and the hand-over to REST fall on round times.
    const tailMs = Math.max(BULK_TAIL_MS, this.ctx.config.lookbackSeconds * 1000);
    const until = secondOf(Math.floor((now - tailMs) / 60_000) * 60_000);
    if (until <= from) return false;
    this.state = newBulkState(from, until, estimate?.records ?? 0);
    this.ctx.log(
      'INFO',
      `${this.name}: reading the history from ${from} to ${until} (about ${estimate?.records ?? 'unknown'} records) through bulk exports, then through REST.`,
    );
    return true;
  }

  /** Reads the bulk history, yielding records and a STATE after each batch; leaves the cursors where it ended. */
  async *read(
    toRecords: (activities: Activity[], freshKeys: (activity: Activity) => string[]) => Promise<Record<string, unknown>[]>,
  ): AsyncGenerator<StreamEvent<ActivityHistoryState>> {
    const state = this.state;
    if (!state) return;
    const cursor = this.segments[0].cursor;
    const types = await this.ctx.metadata.activityTypes();
    const pages = readBulkBackfill(
      {
        bulk: this.ctx.bulk!,
        method: this.ctx.config.extractionMethod,
        meter: this.ctx.exportMeter!,
        callsLeft: this.ctx.callsLeft ?? (() => undefined),
        log: this.ctx.log,
        streamName: this.name,
      },
      this.spec,
      state,
      types,
    );
    for await (const page of pages) {
      // What this stream's cursor already covers (partitions ahead of the history's start) is not emitted again.
      const freshKeys = (a: Activity): string[] => {
        const date = toMarketoSecond(String(a.activityDate));
        const keys = this.spec.partitionsOf ? this.spec.partitionsOf(a) : [this.spec.partitionOf(a)];
        return date === undefined ? [] : keys.filter((key): key is string => key !== undefined && !cursor.covers(key, date, a.marketoGUID));
      };
      const fresh = page.activities.filter((a) => freshKeys(a).length > 0);
      const records = await toRecords(fresh, freshKeys);
      if (records.length > 0) yield { records };
      yield { state: { ...segmentsToState(this.segments), bulk: page.state } };
    }
    cursor.advanceTo(this.spec.keys, state.until);
    this.state = undefined;
  }
}

/** Activities per ms from `since` on, as one page of each walk shows them (all walks together). */
function densityAt(since: string, pages: Array<{ activities: Activity[]; moreResult: boolean }>, now: number): number {
  let perMs = 0;
  for (const page of pages) {
    const last = page.activities[page.activities.length - 1];
    const lastAt = last ? Date.parse(String(toMarketoSecond(String(last.activityDate)))) : NaN;
    if (page.activities.length === 0) continue;
    // A page that holds everything left spreads it to now; a full one, over the time it covers.
    const span = page.moreResult ? lastAt - Date.parse(since) : now - Date.parse(since);
    perMs += page.activities.length / Math.max(1000, span);
  }
  return perMs;
}

/**
 * Records of a history from samples at the start of each of its stretches: each stretch counts at
 * the lower of the densities at its two ends (the last at its start's), so that a burst at one
 * point is not taken for the whole history. It errs towards too few, and too few means REST, which
 * is always right, only dearer.
 */
export function estimateRecords(points: string[], samples: Array<Array<{ activities: Activity[]; moreResult: boolean }>>, now: number): number {
  const densities = points.map((point, i) => densityAt(point, samples[i] ?? [], now));
  let records = 0;
  points.forEach((point, i) => {
    const end = i + 1 < points.length ? Date.parse(points[i + 1]) : now;
    const density = i + 1 < points.length ? Math.min(densities[i], densities[i + 1]) : densities[i];
    records += density * (end - Date.parse(point));
  });
  return Math.round(records);
}
