import { BulkExportEndpoints, BulkJob, BulkObject, BulkQueueFullError, isEnded } from '../../marketo/bulk-export';
import { readBulkFile, BulkRow } from '../../marketo/bulk-file';
import { sleep } from '../../marketo/client';
import { BULK_MAX_DATE_RANGE_DAYS } from '../../marketo/constants';
import { Activity, ActivityType } from '../../marketo/endpoints';
import { BulkExportQuotaExhaustedError, MarketoError, MarketoRequestError, MarketoTransientError } from '../../marketo/errors';
import { toMarketoSecond, secondOf } from '../dates';
import { ExportMeter, ExtractionMethod, firstBulkWindow, whenAllowanceSpent } from '../extraction-planner';
import { advance, FileProgress, lostRead, LostRead, newProgress, RereadFilter, RowIdentity } from './bulk-reread';
import { Log } from './stream';

// Reads an activity-like stream's history through Bulk Activity Extract, in windows of at most 31
// days, before its REST walks take over. Every job is in the state from the moment it exists, with
// how far its file was read, so a killed sync polls the job it created and resumes its file where
// it stopped instead of paying for the window again.
// https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/bulk-extract/bulk-activity-extract

/** One window's job, as the state keeps it. */
export interface BulkWindowJob {
  exportId: string;
  /** The window [from, to): activities dated from `from` up to, not including, `to`. */
  from: string;
  to: string;
  /** Bytes of the file already read and emitted (a STATE followed them), and its header. */
  offset?: number;
  columns?: string[];
  /** The file's checksum and what its rows read so far were (see bulk-reread.ts). */
  checksum?: string;
  progress?: FileProgress;
  /** Whether this job's file was counted against the export allowance. */
  metered?: boolean;
  /** Reads of this window's earlier files that were lost half read: their rows are not emitted again. */
  lost?: LostRead[];
}

/** The bulk part of a stream's state while its history is read through files. */
export interface BulkBackfillState {
  /** The bulk part reads up to here; the REST walks start here. */
  until: string;
  /** Start of the first window that has no job yet. */
  next: string;
  /** Jobs created and not yet fully read, oldest window first. */
  jobs: BulkWindowJob[];
  /** Records of the history as estimated from the first REST pages when it was planned. */
  estimatedRecords?: number;
  /** Bytes of the history's files as estimated when it was planned (a catch-up's: see firstBulkWindow); undefined without an estimate. */
  estimatedBytes?: number;
  /** What the files read so far measured: records, bytes, and the span of history they covered (ms). */
  measured?: { records: number; bytes: number; spanMs: number };
  /** Bytes of files this stream exported on `exportDay` (US Central), carried into the next sync. */
  exportDay?: string;
  exportedBytes?: number;
}

/** What a stream reads through bulk: the types to export and how a file's activity becomes the stream's. */
export interface BulkSpec {
  activityTypeIds: number[];
  /** The cursor partitions the export serves. */
  keys: string[];
  partitionOf(activity: Activity): string | undefined;
  /** Every partition the activity belongs to, when several streams share the export (see activity-family.ts); else partitionOf's. */
  partitionsOf?(activity: Activity): string[];
  /** The activity as the stream's REST endpoint would return it, or undefined when that endpoint would not return it. */
  adapt(activity: Activity): Activity | undefined;
}

export interface BulkPage {
  activities: Activity[];
  state: BulkBackfillState;
}

/** What a history read through bulk windows exports, and how a row of its files becomes an item. */
export interface BulkWindowSource<T> {
  object: BulkObject;
  create(from: string, to: string): Promise<BulkJob>;
  /** The item of a row of window `window`'s file, or undefined when the stream leaves the row out. */
  item(row: BulkRow, window: BulkWindowJob): T | undefined;
  /** The row's key and place in the file's order (see bulk-reread.ts), undefined for a row without a key. */
  identify(row: BulkRow): RowIdentity | undefined;
}

