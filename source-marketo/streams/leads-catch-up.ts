import { MAX_BATCH_SIZE, MAX_FILTER_VALUES } from '../../marketo/constants';
import { ActivityPage } from '../../marketo/endpoints';
import { addSeconds, secondOf, toMarketoSecond } from '../dates';
import { BULK_CALLS_PER_WINDOW, BULK_MIN_SPAN_MS, bulkWindowsOver, CATCH_UP_RESTART_CALLS, chooseLeadsCatchUp } from '../extraction-planner';
import { ActivityCursor, PartitionCursor } from './activity-cursor';
import { newBulkState } from './bulk-backfill';
import { BulkLeadsState } from './bulk-leads';
import { HistoryModel } from './history-estimate';
import { DELETED_LEADS_WALK, LEAD_CHANGES_WALK, LEAD_FIELD_ACTIVITIES_WALK, LeadMirrorWalk } from './lead-walks';
import { ReadContext } from './stream';
import { FirstPage, readFirstPage } from './walk';

// An incremental `leads` sync whose change walks are far behind (a sync paused for days, or a
// first sync given an old state) catches up through Bulk Lead Extract on `updatedAt`: Marketo
// filters it on the time of the last change to any field, so one export over the pause holds every
// lead changed in it, also those changed in ways no activity records, for a handful of calls per
// 31-day window, where the REST walks page through every change since the cursor and then fetch
// the leads 300 at a time.
// https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/bulk-extract/bulk-lead-extract
//
// Only Get Lead Changes (New Lead and Change Data Value: most of what changes leads) is replaced:
// the walks of deletions (Get Deleted Leads) and of field-changing activities (Merge Leads among
// them, whose merged-away leads are gone from every export) still run from their saved cursors, so
// no tombstone is lost. Those two are cheap next to it: each call examines a block of stored
// activities of every type, so a walk of a few rare types costs about the blocks of the pause
// whatever types it asks for; a walk of Merge Leads alone would cost the same blocks and a fifth
// cursor. The field-activities walk queues no lead for what it finds before the export began: the
// export has them.

/** Bytes a lead's field weighs in an export file before one has measured it (ids, dates, names and empty `null`s average under this). */
export const ASSUMED_LEAD_FIELD_BYTES = 16;

/** What the planner learnt: the catch-up through bulk if it is one, and the first pages read to estimate the walks (the walks start with them). */
export interface CatchUpPlan {
  bulk?: BulkLeadsState;
  firstPages: Map<string, StartedPage>;
}

/** A walk's first page and the second it was read from: a walk from that second starts with it. */
export type StartedPage = FirstPage & { since: string };

/**
 * Plans the catch-up of an incremental `leads` sync from `cursor` (the walks' saved cursors):
 * windows over [the change walks' start, now] when chooseLeadsCatchUp picks bulk. In `auto` the
 * first page of the Get Lead Changes and field-activities walks tell the cost of the REST catch-up
 * (the walks start with them when it goes through REST).
 */
