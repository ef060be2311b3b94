import { BulkRow } from '../../marketo/bulk-file';
import { MAX_FILTER_VALUES } from '../../marketo/constants';
import { BulkFilterUnsupportedError } from '../../marketo/errors';
import { secondOf } from '../dates';
import { AUTO_MIN_REST_CALLS_FOR_BULK, BULK_CALLS_PER_WINDOW } from '../extraction-planner';
import { BulkBackfillState, BulkContext, BulkWindowSource, newBulkState, parseBulkState, readBulkWindows } from './bulk-backfill';
import { ReadContext } from './stream';

// The first full read of `leads` through Bulk Lead Extract: windows of at most 31 days on the time
// of each lead's last change to any field (`updatedAt`, which REST cannot filter on), or, where the
// subscription does not offer that filter (1035), on `createdAt`, with a LOG. Either way every lead
// falls in exactly one window; changes made while the windows are read come from the change walks
// that follow, from when the read began.
// https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/bulk-extract/bulk-lead-extract

export type LeadFilter = 'updatedAt' | 'createdAt';

/** The bulk part of the leads state while the full read goes through files. */
export interface BulkLeadsState extends BulkBackfillState {
  /** When the full read began: the change walks start a look-back before it. */
  startedAt: string;
  filter: LeadFilter;
  /**
   * An incremental sync's catch-up after a long pause (leads-catch-up.ts), not a full read: the
   * windows run from the change walks' cursor to when it began, on `updatedAt` only.
   */
  catchUp?: true;
}

const DAY_MS = 86_400_000;
const OLDEST_LEAD_MARGIN_MS = 31 * DAY_MS;

export function parseBulkLeadsState(raw: unknown): BulkLeadsState | undefined {
  const base = parseBulkState(raw);
  const r = raw as Partial<BulkLeadsState> | undefined;
  if (!base || typeof r?.startedAt !== 'string' || (r.filter !== 'updatedAt' && r.filter !== 'createdAt')) return undefined;
  return { ...base, startedAt: r.startedAt, filter: r.filter, ...(r.catchUp === true ? { catchUp: true as const } : {}) };
}

/**
 * Whether the full read should go through files: always with `bulk`, never with `rest`; with
 * `auto`, when its REST cost (one Get Leads call per 300 ids) is large and the windows from the
 * oldest lead to now cost fewer calls. Undefined when REST it is.
 */
export async function planBulkLeads(
  ctx: ReadContext,
  highestId: number,
  oldestLeadAt: () => Promise<string | undefined>,
  now = Date.now(),
): Promise<BulkLeadsState | undefined> {
  const method = ctx.config.extractionMethod;
  if (method === 'rest' || !ctx.bulk || !ctx.exportMeter || highestId === 0) return undefined;
  const restCalls = Math.ceil(highestId / MAX_FILTER_VALUES);
  if (method === 'auto' && restCalls < AUTO_MIN_REST_CALLS_FOR_BULK) return undefined;
  const oldest = await oldestLeadAt();
  if (!oldest) return undefined;
  // Ids only grow, so the first ids hold the oldest leads; a window's margin before the oldest of
  // them covers leads whose creation date an import set earlier.
  const from = secondOf(Date.parse(oldest) - OLDEST_LEAD_MARGIN_MS);
  // Up to now: the change walks that follow start (a look-back before) now, not an hour ago.
  const until = secondOf(now);
  if (until <= from) return undefined;
  const windows = Math.ceil((Date.parse(until) - Date.parse(from)) / (31 * DAY_MS)) + 1;
  if (method === 'auto' && windows * BULK_CALLS_PER_WINDOW >= restCalls) return undefined;
  return { ...newBulkState(from, until, highestId), startedAt: secondOf(now), filter: 'updatedAt' };
}

/**
 * Reads the leads of the planned windows, yielding records (as Get Leads would give them,
 * through `toRecord`) and the state covering them. On 1035 for the updatedAt filter, the same
 * windows of a full read are read on createdAt; a catch-up throws the BulkFilterUnsupportedError.
 */
export async function* readBulkLeads(
  ctx: BulkContext & { fields: string[] },
  state: BulkLeadsState,
  toRecord: (row: BulkRow) => Record<string, unknown>,
): AsyncGenerator<{ records: Record<string, unknown>[]; state: BulkLeadsState }> {
  const source: BulkWindowSource<Record<string, unknown>> = {
    object: 'leads',
    create: async (from, to) => {
      const range = { startAt: from, endAt: to };
      try {
        return await ctx.bulk.createLeadExport({ fields: ctx.fields, filter: state.filter === 'updatedAt' ? { updatedAt: range } : { createdAt: range } });
      } catch (err) {
        // A catch-up has no use for createdAt (it finds new leads only): the caller goes on through the change walks.
        if (!(err instanceof BulkFilterUnsupportedError) || state.filter !== 'updatedAt' || state.catchUp) throw err;
        ctx.log(
          'WARN',
          `leads: this subscription does not offer the bulk lead extract's updatedAt filter (1035 ${err.message}); reading the leads by creation date instead. Changes are then found only through the activities that record them (Marketo support can enable the filter).`,
        );
        state.filter = 'createdAt';
        return ctx.bulk.createLeadExport({ fields: ctx.fields, filter: { createdAt: range } });
      }
    },
    item: (row) => toRecord(row),
    // A lead's key is its id, and lead files come in id order when they come in order.
    identify: (row) => (row.id ? { key: row.id, position: Number(row.id) } : undefined),
  };
  for await (const page of readBulkWindows(ctx, source, state)) yield { records: page.items, state: { ...state, ...page.state } };
}