export interface BulkContext {
  bulk: BulkExportEndpoints;
  method: ExtractionMethod;
  meter: ExportMeter;
  /** Calls the call budget still allows (undefined: no budget set). */
  callsLeft: () => number | undefined;
  log: Log;
  streamName: string;
}

/** Files are read in batches of this many rows, each followed by a STATE: a killed sync redoes at most one batch. */
export const ROWS_PER_CHECKPOINT = 1000;
/** Jobs this connector keeps queued ahead of the file it reads, of the ten the subscription shares with other integrations. */
export const JOBS_AHEAD = 3;

const DAY_MS = 86_400_000;

/** Thrown when the export allowance (ours or Marketo's) stops the bulk part: the state is saved, the next sync goes on. */
export class BulkAllowanceSpentError extends MarketoError {}

export function parseBulkState(raw: unknown): BulkBackfillState | undefined {
  const s = raw as Partial<BulkBackfillState> | undefined;
  if (typeof s !== 'object' || s === null || typeof s.until !== 'string' || typeof s.next !== 'string' || !Array.isArray(s.jobs)) return undefined;
  const jobs = s.jobs.filter((j) => typeof j?.exportId === 'string' && typeof j.from === 'string' && typeof j.to === 'string');
  return { ...s, until: s.until, next: s.next, jobs };
}

/** A file row as the REST activity it is: numbers typed, `attributes` back to a list (with custom types' apiNames), `id` from a numeric marketoGUID. */
export function activityFromRow(row: BulkRow, types: Map<number, ActivityType>): Activity | undefined {
  const guid = row.marketoGUID;
  if (!guid || !row.activityDate || !row.activityTypeId) return undefined;
  const activity = {} as Activity;
  // On every instance but Activity Service ones, the GUID is the activity id, which Get Lead Activities also returns.
  if (/^\d+$/.test(guid)) activity.id = Number(guid);
  activity.marketoGUID = guid;
  activity.leadId = Number(row.leadId);
  activity.activityDate = row.activityDate;
  activity.activityTypeId = Number(row.activityTypeId);
  if (row.campaignId !== null && row.campaignId !== undefined) activity.campaignId = Number(row.campaignId);
  if (row.primaryAttributeValueId !== null && row.primaryAttributeValueId !== undefined) activity.primaryAttributeValueId = Number(row.primaryAttributeValueId);
  if (row.primaryAttributeValue !== null && row.primaryAttributeValue !== undefined) activity.primaryAttributeValue = row.primaryAttributeValue;
  const apiNames = new Map((types.get(activity.activityTypeId)?.attributes ?? []).flatMap((a) => (a.apiName ? [[a.name, a.apiName] as const] : [])));
  const attributes = row.attributes ? (JSON.parse(row.attributes) as Record<string, unknown>) : {};
  activity.attributes = Object.entries(attributes).map(([name, value]) => {
    const apiName = apiNames.get(name);
    return apiName ? { name, value, apiName } : { name, value };
  });
  return activity;
}

/** An activity row's key (marketoGUID), position (its second) and sequence (a numeric GUID is the activity id, which grows as Marketo stores activities). */
export function activityIdentity(row: BulkRow): RowIdentity | undefined {
  const guid = row.marketoGUID;
  const date = row.activityDate ? toMarketoSecond(row.activityDate) : undefined;
  if (!guid || !date) return undefined;
  return /^\d+$/.test(guid) ? { key: guid, position: Date.parse(date), seq: Number(guid) } : { key: guid, position: Date.parse(date) };
}

/** Plans the windows of a history [from, until) with nothing read yet. */
export function newBulkState(from: string, until: string, estimatedRecords: number): BulkBackfillState {
  return { until, next: from, jobs: [], estimatedRecords };
}

