import { Activity, LeadField } from '../../marketo/endpoints';
import { COMPANY_LINK_FIELD, MAX_FILTER_VALUES } from '../../marketo/constants';
import { companyFieldsOnLeads } from '../../marketo/company-fields';
import { MarketoError } from '../../marketo/errors';
import { JsonSchema, SyncMode } from '../../protocol/types';
import { addSeconds, secondOf, toMarketoSecond } from '../dates';
import { ActivityCursor, PartitionCursor } from './activity-cursor';
import { buildConverters, buildLeadSchema, CDC_DELETED_AT } from './lead-schema';
import { SourceConfig } from '../config';
import { ReadContext, SourceStream, StreamContext, StreamEvent } from './stream';
import { mergeAsync, walkActivities } from './walk';
import { activityDateOf, EstimateReports, LatestDates } from './walk-progress';
import { madeByIgnoredApiUser } from './echo-filter';
import { LiveFieldList } from './vanishing-fields';
import { LiveIdEstimate, probeHighestLeadId } from './lead-id-probe';
import { BulkRow } from '../../marketo/bulk-file';
import { BulkLeadsState, parseBulkLeadsState, planBulkLeads, readBulkLeads } from './bulk-leads';
import { BulkFilterUnsupportedError } from '../../marketo/errors';
import { BulkContext } from './bulk-backfill';
import { cursorAfterCatchUp, planLeadsCatchUp, StartedPage } from './leads-catch-up';
import { DELETED_LEADS_WALK, LEAD_CHANGES_WALK, LEAD_FIELD_ACTIVITIES_WALK, LEAD_MIRROR_WALK_KEYS, leadMirrorWalks, LeadMirrorWalk } from './lead-walks';

/**
 * Marketo writes some lead changes after the moment they are dated (a batch campaign's steps, a
 * CRM sync; https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/activities
 * pages them by activity date): every walk re-reads this long before its cursor, and after a full
 * read starts this long before the read began. The state remembers the GUIDs read in that window,
 * so nothing is fetched twice.
 */
const LATE_COMMIT_SECONDS = 600;
const EPOCH = '1970-01-01T00:00:00Z';
/** Ranges of 300 ids read past the last lead found before the full read ends (2 calls). */
const EMPTY_RANGES_PAST_MAX = 2;
const DAY_MS = 86_400_000;

interface ScanState {
  startedAt: string;
  nextId: number;
  maxId: number;
  /**
   * A re-scan after the walks' history was pruned: ids up to this one that Marketo no longer
   * holds get a tombstone, since their deletion may be gone from Get Deleted Leads.
   */
  tombstonesUpTo?: number;
  /** The share of the ids left to read that hold a lead, as the probe estimated it: for the progress a resumed read reports. */
  liveShare?: number;
}

/**
 * State of `leads`. `updatedAt` is the newest `updatedAt` emitted (Airbyte's cursor); `scan` is the
 * position of a full read under way; `partitions` are the cursors of the change walks (lead
 * changes, field-changing activities, deletions); `pendingLeadIds` the changed leads queued but
 * not fetched yet; `highestId` the highest lead id ever emitted; `bulk` the bulk lead exports of a
 * full read under way.
 */
export interface LeadsState {
  updatedAt: string;
  scan?: ScanState;
  activityDate?: string;
  partitions?: Record<string, PartitionCursor>;
  pendingLeadIds?: number[];
  highestId?: number;
  bulk?: BulkLeadsState;
  /**
   * After a catch-up through bulk lead exports: the field-activities walk, which goes on from its
   * saved cursor for merges, queues no lead for activities before this second (the export had them).
   */
  caughtUpFrom?: string;
}

/**
 * Full lead rows. The first sync reads every lead by id ranges (300 ids a call, in parallel);
 * later syncs follow Marketo's recommendation: collect the ids of leads created, changed, scored,
 * moved or merged since the cursor from activities, and fetch them 300 at a time. Deleted and
 * merged-away leads come as tombstones with `_ab_cdc_deleted_at` and `updatedAt` = the deletion
 * time. A state older than Marketo keeps those activities leads to a re-scan.
 */
