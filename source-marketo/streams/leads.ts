import { Activity, Lead, LeadField } from '../../marketo/endpoints';
import { MAX_FILTER_VALUES, MERGE_LEADS_TYPE_ID, NEW_LEAD_TYPE_ID } from '../../marketo/constants';
import { MarketoError } from '../../marketo/errors';
import { JsonSchema, SyncMode } from '../../protocol/types';
import { secondOf, toMarketoSecond } from '../dates';
import { ActivityCursor } from './activity-cursor';
import { buildConverters, buildLeadSchema, CDC_DELETED_AT } from './lead-schema';
import { ReadContext, SourceStream, StreamContext, StreamEvent } from './stream';
import { mergeAsync, walkActivities } from './walk';
import { madeByIgnoredApiUser } from './echo-filter';
import { LiveFieldList } from './vanishing-fields';

const CHANGES = 'lead_changes';
const MERGES = 'merge_leads';
const DELETES = 'deleted_leads';
/** The walks start this long before the full scan began, so no change made while it ran slips between the two. */
const SCAN_OVERLAP_SECONDS = 60;
/** Where to look for the newest New Lead activity (and so the highest lead id), nearest first. */
const MAX_ID_PROBE_DAYS = [1, 7, 31, 366, 3660];
const EPOCH = '1970-01-01T00:00:00Z';
/** Ranges of 300 ids read past the last lead found before the full read ends (2 calls). */
const EMPTY_RANGES_PAST_MAX = 2;

interface ScanState {
  startedAt: string;
  nextId: number;
  maxId: number;
}

/**
 * State of `leads`. `updatedAt` is the newest `updatedAt` emitted (Airbyte's cursor); `scan` is the
 * position of a full read under way; `partitions` are the cursors of the change walks (lead
 * changes, merges, deletions); `pendingLeadIds` the changed leads queued but not fetched yet.
 */
export interface LeadsState {
  updatedAt: string;
  scan?: ScanState;
  activityDate?: string;
  partitions?: Record<string, { activityDate: string; marketoGUIDs: string[] }>;
  pendingLeadIds?: number[];
}

/**
 * Full lead rows. The first sync reads every lead by id ranges (300 ids a call, in parallel);
 * later syncs follow Marketo's recommendation: collect the ids of leads created, changed or merged
 * since the cursor from activities, and fetch them 300 at a time. Deleted and merged-away leads
 * come as tombstones with `_ab_cdc_deleted_at`.
 */
export class LeadsStream implements SourceStream {
  readonly name = 'leads';
  readonly primaryKey = [['id']];
  readonly cursorField = ['updatedAt'];
  readonly syncModes: SyncMode[] = ['full_refresh', 'incremental'];

  async schema(ctx: StreamContext): Promise<JsonSchema> {
    return buildLeadSchema(await ctx.metadata.leadFields(), await companyFieldNames(ctx));
  }