/** An activity-like stream's history through Bulk Activity Extract: activities of [from, to) shaped as the stream's REST endpoint returns them. */
export function activitySource(ctx: BulkContext, spec: BulkSpec, types: ActivityType[]): BulkWindowSource<Activity> {
  const typesById = new Map(types.map((t) => [t.id, t]));
  return {
    object: 'activities',
    create: (from, to) => ctx.bulk.createActivityExport({ createdAt: { startAt: from, endAt: to }, activityTypeIds: spec.activityTypeIds }),
    item: (row, window) => {
      const activity = activityFromRow(row, typesById);
      const date = activity && toMarketoSecond(String(activity.activityDate));
      // Both ends of the filter are inclusive: the second at `to` is the next window's.
      return activity && date && date >= window.from && date < window.to ? spec.adapt(activity) : undefined;
    },
    identify: activityIdentity,
  };
}

/** Reads an activity-like stream's bulk history (see readBulkWindows). */
export async function* readBulkBackfill(ctx: BulkContext, spec: BulkSpec, state: BulkBackfillState, types: ActivityType[]): AsyncGenerator<BulkPage> {
  for await (const page of readBulkWindows(ctx, activitySource(ctx, spec, types), state)) yield { activities: page.items, state: page.state };
}

/**
 * Reads the windows of `state` through bulk jobs, oldest first, yielding each batch of items
 * with the state that covers it. Returns when every window is read, or when the planner hands the
 * rest of the history to REST (`state.until` is then where the REST walks start). Throws
 * BulkAllowanceSpentError when the export allowance stops it.
 */
export async function* readBulkWindows<T>(
  ctx: BulkContext,
  source: BulkWindowSource<T>,
  state: BulkBackfillState,
): AsyncGenerator<{ items: T[]; state: BulkBackfillState }> {
  ctx.meter.carry(state.exportDay, state.exportedBytes);
  const snapshot = (): BulkBackfillState => ({ ...state, jobs: state.jobs.map((j) => ({ ...j })), exportDay: ctx.meter.today, exportedBytes: ctx.meter.used });
  let stopped = false;
  let quotaError: BulkExportQuotaExhaustedError | undefined;
  // Windows whose job this sync recreated: a second loss in one sync fails it (the next sync tries again).
  const recreated = new Set<string>();
  const lose = (head: BulkWindowJob, why: string): Promise<void> => recreate(ctx, head, source, why, recreated);

  for (;;) {
    // Queue the next windows while there is room in our share of the queue and in the allowance.
    // Until a first file has measured the history, one window at a time.
    while (!stopped && state.jobs.length < (state.measured ? JOBS_AHEAD : 1) && state.next < state.until) {
      const from = state.next;
      const room = ctx.meter.left - state.jobs.filter((j) => !j.offset).reduce((n, j) => n + bytesOf(state, j.from, j.to), 0);
      const span = windowSpan(state, from, room);
      if (span === 0) {
        const recordsLeft = historyLeft(state);
        if (whenAllowanceSpent(ctx.method, recordsLeft, ctx.callsLeft()) === 'rest') {
          ctx.log(
            'INFO',
            `${ctx.streamName}: the export allowance left today does not fit the history from ${from}; reading it through REST (about ${Math.ceil(recordsLeft / 300)} calls).`,
          );
          state.until = from;
        } else {
          stopped = true;
        }
        break;
      }
      const to = secondOf(Date.parse(from) + span);
      let job: BulkJob;
      try {
        job = await source.create(from, to);
      } catch (err) {
        // Marketo's own allowance is spent: read what is already exported, then stop.
        if (!(err instanceof BulkExportQuotaExhaustedError)) throw err;
        quotaError = err;
        stopped = true;
        break;
      }
      state.jobs.push({ exportId: job.exportId, from, to });
      state.next = to;
      yield { items: [], state: snapshot() };
      try {
        await enqueueWhenRoom(ctx, source, job.exportId, recordsOf(state, from, to));
      } catch (err) {
        if (!(err instanceof BulkExportQuotaExhaustedError)) throw err;
        quotaError = err;
        stopped = true;
        break;
      }
    }

    const head = state.jobs[0];
    if (!head) {
      if (quotaError) throw quotaError;
      if (stopped) {
        throw new BulkAllowanceSpentError(
          `bulk_export_mb_per_day (${ctx.meter.allowanceMb} MB) is spent for today with history from ${state.next} still to read; the state is saved and the next sync goes on after midnight US Central time.`,
        );
      }
      return;
    }

    let job: BulkJob;
    try {
      job = await finishedJob(ctx, head, source, lose);
    } catch (err) {
      // A job created but refused its place in the queue by the allowance waits in the state for the next day.
      if (err instanceof BulkExportQuotaExhaustedError) yield { items: [], state: snapshot() };
      throw err;
    }
    if (job.status !== 'Completed') {
      // Recreated: save the new job's id before waiting for it.
      yield { items: [], state: snapshot() };
      continue;
    }
    if (!head.metered && head.offset === undefined) ctx.meter.add(job.fileSize ?? 0);
    head.metered = true;
    if (job.numberOfRecords === 0) {
      // An empty window (old history of few records, a quiet month): its file is a header, not worth a call.
      state.jobs.shift();
      addMeasured(state, head, job);
      yield { items: [], state: snapshot() };
      continue;
    }
    if (head.offset === undefined) resumeSameFile(ctx, head, job);
    head.checksum = job.fileChecksum;
    const body = await ctx.bulk.file(source.object, head.exportId, head.offset ?? 0);
    if (!body) {
      await lose(head, 'its file has expired');
      yield { items: [], state: snapshot() };
      continue;
    }
    const progress = (head.progress ??= newProgress());
    const filter = new RereadFilter(head.lost ?? [], progress);
    let batch: T[] = [];
    let reread: LostRead[] | undefined;
    for await (const { row, endOffset } of readBulkFile(body, {
      startOffset: head.offset,
      columns: head.columns,
      onColumns: (c) => (head.columns = c),
      size: job.fileSize,
    })) {
      const identity = source.identify(row);
      advance(progress, identity);
      const decision = filter.decide(identity);
      if (decision.kind === 'restart') {
        reread = decision.decided;
        break;
      }
      head.offset = endOffset;
      if (decision.kind === 'emit') {
        const item = source.item(row, head);
        if (item !== undefined) batch.push(item);
      }
      if (batch.length >= ROWS_PER_CHECKPOINT) {
        head.lost = filter.remaining;
        yield { items: batch, state: snapshot() };
        batch = [];
      }
    }
    if (!reread) {
      const end = filter.finish();
      if (end.kind === 'restart') reread = end.decided;
    }
    if (reread) {
      // Only skipped rows were read (nothing emitted, no state saved): read the file again from its start.
      body.destroy();
      readAgain(ctx, head, reread);
      continue;
    }
    state.jobs.shift();
    addMeasured(state, head, job);
    yield { items: batch, state: snapshot() };
  }
}