export class LeadsStream implements SourceStream<LeadsState> {
  readonly name = 'leads';
  readonly primaryKey = [['id']];
  readonly cursorField = ['updatedAt'];
  readonly syncModes: SyncMode[] = ['full_refresh', 'incremental'];

  lookbackSeconds(config: SourceConfig): number {
    return Math.max(LATE_COMMIT_SECONDS, config.lookbackSeconds);
  }

  async schema(ctx: StreamContext): Promise<JsonSchema> {
    return buildLeadSchema(await ctx.metadata.leadFields(), await companyFieldNames(ctx));
  }

  /**
   * A read runs up to three phases, each resumable from the state: a full read through bulk lead
   * exports (readByBulk), or by id ranges through Get Leads (readByScan), then the change walks
   * (readChanges). A first read, a full refresh or a state older than Marketo's retention starts
   * with a full read; an incremental state goes straight to the walks.
   */
  async *read(ctx: ReadContext, rawState: Record<string, unknown> | undefined): AsyncGenerator<StreamEvent<LeadsState>> {
    const describe = await ctx.metadata.leadFields();
    const fields = requestedFields(ctx, describe);
    const state = parseLeadsState(ctx.syncMode === 'incremental' ? rawState : undefined);
    const fetcher = new LeadFetcher(ctx, fields, buildConverters(describe), state.highestId ?? 0);
    const lookback = this.lookbackSeconds(ctx.config);
    const changeFields = new LiveFieldList(
      fields.filter((f) => f !== 'id'),
      this.name,
      ctx.log,
      fetcher.fieldsGone,
    );
    const mirror = await leadMirrorWalks(ctx, changeFields);
    const walkState = walkCursors(state);

    const firstRead = ctx.syncMode === 'full_refresh' || (!state.scan && !walkState);
    const stale = !firstRead && !state.scan && walkState ? prunedSince(walkState, mirror.walks, ctx.config.emitLeadTombstones) : [];
    // A full read through bulk lead exports: resumed from the state, or planned for a first read.
    let bulk = ctx.syncMode === 'incremental' ? parseBulkLeadsState(rawState?.bulk) : undefined;
    let probed: Probed | undefined;
    if (!bulk && firstRead && !state.scan && ctx.config.extractionMethod !== 'rest' && ctx.bulk) {
      probed = await probe(ctx);
      bulk = await planBulkLeads(ctx, probed.highestId, () => oldestLeadAt(ctx));
      if (bulk) yield { estimate: Math.round(probed.live.between(1, probed.highestId)) };
      if (bulk)
        ctx.log(
          'INFO',
          `leads: full read through bulk lead exports, windows from ${bulk.next} to ${bulk.until} (instead of about ${Math.ceil(probed.highestId / MAX_FILTER_VALUES) + EMPTY_RANGES_PAST_MAX} Get Leads calls), then the change walks.`,
        );
    }
    // A catch-up's state holds the walks' cursors: without them, or once they are older than Marketo
    // keeps what the walks read (a catch-up left for weeks), every lead is read again instead.
    if (bulk?.catchUp && (!walkState || stale.length > 0)) bulk = undefined;
    // An incremental sync far behind catches up through bulk lead exports on updatedAt (leads-catch-up.ts);
    // not while the walks of an earlier catch-up are still under way.
    let firstPages = new Map<string, StartedPage>();
    if (!bulk && !firstRead && !state.scan && stale.length === 0 && walkState && state.caughtUpFrom === undefined) {
      const plan = await planLeadsCatchUp(ctx, mirror.walks, incrementalCursor(walkState, lookback), lookback, {
        highestId: state.highestId ?? 0,
        fields: fetcher.fieldNames.length,
      });
      firstPages = plan.firstPages;
      bulk = plan.bulk;
      // The leads the catch-up expects to export, as the first full read reports its own.
      if (bulk?.estimatedBytes !== undefined && bulk.estimatedRecords !== undefined) yield { estimate: bulk.estimatedRecords };
    }
    // When a full read began: the walks start a look-back before it. A catch-up: where its export ended.
    let fullReadFrom: string | undefined;
    let exportedTo: string | undefined;
    if (bulk?.catchUp) exportedTo = yield* this.readCatchUp(ctx, fetcher, state, bulk, walkState!);
    else if (bulk) fullReadFrom = yield* this.readByBulk(ctx, fetcher, state, bulk);
    else if (firstRead || state.scan || stale.length > 0) fullReadFrom = yield* this.readByScan(ctx, fetcher, state, stale, probed);
    if (fullReadFrom !== undefined && ctx.syncMode === 'full_refresh') {
      yield { state: { updatedAt: fetcher.maxUpdatedAt(state.updatedAt), highestId: fetcher.highestId } };
      return;
    }
    // After a full read the walks start a little before it began; else from their own cursors
    // (or, for a legacy state, the updatedAt cursor), a look-back earlier. None walks from the epoch.
    const cursor =
      fullReadFrom !== undefined
        ? new ActivityCursor(undefined, addSeconds(fullReadFrom, -lookback), lookback)
        : exportedTo !== undefined
          ? cursorAfterCatchUp(walkState!, exportedTo, lookback)
          : incrementalCursor(walkState!, lookback);
    const queueFrom = exportedTo !== undefined ? addSeconds(exportedTo, -lookback) : fullReadFrom === undefined ? state.caughtUpFrom : undefined;
    yield* this.readChanges(ctx, fetcher, state, mirror, cursor, firstPages, queueFrom);
  }