  async *read(ctx: ReadContext, rawState: Record<string, unknown> | undefined): AsyncGenerator<StreamEvent> {
    const describe = await ctx.metadata.leadFields();
    const fields = requestedFields(ctx, describe);
    const converters = buildConverters(describe);
    const state = parseState(ctx.syncMode === 'incremental' ? rawState : undefined);
    const fetcher = new LeadFetcher(ctx, fields, converters);
    let walkFrom: string | undefined;

    if (ctx.syncMode === 'full_refresh' || state.scan || (!state.partitions && !state.activityDate && !state.updatedAtGiven)) {
      const scan = state.scan ?? { startedAt: secondOf(Date.now()), nextId: 1, maxId: Math.max(await findMaxLeadId(ctx), EMPTY_RANGES_PAST_MAX * MAX_FILTER_VALUES) };
      ctx.log('INFO', `leads: full read of lead ids ${scan.nextId} to ${scan.maxId} (${Math.ceil(Math.max(0, scan.maxId - scan.nextId + 1) / MAX_FILTER_VALUES)} calls).`);
      yield { estimate: Math.max(0, scan.maxId - scan.nextId + 1) }; // ids are dense but for deletions
      for await (const records of fetcher.scan(scan)) {
        if (records.length > 0) yield { records };
        yield { state: { updatedAt: fetcher.maxUpdatedAt(state.updatedAt), scan: { ...scan } } };
      }
      walkFrom = secondOf(Date.parse(scan.startedAt) - SCAN_OVERLAP_SECONDS * 1000);
      if (ctx.syncMode === 'full_refresh') {
        yield { state: { updatedAt: fetcher.maxUpdatedAt(state.updatedAt) } };
        return;
      }
    }

    // The walks' own cursors when the state has them; else where the full read began; else (a
    // legacy state) the updatedAt cursor. Every walk gets a cursor, none walks from the epoch.
    const from = walkFrom ?? state.activityDate ?? state.updatedAt;
    const cursor = new ActivityCursor(walkFrom !== undefined ? { activityDate: walkFrom } : { activityDate: from, partitions: state.partitions ?? {} }, EPOCH).windowFrom(from, [
      CHANGES,
      MERGES,
      DELETES,
    ]);
    const queue = new Set<number>(state.pendingLeadIds);
    const types = await ctx.metadata.activityTypes();
    const mergeTypeId = types.find((t) => t.name === 'Merge Leads')?.id ?? MERGE_LEADS_TYPE_ID;
    const changeFields = new LiveFieldList(fields.filter((f) => f !== 'id'), this.name, ctx.log, fetcher.fieldsGone);
    const walks = [
      { keys: [CHANGES], fetchPage: (t: string) => changeFields.call((names) => ctx.endpoints.getLeadChanges(t, names)) },
      { keys: [MERGES], fetchPage: (t: string) => ctx.endpoints.getLeadActivities(t, [mergeTypeId]) },
      { keys: [DELETES], fetchPage: (t: string) => ctx.endpoints.getDeletedLeads(t) },
    ];
    const getToken = (since: string) => ctx.endpoints.getPagingToken(since);
    const checkpoint = () => ({
      state: { ...cursor.toState(), updatedAt: fetcher.maxUpdatedAt(state.updatedAt), pendingLeadIds: [...queue] } as unknown as Record<string, unknown>,
    });

    const lastSeen = new Map<string, string>();
    for await (const page of mergeAsync(walks.map((w) => walkActivities(w, cursor.startOf(w.keys), getToken)))) {
      const key = page.walk.keys[0];
      const tombstones: Record<string, unknown>[] = [];
      let accepted = 0;
      for (const activity of page.activities) {
        const date = typeof activity.activityDate === 'string' ? toMarketoSecond(activity.activityDate) : undefined;
        if (date && (!lastSeen.has(key) || date > lastSeen.get(key)!)) lastSeen.set(key, date);
        if (!date || typeof activity.marketoGUID !== 'string') continue;
        if (key === MERGES && activity.activityTypeId !== mergeTypeId) continue;
        if (!cursor.accept(key, date, activity.marketoGUID)) continue;
        accepted++;
        if (key === CHANGES) {
          // A change our own destination wrote is already in the warehouse: no need to read the lead back.
          if (!madeByIgnoredApiUser(activity, ctx.config.ignoreChangesByApiUsers)) queue.add(activity.leadId);
        } else if (key === MERGES) {
          queue.add(activity.leadId);
          for (const loser of mergedIds(activity)) {
            queue.delete(loser);
            tombstones.push({ id: loser, [CDC_DELETED_AT]: date });
          }
        } else {
          queue.delete(activity.leadId);
          tombstones.push({ id: activity.leadId, [CDC_DELETED_AT]: date });
        }
      }
      if (ctx.config.emitLeadTombstones && tombstones.length > 0) yield { records: tombstones };
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

/** Fetches leads by id with the requested fields, converting values to the declared types. */
class LeadFetcher {
  private newestUpdatedAt: string | undefined;
  private readonly fields: LiveFieldList;
  readonly fieldsGone = new Set<string>();

  constructor(
    private readonly ctx: ReadContext,
    fields: string[],
    private readonly converters: Map<string, (value: unknown) => unknown>,
  ) {
    this.fields = new LiveFieldList(fields, 'leads', ctx.log, this.fieldsGone);
  }

  maxUpdatedAt(previous: string): string {
    return this.newestUpdatedAt && this.newestUpdatedAt > previous ? this.newestUpdatedAt : previous;
  }

  async fetch(ids: number[]): Promise<Record<string, unknown>[]> {
    const leads = await this.fields.call((names) => this.ctx.endpoints.getLeadsByIds(ids, names));
    return leads.map((lead) => this.toRecord(lead));
  }

  /** Reads id ranges [nextId, maxId] with up to max_concurrent_calls ranges in flight, yielding them in order. */
  async *scan(scan: ScanState): AsyncGenerator<Record<string, unknown>[]> {
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
      const rangeEnd = scan.nextId + MAX_FILTER_VALUES - 1;
      // The highest id comes from the newest New Lead activity, which a lead imported long ago may
      // lack: keep reading past it until EMPTY_RANGES_PAST_MAX ranges in a row hold no lead.
      const tail = EMPTY_RANGES_PAST_MAX * MAX_FILTER_VALUES;
      if (records.length > 0 && rangeEnd + tail > scan.maxId) scan.maxId = rangeEnd + tail;
      scan.nextId = rangeEnd + 1;
      yield records;
    }
  }

  private toRecord(lead: Lead): Record<string, unknown> {
    const record: Record<string, unknown> = {};
    for (const field of this.fields.fields) {
      const convert = this.converters.get(field);
      const value = lead[field];
      record[field] = convert ? convert(value) : value ?? null;
    }
    const updatedAt = record.updatedAt;
    if (typeof updatedAt === 'string') {
      const second = toMarketoSecond(updatedAt);
      if (second && (!this.newestUpdatedAt || second > this.newestUpdatedAt)) this.newestUpdatedAt = second;
    }
    return record;
  }
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
  const parts = Array.isArray(value) ? value : typeof value === 'string' ? value.replace(/[[\]]/g, ' ').trim().split(/[,\s]+/) : value === undefined || value === null ? [] : [value];
  return parts.map(Number).filter((id) => Number.isInteger(id) && id > 0 && id !== activity.leadId);
}

/** Selected columns that still exist in Describe Lead, plus id and updatedAt; selected ones that vanished are reported, never fatal. */
function requestedFields(ctx: ReadContext, describe: LeadField[]): string[] {
  const existing = describe.map((f) => f.rest!.name);
  if (!ctx.selectedFields) return existing;
  const known = new Set(existing);
  const wanted = ctx.selectedFields.filter((f) => f !== CDC_DELETED_AT);
  const vanished = wanted.filter((f) => !known.has(f));
  if (vanished.length > 0) {
    ctx.log('WARN', `leads: these selected fields no longer exist in Marketo (hidden or deleted) and are left out of this sync: ${vanished.join(', ')}. Refresh the source schema to drop them.`);
  }
  return [...new Set(['id', 'updatedAt', ...wanted.filter((f) => known.has(f))])].filter((f) => known.has(f) || f === 'id');
}

/** Describe Company names the lead fields that belong to the linked company; without the permission, nothing is marked. */
async function companyFieldNames(ctx: StreamContext): Promise<Set<string>> {
  try {
    const company = await ctx.endpoints.describeCompany();
    return new Set((company?.fields ?? []).map((f) => f.name));
  } catch (err) {
    if (!(err instanceof MarketoError)) throw err;
    ctx.log('INFO', `leads: Describe Company failed (${err.message}); company fields are not marked in the schema.`);
    return new Set();
  }
}

/** The highest lead id: from the newest New Lead activity, looking back further until one is found. */
async function findMaxLeadId(ctx: ReadContext): Promise<number> {
  const types = await ctx.metadata.activityTypes();
  const newLeadTypeId = types.find((t) => t.name === 'New Lead')?.id ?? NEW_LEAD_TYPE_ID;
  for (const days of MAX_ID_PROBE_DAYS) {
    const since = secondOf(Date.now() - days * 86_400_000);
    let maxId = 0;
    const walk = { keys: ['new_lead'], fetchPage: (t: string) => ctx.endpoints.getLeadActivities(t, [newLeadTypeId]) };
    for await (const page of walkActivities(walk, since, (s) => ctx.endpoints.getPagingToken(s))) {
      for (const activity of page.activities) if (activity.leadId > maxId) maxId = activity.leadId;
    }
    if (maxId > 0) return maxId;
  }
  return 0;
}

function parseState(raw: Record<string, unknown> | undefined): LeadsState & { updatedAtGiven: boolean } {
  const updatedAt = typeof raw?.updatedAt === 'string' ? toMarketoSecond(raw.updatedAt) : undefined;
  const state: LeadsState & { updatedAtGiven: boolean } = { updatedAt: updatedAt ?? EPOCH, updatedAtGiven: updatedAt !== undefined };
  const scan = raw?.scan as Partial<ScanState> | undefined;
  if (scan && typeof scan.startedAt === 'string' && Number.isInteger(scan.nextId) && Number.isInteger(scan.maxId)) {
    state.scan = { startedAt: scan.startedAt, nextId: scan.nextId!, maxId: scan.maxId! };
  }
  if (raw?.partitions && typeof raw.partitions === 'object') state.partitions = raw.partitions as LeadsState['partitions'];
  if (typeof raw?.activityDate === 'string') state.activityDate = toMarketoSecond(raw.activityDate);
  if (Array.isArray(raw?.pendingLeadIds)) state.pendingLeadIds = (raw!.pendingLeadIds as unknown[]).map(Number).filter(Number.isInteger);
  return state;
}