/** What a window's file measured: records, bytes and the span of history, for sizing the next windows. */
function addMeasured(state: BulkBackfillState, window: BulkWindowJob, job: BulkJob): void {
  const measured = (state.measured ??= { records: 0, bytes: 0, spanMs: 0 });
  measured.records += job.numberOfRecords ?? 0;
  measured.bytes += job.fileSize ?? 0;
  measured.spanMs += Date.parse(window.to) - Date.parse(window.from);
}

/** The first window of a history is this long: its file measures the history's bytes per day before longer windows are sized. */
export const PROBE_WINDOW_MS = DAY_MS;
/** Windows shorter than this are not worth their calls: the allowance is spent. */
export const MIN_WINDOW_MS = 3600_000;

/**
 * How long the window from `from` can be (ms, whole seconds): 31 days at most, the rest of the
 * history at most, the whole history when firstBulkWindow says its estimate fits, else a probe day
 * while nothing is measured (when the allowance left can take what
 * the first pages promise for it), and no longer than the export
 * allowance left (`room` bytes) fits at the measured bytes per unit of history; 0 when even a
 * short window does not fit.
 */
export function windowSpan(state: BulkBackfillState, from: string, room: number): number {
  const max = Math.min(BULK_MAX_DATE_RANGE_DAYS * DAY_MS, Date.parse(state.until) - Date.parse(from));
  const m = state.measured;
  if (!m && firstBulkWindow(Date.parse(state.until) - Date.parse(from), state.estimatedBytes, room) === 'whole') return max;
  if (!m) return room > 0 && room >= probeBytes(state, max) ? Math.min(max, PROBE_WINDOW_MS) : 0;
  const perMs = m.spanMs > 0 ? m.bytes / m.spanMs : 0;
  if (perMs === 0) return room > 0 ? max : 0;
  const fits = Math.floor(room / perMs / 1000) * 1000;
  return fits >= Math.min(max, MIN_WINDOW_MS) ? Math.min(max, fits) : 0;
}