  /**
   * The catch-up of an incremental sync through bulk lead exports on updatedAt: every lead changed
   * since the walks' cursor (a look-back earlier). The state keeps the walks' saved cursors beside
   * the jobs, so a killed sync resumes the jobs and then walks deletions and merges from there.
   * Returns up to when the export holds every changed lead, or undefined on 1035 (no updatedAt
   * filter: createdAt finds only new leads, so the change walks do the catch-up, with a WARN).
   */
  private async *readCatchUp(
    ctx: ReadContext,
    fetcher: LeadFetcher,
    state: ParsedState,
    bulk: BulkLeadsState,
    saved: { activityDate: string; partitions: Record<string, PartitionCursor> },
  ): AsyncGenerator<StreamEvent<LeadsState>, string | undefined> {
    const held: Partial<LeadsState> = { activityDate: saved.activityDate, partitions: saved.partitions };
    if (state.pendingLeadIds && state.pendingLeadIds.length > 0) held.pendingLeadIds = state.pendingLeadIds;
    try {
      for await (const page of readBulkLeads(this.bulkContext(ctx, fetcher), bulk, (row) => fetcher.fromFile(row))) {
        if (page.records.length > 0) yield { records: page.records };
        yield { state: { ...held, updatedAt: fetcher.maxUpdatedAt(state.updatedAt), bulk: page.state, highestId: fetcher.highestId } };
      }
    } catch (err) {
      if (!(err instanceof BulkFilterUnsupportedError)) throw err;
      const days = ((Date.parse(bulk.startedAt) - Date.parse(bulk.next)) / DAY_MS).toFixed(1);
      ctx.log(
        'WARN',
        `leads: this subscription does not offer the bulk lead extract's updatedAt filter (${err.message}), so the catch-up of ${days} days since ${bulk.next} goes through the change walks (Get Lead Changes and Get Lead Activities, then Get Leads) instead, which find only the changes an activity records. Marketo support can enable the updatedAt filter for the subscription.`,
      );
      return undefined;
    }
    // Handed over to REST early (the export allowance left today): the walks start where the export stopped.
    return bulk.until < bulk.startedAt ? bulk.until : bulk.startedAt;
  }

  private bulkContext(ctx: ReadContext, fetcher: LeadFetcher): BulkContext & { fields: string[] } {
    return {
      bulk: ctx.bulk!,
      method: ctx.config.extractionMethod,
      meter: ctx.exportMeter!,
      callsLeft: ctx.callsLeft ?? (() => undefined),
      log: ctx.log,
      streamName: this.name,
      fields: fetcher.fieldNames,
    };
  }