export async function planLeadsCatchUp(
  ctx: ReadContext,
  walks: LeadMirrorWalk[],
  cursor: ActivityCursor,
  lookback: number,
  known: { highestId: number; fields: number },
  now = Date.now(),
): Promise<CatchUpPlan> {
  const firstPages = new Map<string, StartedPage>();
  const method = ctx.config.extractionMethod;
  if (method === 'rest' || !ctx.bulk || !ctx.exportMeter) return { firstPages };
  const startOf = (keys: string[]) => cursor.alignedStartOf(keys, ctx.alignedLookbackSeconds ?? lookback);
  const from = startOf([LEAD_CHANGES_WALK, LEAD_FIELD_ACTIVITIES_WALK]);
  const pauseMs = now - Date.parse(from);
  const plan = { method, pauseMs, restCalls: undefined as number | undefined, exportBytes: 0, exportBytesLeft: ctx.exportMeter.left };
  let estimatedLeads = known.highestId;
  if (method === 'auto' && pauseMs >= BULK_MIN_SPAN_MS) {
    const getToken = (since: string) => ctx.endpoints.getPagingToken(since);
    const estimated = walks.filter((w) => w.keys[0] !== DELETED_LEADS_WALK);
    const pages = await Promise.all(estimated.map((walk) => readFirstPage(walk, startOf(walk.keys), getToken)));
    estimated.forEach((walk, i) => firstPages.set(walk.keys[0], { ...pages[i], since: startOf(walk.keys) }));
    const records = pages.map(({ page }, i) => HistoryModel.fromSamples([{ since: startOf(estimated[i].keys), ...page }], now).total);
    const changes = estimated.findIndex((w) => w.keys[0] === LEAD_CHANGES_WALK);
    const changedRecords = records.reduce((n, r) => n + r, 0);
    estimatedLeads = known.highestId > 0 ? Math.min(changedRecords, known.highestId) : changedRecords;
    plan.restCalls = pagesAhead(pages[changes].page, now) + Math.ceil(estimatedLeads / MAX_FILTER_VALUES);
    plan.exportBytes = estimatedLeads * known.fields * ASSUMED_LEAD_FIELD_BYTES;
  }
  if (chooseLeadsCatchUp(plan) !== 'bulk') return { firstPages };
  // After the export, Get Lead Changes starts elsewhere and its first page goes unused; on 1035 it starts with it.
  const until = secondOf(now);
  // The windows as readBulkWindows will cut them: one, without the probe day, when the estimate fits (firstBulkWindow).
  const estimatedBytes = plan.restCalls === undefined ? undefined : plan.exportBytes;
  const windows = bulkWindowsOver(pauseMs, estimatedBytes, plan.exportBytesLeft);
  const instead = plan.restCalls === undefined ? '' : ` instead of about ${plan.restCalls} Get Lead Changes and Get Leads calls`;
  ctx.log(
    'INFO',
    `leads: the change walks are ${(pauseMs / 86_400_000).toFixed(1)} days behind: catching up through bulk lead exports on updatedAt from ${from} to ${until} (every lead changed since, in ${windows} window(s), about ${windows * BULK_CALLS_PER_WINDOW + CATCH_UP_RESTART_CALLS} calls${instead}), then the change walks from there; deletions and merges from the saved cursors.`,
  );
  const state = newBulkState(from, until, estimatedLeads);
  return { firstPages, bulk: { ...state, ...(estimatedBytes === undefined ? {} : { estimatedBytes }), startedAt: until, filter: 'updatedAt', catchUp: true } };
}

/**
 * Calls a walk needs from its first page on: one when that page held everything; else the time to
 * now over the time the page covered. A first page in a burst errs high, which costs at most the
 * windows' calls (a bulk catch-up that REST could have done for less); erring low would cost the
 * whole REST catch-up.
 */
function pagesAhead(page: ActivityPage, now: number): number {
  const dates = page.activities.map((a) => toMarketoSecond(String(a.activityDate))).filter((d): d is string => d !== undefined);
  if (!page.moreResult) return 1;
  if (dates.length < 2) return Math.ceil(page.activities.length / MAX_BATCH_SIZE) + 1;
  const first = Date.parse(dates[0]);
  return Math.ceil((now - first) / Math.max(1000, Date.parse(dates[dates.length - 1]) - first));
}

/**
 * The walks' cursor after a catch-up exported every lead changed up to `exportedTo`: Get Lead
 * Changes from there, a look-back earlier; deletions and field-changing activities from their
 * saved cursors (`saved`, the state's).
 */
export function cursorAfterCatchUp(
  saved: { activityDate: string; partitions: Record<string, PartitionCursor> },
  exportedTo: string,
  lookback: number,
): ActivityCursor {
  const own = (key: string): PartitionCursor => saved.partitions[key] ?? { activityDate: saved.activityDate, marketoGUIDs: [] };
  const partitions: Record<string, PartitionCursor> = {
    [LEAD_CHANGES_WALK]: { activityDate: exportedTo, marketoGUIDs: [], recentGUIDs: {}, floor: addSeconds(exportedTo, -lookback) },
    [LEAD_FIELD_ACTIVITIES_WALK]: own(LEAD_FIELD_ACTIVITIES_WALK),
    [DELETED_LEADS_WALK]: own(DELETED_LEADS_WALK),
  };
  const low = Object.values(partitions).reduce((a, p) => (p.activityDate < a ? p.activityDate : a), exportedTo);
  return new ActivityCursor({ partitions }, addSeconds(low, -lookback), lookback);
}