/**
 * Bytes of a file row before a file has measured them: the documented example row of Bulk
 * Activity Extract is about 330 bytes, the sandbox's rows average about 290.
 */
export const ASSUMED_ROW_BYTES = 300;

/**
 * What the probe window's file should weigh, from the first pages' estimate of the history (0
 * without one): a probe is not started in an allowance that cannot take it.
 */
function probeBytes(state: BulkBackfillState, maxMs: number): number {
  const spanMs = Date.parse(state.until) - Date.parse(state.next);
  if (!state.estimatedRecords || spanMs <= 0) return 0;
  return (state.estimatedRecords / spanMs) * Math.min(maxMs, PROBE_WINDOW_MS) * ASSUMED_ROW_BYTES;
}

/**
 * The file bytes expected for [from, to), from what the files read so far measured per unit of
 * history (0 before the first file: the first window measures; Marketo's own 1029 is the hard stop).
 */
function bytesOf(state: BulkBackfillState, from: string, to: string): number {
  const m = state.measured;
  return m && m.spanMs > 0 ? (m.bytes / m.spanMs) * (Date.parse(to) - Date.parse(from)) : 0;
}

/** The records expected in [from, to), from what the files read so far measured (undefined before the first). */
function recordsOf(state: BulkBackfillState, from: string, to: string): number | undefined {
  const m = state.measured;
  return m && m.spanMs > 0 ? Math.round((m.records / m.spanMs) * (Date.parse(to) - Date.parse(from))) : undefined;
}

/**
 * Records of the history no job covers yet (the windows already queued are read through their
 * files): measured density when files were read, else the first pages' estimate.
 */
function historyLeft(state: BulkBackfillState): number {
  const m = state.measured;
  const leftMs = Math.max(0, Date.parse(state.until) - Date.parse(state.next));
  if (m && m.spanMs > 0) return Math.ceil((m.records / m.spanMs) * leftMs);
  return state.estimatedRecords ?? 0;
}

async function createJob<T>(ctx: BulkContext, source: BulkWindowSource<T>, from: string, to: string, records?: number): Promise<BulkJob> {
  const job = await source.create(from, to);
  await enqueueWhenRoom(ctx, source, job.exportId, records);
  return job;
}

/** "Too many jobs in queue" means other jobs of the subscription are ahead: wait for room. */
async function enqueueWhenRoom<T>(ctx: BulkContext, source: BulkWindowSource<T>, exportId: string, records?: number): Promise<BulkJob> {
  let waited = false;
  for (;;) {
    try {
      return await ctx.bulk.enqueue(source.object, exportId, records);
    } catch (err) {
      if (!(err instanceof BulkQueueFullError)) throw err;
      if (!waited) ctx.log('INFO', `${ctx.streamName}: Marketo's bulk export queue is full (other integrations share it); waiting for room.`);
      waited = true;
      await sleep(ctx.bulk.poll.minMs);
    }
  }
}

/**
 * The head job once it has ended. A job Marketo no longer knows, or that failed or was cancelled,
 * is recreated once for its window; a second loss fails the sync (state saved). A job this sync
 * queued is not asked for at once: its first poll waits until it should be done (waitForEnd).
 */