  /** The full read through bulk lead exports; returns when it began. */
  private async *readByBulk(ctx: ReadContext, fetcher: LeadFetcher, state: ParsedState, bulk: BulkLeadsState): AsyncGenerator<StreamEvent<LeadsState>, string> {
    for await (const page of readBulkLeads(this.bulkContext(ctx, fetcher), bulk, (row) => fetcher.fromFile(row))) {
      if (page.records.length > 0) yield { records: page.records };
      yield { state: { updatedAt: fetcher.maxUpdatedAt(state.updatedAt), bulk: page.state, highestId: fetcher.highestId } };
    }
    return bulk.startedAt;
  }

  /** The full read by id ranges (a re-scan with tombstones when `stale` walks lost history); returns when it began. */
  private async *readByScan(
    ctx: ReadContext,
    fetcher: LeadFetcher,
    state: ParsedState,
    stale: Array<{ walk: LeadMirrorWalk; since: string }>,
    probed: Probed | undefined,
  ): AsyncGenerator<StreamEvent<LeadsState>, string> {
    const tombstones = ctx.config.emitLeadTombstones;
    probed ??= state.scan ? undefined : await probe(ctx);
    const scan = state.scan ?? startScan(ctx, fetcher, state, stale, probed!);
    if (state.scan)
      ctx.log(
        'INFO',
        `leads: resuming the full read at lead id ${scan.nextId} of ${scan.maxId} (${Math.ceil(Math.max(0, scan.maxId - scan.nextId + 1) / MAX_FILTER_VALUES)} calls).`,
      );
    // Progress: the leads read so far and those the probe's sample puts ahead (a tombstone for every missing id in a re-scan).
    const live = probed?.live;
    const ahead = (): number => {
      const ids = Math.max(0, scan.maxId - scan.nextId + 1);
      if (tombstones && scan.tombstonesUpTo) return ids;
      return live ? live.between(scan.nextId, scan.maxId) : ids * (scan.liveShare ?? 1);
    };
    let emitted = 0;
    const estimates = new EstimateReports(MAX_FILTER_VALUES);
    yield { estimate: estimates.first(Math.round(ahead())) };
    for await (const range of fetcher.scan(scan)) {
      const records = range.records;
      if (tombstones && scan.tombstonesUpTo) records.push(...fetcher.missing(range, scan.tombstonesUpTo, scan.startedAt));
      if (records.length > 0) yield { records };
      emitted += records.length;
      const estimate = estimates.next(Math.round(emitted + ahead()));
      if (estimate !== undefined) yield { estimate };
      yield { state: { updatedAt: fetcher.maxUpdatedAt(state.updatedAt), scan: { ...scan }, highestId: fetcher.highestId } };
    }
    return scan.startedAt;
  }