async function finishedJob<T>(
  ctx: BulkContext,
  head: BulkWindowJob,
  source: BulkWindowSource<T>,
  lose: (head: BulkWindowJob, why: string) => Promise<void>,
): Promise<BulkJob> {
  let job: BulkJob;
  try {
    job = ctx.bulk.queuedAnswer(source.object, head.exportId) ?? (await ctx.bulk.status(source.object, head.exportId));
  } catch (err) {
    if (!(err instanceof MarketoRequestError)) throw err;
    await lose(head, `Marketo no longer knows it (${err.message})`);
    return { exportId: head.exportId, status: 'Queued' };
  }
  if (job.status === 'Created') job = await enqueueWhenRoom(ctx, source, head.exportId);
  if (!isEnded(job.status)) job = await ctx.bulk.waitForEnd(source.object, job);
  if (job.status !== 'Completed') {
    await lose(head, `it ended ${job.status}${job.errorMsg ? ` (${job.errorMsg})` : ''}`);
    return { exportId: head.exportId, status: 'Queued' };
  }
  return job;
}

async function recreate<T>(ctx: BulkContext, head: BulkWindowJob, source: BulkWindowSource<T>, why: string, recreated: Set<string>): Promise<void> {
  if (recreated.has(head.from)) {
    throw new MarketoTransientError(`${ctx.streamName}: the bulk export of ${head.from} to ${head.to} was lost again: ${why}. The next sync creates it anew.`);
  }
  const lost = lostRead(head.progress, { checksum: head.checksum, offset: head.offset, columns: head.columns });
  ctx.log(
    'WARN',
    `${ctx.streamName}: the bulk export job ${head.exportId} for ${head.from} to ${head.to} cannot be used: ${why}. Creating it again, once${
      lost ? `; the ${lost.rows} rows of its file already read are not emitted again` : ''
    }.`,
  );
  const job = await createJob(ctx, source, head.from, head.to);
  recreated.add(head.from);
  head.exportId = job.exportId;
  if (lost) head.lost = [...(head.lost ?? []), lost];
  // The new job's file is a new snapshot of the window: read from its start unless it is the same file.
  delete head.offset;
  delete head.columns;
  delete head.checksum;
  delete head.progress;
  delete head.metered;
}

/** A new file with the checksum of a lost one is that file: it resumes where the lost read stopped, with a ranged download. */
function resumeSameFile(ctx: BulkContext, head: BulkWindowJob, job: BulkJob): void {
  const same = head.lost?.find((l) => l.mode === undefined && l.offset !== undefined && job.fileChecksum !== undefined && l.checksum === job.fileChecksum);
  if (!same) return;
  const { checksum: _checksum, offset, columns, mode: _mode, ...progress } = same;
  head.offset = offset;
  head.columns = columns;
  head.progress = progress;
  head.lost = head.lost?.filter((l) => l !== same);
  ctx.log(
    'INFO',
    `${ctx.streamName}: the new export of ${head.from} to ${head.to} is the same file as the lost one (same checksum): reading it from byte ${offset}, after the ${same.rows} rows already read.`,
  );
}

/** The file's first rows were not the lost read's: read it again from its start, leaving out what the lost read covered by position, or warn. */
function readAgain(ctx: BulkContext, head: BulkWindowJob, lost: LostRead[]): void {
  for (const l of lost) {
    if (l.mode === 'none' && head.lost?.find((h) => h.keysHash === l.keysHash)?.mode !== 'none') {
      ctx.log(
        'WARN',
        `${ctx.streamName}: the new export of ${head.from} to ${head.to} does not start with the ${l.rows} rows the lost file had given, and those were not in date order, so they cannot be told apart: up to ${l.rows} records may come twice (deduplicating on the primary key removes them).`,
      );
    } else if (l.mode === 'position' && head.lost?.find((h) => h.keysHash === l.keysHash)?.mode === undefined) {
      ctx.log(
        'INFO',
        `${ctx.streamName}: the new export of ${head.from} to ${head.to} does not start with the ${l.rows} rows the lost file had given (the window changed since): reading it again, leaving out the rows at or before the last one read, except rows stored since.`,
      );
    }
  }
  head.lost = lost.filter((l) => l.mode !== 'none');
  delete head.offset;
  delete head.columns;
  delete head.progress;
}