  /**
   * The change walks from `cursor`: leads created, changed or moved are queued and fetched 300 at
   * a time; deleted and merged-away ones come as tombstones. A STATE after every page that moved a cursor.
   * `firstPages` are walks' first pages read ahead (by the catch-up planner); before `queueFrom`,
   * the field-activities walk only finds merges (a catch-up's export holds the changed leads).
   */
  private async *readChanges(
    ctx: ReadContext,
    fetcher: LeadFetcher,
    state: ParsedState,
    mirror: Awaited<ReturnType<typeof leadMirrorWalks>>,
    cursor: ActivityCursor,
    firstPages: Map<string, StartedPage>,
    queueFrom: string | undefined,
  ): AsyncGenerator<StreamEvent<LeadsState>> {
    const lookback = this.lookbackSeconds(ctx.config);
    const queue = new Set<number>(state.pendingLeadIds);
    const checkpoint = (): { state: LeadsState } => {
      const walks = cursor.toState();
      const fieldWalkAt = walks.partitions[LEAD_FIELD_ACTIVITIES_WALK]?.activityDate;
      const saved: LeadsState = { ...walks, updatedAt: fetcher.maxUpdatedAt(state.updatedAt), pendingLeadIds: [...queue], highestId: fetcher.highestId };
      if (queueFrom !== undefined && (fieldWalkAt === undefined || fieldWalkAt < queueFrom)) saved.caughtUpFrom = queueFrom;
      return { state: saved };
    };
    const getToken = (since: string) => ctx.endpoints.getPagingToken(since);

    const lastSeen = new LatestDates<string>();
    for await (const page of mergeAsync(
      mirror.walks.map((w) => {
        const since = cursor.alignedStartOf(w.keys, ctx.alignedLookbackSeconds ?? lookback);
        const first = firstPages.get(w.keys[0]);
        return walkActivities(w, since, getToken, undefined, undefined, first?.since === since ? first : undefined);
      }),
    )) {
      const key = page.walk.keys[0];
      const gone: Record<string, unknown>[] = [];
      let accepted = 0;
      for (const activity of page.activities) {
        const date = activityDateOf(activity);
        if (date) lastSeen.note(key, date);
        if (!date || typeof activity.marketoGUID !== 'string') continue;
        if (key === LEAD_FIELD_ACTIVITIES_WALK && !mirror.fieldActivityTypeIds.has(activity.activityTypeId)) continue;
        if (!cursor.accept(key, date, activity.marketoGUID)) continue;
        accepted++;
        if (key === LEAD_CHANGES_WALK) {
          // A change our own destination wrote is already in the warehouse: no need to read the lead back.
          if (!madeByIgnoredApiUser(activity, ctx.config.ignoreChangesByApiUsers)) queue.add(activity.leadId);
        } else if (key === LEAD_FIELD_ACTIVITIES_WALK) {
          // A merge's winner is read again whenever it merged: merges are rare, and the winner's values changed.
          if (queueFrom === undefined || date >= queueFrom || activity.activityTypeId === mirror.mergeTypeId) queue.add(activity.leadId);
          if (activity.activityTypeId !== mirror.mergeTypeId) continue;
          for (const loser of mergedIds(activity)) {
            queue.delete(loser);
            gone.push(fetcher.tombstone(loser, date));
          }
        } else {
          queue.delete(activity.leadId);
          gone.push(fetcher.tombstone(activity.leadId, date));
        }
      }
      if (ctx.config.emitLeadTombstones && gone.length > 0) yield { records: gone };
      // Fetch only full batches of 300 while changes keep coming: the fewest calls per lead.
      while (queue.size >= MAX_FILTER_VALUES) {
        const records = await fetcher.fetch(take(queue, MAX_FILTER_VALUES));
        if (records.length > 0) yield { records };
      }
      if (page.done) cursor.completeWalk(page.walk.keys, lastSeen.get(key));
      if (accepted > 0 || page.done) yield checkpoint();
    }
    while (queue.size > 0) {
      const records = await fetcher.fetch(take(queue, MAX_FILTER_VALUES));
      if (records.length > 0) yield { records };
    }
    yield checkpoint();
  }
}

/** The walks' cursors of an incremental state (a legacy one holds only `updatedAt`), or undefined before any sync. */
function walkCursors(state: ParsedState): { activityDate: string; partitions: Record<string, PartitionCursor> } | undefined {
  const partitions = Object.fromEntries(Object.entries(state.partitions ?? {}).filter(([key]) => LEAD_MIRROR_WALK_KEYS.includes(key)));
  const dates = Object.values(partitions).map((p) => p.activityDate);
  const activityDate =
    dates.length > 0 ? dates.reduce((a, b) => (a < b ? a : b)) : (state.activityDate ?? (state.updatedAtGiven ? state.updatedAt : undefined));
  return activityDate === undefined ? undefined : { activityDate, partitions };
}

/** The walks' cursor of an incremental state, a look-back before the oldest of them. */
function incrementalCursor(walkState: { activityDate: string; partitions: Record<string, PartitionCursor> }, lookback: number): ActivityCursor {
  return new ActivityCursor(walkState, addSeconds(walkState.activityDate, -lookback), lookback);
}

/** The walks whose cursor is older than Marketo keeps what they read (deletions count only with tombstones on). */
function prunedSince(
  cursors: { activityDate: string; partitions: Record<string, PartitionCursor> },
  walks: LeadMirrorWalk[],
  tombstones: boolean,
): Array<{ walk: LeadMirrorWalk; since: string }> {
  return walks.flatMap((walk) => {
    if (walk.keys[0] === DELETED_LEADS_WALK && !tombstones) return [];
    const since = cursors.partitions[walk.keys[0]]?.activityDate ?? cursors.activityDate;
    return Date.now() - Date.parse(since) > walk.retentionDays * DAY_MS ? [{ walk, since }] : [];
  });
}

/** A new full read: finds the highest lead id and says what the read will cost (and why, for a re-scan). */
type Probed = Awaited<ReturnType<typeof probeHighestLeadId>> & { live: LiveIdEstimate };

async function probe(ctx: ReadContext): Promise<Probed> {
  const seen = new Map<number, boolean>();
  const found = await probeHighestLeadId(async (ids) => (await ctx.endpoints.getLeadsByIds(ids, ['id'])).map((lead) => Number(lead.id)), seen);
  return { ...found, live: new LiveIdEstimate(seen, found.highestId) };
}

/** When the oldest leads were created: the first id range tells (ids only grow), in one call. */
async function oldestLeadAt(ctx: ReadContext): Promise<string | undefined> {
  const ids = Array.from({ length: MAX_FILTER_VALUES }, (_, i) => i + 1);
  const dates = (await ctx.endpoints.getLeadsByIds(ids, ['id', 'createdAt'])).flatMap((l) =>
    typeof l.createdAt === 'string' ? [toMarketoSecond(l.createdAt)] : [],
  );
  return dates.filter((d): d is string => d !== undefined).sort()[0];
}

function startScan(
  ctx: ReadContext,
  fetcher: LeadFetcher,
  state: ParsedState,
  stale: Array<{ walk: LeadMirrorWalk; since: string }>,
  probe: Probed,
): ScanState {
  const startedAt = secondOf(Date.now());
  const known = Math.max(probe.highestId, state.highestId ?? 0);
  const scan: ScanState = { startedAt, nextId: 1, maxId: Math.max(known, EMPTY_RANGES_PAST_MAX * MAX_FILTER_VALUES) };
  scan.liveShare = Number((probe.live.between(1, scan.maxId) / scan.maxId).toFixed(4));
  // Every range up to the highest id, then the empty ones that confirm nothing lies past it.
  const calls = Math.ceil(known / MAX_FILTER_VALUES) + EMPTY_RANGES_PAST_MAX;
  const cost = `about ${calls} Get Leads calls for ids 1 to ${known} and past it, after ${probe.calls} to find the highest lead id (${probe.highestId})`;
  if (stale.length === 0) {
    ctx.log('INFO', `leads: full read of every lead: ${cost}.`);
    return scan;
  }
  scan.tombstonesUpTo = known;
  const what = stale.map(({ walk, since }) => `${walk.reads} since ${since} (Marketo keeps them ${walk.retentionDays} days)`).join('; ');
  ctx.log(
    'WARN',
    `leads: the saved state is older than Marketo's retention: ${what}. Some changes or deletions may be gone, so every lead is read again to keep the table exact, with a tombstone for each id up to ${known} that no longer exists: ${cost}. Sync more often than every ${Math.min(...stale.map((s) => s.walk.retentionDays))} days to avoid this.`,
  );
  fetcher.noteHighestId(known);
  return scan;
}

/** Fetches leads by id with the requested fields, converting values to the declared types. */
class LeadFetcher {
  private newestUpdatedAt: string | undefined;
  private readonly fields: LiveFieldList;
  readonly fieldsGone = new Set<string>();

  constructor(
    private readonly ctx: ReadContext,
    fields: string[],
    private readonly converters: Map<string, (value: unknown) => unknown>,
    /** The highest lead id emitted so far, in any sync. */
    public highestId: number,
  ) {
    this.fields = new LiveFieldList(fields, 'leads', ctx.log, this.fieldsGone);
  }

  noteHighestId(id: number): void {
    if (id > this.highestId) this.highestId = id;
  }

  /**
   * The row that deletes a lead: its id, and the deletion time both as `_ab_cdc_deleted_at` and as
   * the cursor `updatedAt`, so that deduplication by cursor picks it over the lead's last live row.
   */
  tombstone(id: number, deletedAt: string): Record<string, unknown> {
    this.noteUpdatedAt(deletedAt);
    return { id, updatedAt: deletedAt, [CDC_DELETED_AT]: deletedAt };
  }

  /** Tombstones for the ids of a scanned range (up to `upTo`) that Get Leads did not return. */
  missing(range: ScannedRange, upTo: number, deletedAt: string): Record<string, unknown>[] {
    const present = new Set(range.records.map((r) => r.id));
    const out: Record<string, unknown>[] = [];
    for (let id = range.firstId; id <= Math.min(range.lastId, upTo); id++) if (!present.has(id)) out.push(this.tombstone(id, deletedAt));
    return out;
  }

  private noteUpdatedAt(second: string): void {
    if (!this.newestUpdatedAt || second > this.newestUpdatedAt) this.newestUpdatedAt = second;
  }

  maxUpdatedAt(previous: string): string {
    return this.newestUpdatedAt && this.newestUpdatedAt > previous ? this.newestUpdatedAt : previous;
  }

  /** The fields requested now (less those Marketo hid since discover). */
  get fieldNames(): string[] {
    return this.fields.fields;
  }

  /** A row of a bulk lead export as the record Get Leads would have given (values typed the same way). */
  fromFile(row: BulkRow): Record<string, unknown> {
    return this.toRecord(row);
  }

  async fetch(ids: number[]): Promise<Record<string, unknown>[]> {
    const leads = await this.fields.call((names) => this.ctx.endpoints.getLeadsByIds(ids, names));
    return leads.map((lead) => this.toRecord(lead));
  }

  /** Reads id ranges [nextId, maxId] with up to max_concurrent_calls ranges in flight, yielding them in order. */
  async *scan(scan: ScanState): AsyncGenerator<ScannedRange> {
    const parallel = this.ctx.config.connection.maxConcurrentCalls;
    const inFlight: Array<Promise<Record<string, unknown>[]>> = [];
    let launchFrom = scan.nextId;
    while (launchFrom <= scan.maxId || inFlight.length > 0) {
      while (inFlight.length < parallel && launchFrom <= scan.maxId) {
        // Always whole ranges of 300: ids past the highest cost nothing in the same call.
        const ids = Array.from({ length: MAX_FILTER_VALUES }, (_, i) => launchFrom + i);
        const request = this.fetch(ids);
        request.catch(() => undefined); // awaited in order below; this only keeps an early failure from being "unhandled"
        inFlight.push(request);
        launchFrom += ids.length;
      }
      const records = await inFlight.shift()!;
      const firstId = scan.nextId;
      const rangeEnd = scan.nextId + MAX_FILTER_VALUES - 1;
      // The probe can pass over a lead beyond a long run of deleted ids: keep reading past the
      // highest id found until EMPTY_RANGES_PAST_MAX ranges in a row hold no lead.
      const tail = EMPTY_RANGES_PAST_MAX * MAX_FILTER_VALUES;
      if (records.length > 0 && rangeEnd + tail > scan.maxId) scan.maxId = rangeEnd + tail;
      scan.nextId = rangeEnd + 1;
      yield { firstId, lastId: rangeEnd, records };
    }
  }

  private toRecord(lead: Record<string, unknown>): Record<string, unknown> {
    const record: Record<string, unknown> = {};
    for (const field of this.fields.fields) {
      const convert = this.converters.get(field);
      const value = lead[field];
      record[field] = convert ? convert(value) : (value ?? null);
    }
    const updatedAt = record.updatedAt;
    if (typeof updatedAt === 'string') {
      const second = toMarketoSecond(updatedAt);
      if (second) this.noteUpdatedAt(second);
    }
    if (typeof record.id === 'number') this.noteHighestId(record.id);
    return record;
  }
}

/** One id range of a full read and the leads Get Leads returned for it. */
interface ScannedRange {
  firstId: number;
  lastId: number;
  records: Record<string, unknown>[];
}

function take(queue: Set<number>, n: number): number[] {
  const ids: number[] = [];
  for (const id of queue) {
    if (ids.length === n) break;
    ids.push(id);
  }
  for (const id of ids) queue.delete(id);
  return ids;
}

/** The loser ids of a Merge Leads activity; Marketo gives "Merge IDs" as a number, a list, or a comma-separated string. */
export function mergedIds(activity: Activity): number[] {
  const attribute = activity.attributes?.find((a) => a.name === 'Merge IDs' || a.name === 'Merge Ids' || a.apiName === 'mergeIds');
  const value = attribute?.value;
  const parts = Array.isArray(value)
    ? value
    : typeof value === 'string'
      ? value
          .replace(/[[\]]/g, ' ')
          .trim()
          .split(/[,\s]+/)
      : value === undefined || value === null
        ? []
        : [value];
  return parts.map(Number).filter((id) => Number.isInteger(id) && id > 0 && id !== activity.leadId);
}

/** The lead field that links a lead to its company (Describe Company's dedupe key). */

/** Selected columns that still exist in Describe Lead, plus id, updatedAt and externalCompanyId; selected ones that vanished are reported, never fatal. */
function requestedFields(ctx: ReadContext, describe: LeadField[]): string[] {
  const existing = describe.map((f) => f.rest!.name);
  if (!ctx.selectedFields) return existing;
  const known = new Set(existing);
  const wanted = ctx.selectedFields.filter((f) => f !== CDC_DELETED_AT);
  const vanished = wanted.filter((f) => !known.has(f));
  if (vanished.length > 0) {
    ctx.log(
      'WARN',
      `leads: these selected fields no longer exist in Marketo (hidden or deleted) and are left out of this sync: ${vanished.join(', ')}. Refresh the source schema to drop them.`,
    );
  }
  // externalCompanyId too: a linked lead's company columns come from its company, to be joined on it.
  return [...new Set(['id', 'updatedAt', COMPANY_LINK_FIELD, ...wanted.filter((f) => known.has(f))])].filter((f) => known.has(f) || f === 'id');
}

/** Describe Company names the lead fields that belong to the linked company; without the permission, nothing is marked. */
async function companyFieldNames(ctx: StreamContext): Promise<Set<string>> {
  try {
    const company = await ctx.endpoints.describeCompany();
    return companyFieldsOnLeads(company);
  } catch (err) {
    if (!(err instanceof MarketoError)) throw err;
    ctx.log('INFO', `leads: Describe Company failed (${err.message}); company fields are not marked in the schema.`);
    return new Set();
  }
}

/** A saved state of `leads` as read: what is usable of it; `updatedAtGiven` says whether the cursor came from the state or is the epoch. */
export type ParsedState = LeadsState & { updatedAtGiven: boolean };

/** Reads a `leads` state from the user's state file, keeping only the parts of the right shape (anything else starts over). */
export function parseLeadsState(raw: Record<string, unknown> | undefined): ParsedState {
  const updatedAt = typeof raw?.updatedAt === 'string' ? toMarketoSecond(raw.updatedAt) : undefined;
  const state: ParsedState = { updatedAt: updatedAt ?? EPOCH, updatedAtGiven: updatedAt !== undefined };
  const scan = raw?.scan as Partial<ScanState> | undefined;
  if (scan && typeof scan.startedAt === 'string' && Number.isInteger(scan.nextId) && Number.isInteger(scan.maxId)) {
    state.scan = { startedAt: scan.startedAt, nextId: scan.nextId!, maxId: scan.maxId! };
    if (Number.isInteger(scan.tombstonesUpTo)) state.scan.tombstonesUpTo = scan.tombstonesUpTo;
    if (typeof scan.liveShare === 'number' && scan.liveShare >= 0 && scan.liveShare <= 1) state.scan.liveShare = scan.liveShare;
  }
  if (Number.isInteger(raw?.highestId)) state.highestId = raw!.highestId as number;
  if (raw?.partitions && typeof raw.partitions === 'object') state.partitions = raw.partitions as LeadsState['partitions'];
  if (typeof raw?.activityDate === 'string') state.activityDate = toMarketoSecond(raw.activityDate);
  if (typeof raw?.caughtUpFrom === 'string') state.caughtUpFrom = toMarketoSecond(raw.caughtUpFrom);
  if (Array.isArray(raw?.pendingLeadIds)) state.pendingLeadIds = (raw.pendingLeadIds as unknown[]).map(Number).filter(Number.isInteger);
  return state;
}
