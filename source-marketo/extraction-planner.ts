// Which path reads a stream's history: Get Lead Activities pages (REST: about one call per 300
// records, from the daily call quota every integration of the subscription shares) or Bulk
// Activity Extract (about six calls per window of 31 days whatever its size, from a separate
// allowance of file megabytes per day). https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/bulk-extract/bulk-extract

import { BULK_MAX_DATE_RANGE_DAYS, MAX_BATCH_SIZE } from '../marketo/constants';

export type ExtractionMethod = 'auto' | 'rest' | 'bulk';

/** Calls one bulk window costs: create, enqueue, a few status polls, the file. */
export const BULK_CALLS_PER_WINDOW = 6;
/**
 * Calls a bulk catch-up of `leads` adds besides its windows: Get Lead Changes starts again where the
 * export ended, from a new paging token, and the first page read to estimate the REST catch-up goes
 * unused (leads-catch-up.ts).
 */
export const CATCH_UP_RESTART_CALLS = 2;
/**
 * `auto` catches `leads` up through bulk only when the REST walks would cost this many times the
 * bulk calls: a job waits minutes, and the first page of a burst makes the REST estimate err high.
 */
export const CATCH_UP_MIN_SAVING = 2;
/**
 * Below this many REST calls a history is cheaper, and sooner done, through REST: a bulk job takes
 * minutes to run and costs its window's calls whatever its size.
 */
export const AUTO_MIN_REST_CALLS_FOR_BULK = 100;
/** In `bulk`, histories shorter than this go through REST: a day's activities are an incremental sync. */
export const BULK_MIN_SPAN_MS = 86_400_000;
/**
 * The newest stretch of history is left to the REST walks: a bulk file is a snapshot of what was
 * committed when its job ran, and Marketo commits some activities minutes after their date (Send
 * Email when the mail leaves). Every job runs after the sync started, so with the files ending
 * this long before it, an activity committed up to this late and dated just before the hand-over
 * is in a file; one dated after it, the REST walks read, with everything that arrives while the
 * files are read. Ten minutes, as the look-back of the lead change walks (leads.ts); a longer
 * `activity_lookback_minutes` moves the hand-over back as far.
 */
export const BULK_TAIL_MS = 10 * 60_000;
/**
 * Without a `daily_call_budget`, `auto` gives the REST path at most this many calls for history
 * the export allowance cannot take today (a fifth of the default daily quota of 50,000, which
 * every integration of the subscription shares); beyond that, the rest waits for the next day's
 * allowance.
 */
export const AUTO_DEFAULT_REST_CALLS_FOR_HISTORY = 10_000;

const MB = 1024 * 1024;
const DAY_MS = 86_400_000;

/**
 * What the REST change walks of an incremental `leads` sync would cost from its cursor, and what
 * a bulk catch-up would have to export instead (see chooseLeadsCatchUp).
 */
export interface LeadsCatchUp {
  method: ExtractionMethod;
  /** How far behind the change walks start: now − (their cursor − the look-back), ms. */
  pauseMs: number;
  /**
   * Calls of the REST catch-up that the bulk one saves: the Get Lead Changes pages since the cursor
   * and the Get Leads calls for the ids the walks collect. Undefined when nothing was estimated.
   * The walks of deletions and field-changing activities (Merge Leads among them) run either way.
   */
  restCalls: number | undefined;
  /** Bytes the export's files are expected to weigh, and what today's export allowance has left. */
  exportBytes: number;
  exportBytesLeft: number;
}

/**
 * A catch-up whose estimated files weigh at most the export allowance left over this is read as
 * one window, without the probe day: the estimate errs by less than this, and Marketo's own 1029
 * is the hard stop if it does not.
 */
export const WHOLE_WINDOW_MARGIN = 2;

/**
 * How the first window of a bulk history is sized: `whole`, the span in one window, when it is at
 * most 31 days and an estimate of its files (`estimatedBytes`, undefined without one) fits the
 * export allowance left (`bytesLeft`) WHOLE_WINDOW_MARGIN times over; else `probe`, a first day
 * whose file measures the bytes per day before longer windows are sized (see windowSpan in
 * bulk-backfill.ts). A daily sync's catch-up is then one job, not a day's and then a few minutes'.
 */
export function firstBulkWindow(spanMs: number, estimatedBytes: number | undefined, bytesLeft: number): 'whole' | 'probe' {
  if (estimatedBytes === undefined || bytesLeft <= 0 || spanMs > BULK_MAX_DATE_RANGE_DAYS * DAY_MS) return 'probe';
  return estimatedBytes * WHOLE_WINDOW_MARGIN <= bytesLeft ? 'whole' : 'probe';
}

/**
 * Windows over `spanMs`: one when firstBulkWindow reads it whole (`estimatedBytes` and `bytesLeft`
 * as it takes them); else the first day, whose file measures the bytes per day (see windowSpan in
 * bulk-backfill.ts), then windows of at most 31 days.
 */
export function bulkWindowsOver(spanMs: number, estimatedBytes?: number, bytesLeft = 0): number {
  if (firstBulkWindow(spanMs, estimatedBytes, bytesLeft) === 'whole') return 1;
  return Math.ceil(Math.max(0, spanMs - DAY_MS) / (BULK_MAX_DATE_RANGE_DAYS * DAY_MS)) + 1;
}

/**
 * Whether an incremental `leads` sync whose change walks are far behind catches up through Bulk
 * Lead Extract on `updatedAt` (every lead changed since, whatever changed it, in a handful of calls
 * per window) or through the REST change walks. `rest` never; a pause shorter than
 * BULK_MIN_SPAN_MS is an incremental sync; `bulk` always past it; `auto` when the calls the REST
 * walks would spend exceed the windows' calls and the export allowance left takes the files.
 */
export function chooseLeadsCatchUp(plan: LeadsCatchUp): 'bulk' | 'rest' {
  if (plan.method === 'rest' || plan.pauseMs < BULK_MIN_SPAN_MS) return 'rest';
  if (plan.method === 'bulk') return 'bulk';
  if (plan.restCalls === undefined || plan.exportBytes > plan.exportBytesLeft) return 'rest';
  return plan.restCalls > catchUpCalls(plan) * CATCH_UP_MIN_SAVING ? 'bulk' : 'rest';
}

/** Calls of a bulk catch-up: its windows (one when firstBulkWindow reads it whole) and the restart of Get Lead Changes after it. */
export function catchUpCalls(plan: Pick<LeadsCatchUp, 'pauseMs' | 'exportBytes' | 'exportBytesLeft'>): number {
  return bulkWindowsOver(plan.pauseMs, plan.exportBytes, plan.exportBytesLeft) * BULK_CALLS_PER_WINDOW + CATCH_UP_RESTART_CALLS;
}

/** What the first REST page of each walk told about the history ahead. */
export interface HistoryEstimate {
  records: number;
}

/** Whether a history from `from` to `now` should start through bulk windows. */
export function chooseHistoryPath(method: ExtractionMethod, from: string, now: number, estimate: HistoryEstimate | undefined): 'bulk' | 'rest' {
  if (method === 'rest') return 'rest';
  if (now - Date.parse(from) < Math.max(BULK_MIN_SPAN_MS, BULK_TAIL_MS * 2)) return 'rest';
  if (method === 'bulk') return 'bulk';
  if (!estimate) return 'rest';
  return Math.ceil(estimate.records / MAX_BATCH_SIZE) >= AUTO_MIN_REST_CALLS_FOR_BULK ? 'bulk' : 'rest';
}

/**
 * The export allowance this connector may use today (`bulk_export_mb_per_day`), metered on the
 * size of the files its jobs produced, per US Central day as Marketo meters it. Shared by every
 * stream of a sync; a stream's state carries what it exported today into the next sync.
 */
export class ExportMeter {
  private day: string;
  private bytes = 0;

  constructor(
    readonly allowanceMb: number,
    private readonly now: () => number = Date.now,
  ) {
    this.day = centralDay(now());
  }

  /** Bytes exported today so far. */
  get used(): number {
    this.roll();
    return this.bytes;
  }

  get left(): number {
    return Math.max(0, this.allowanceMb * MB - this.used);
  }

  get today(): string {
    this.roll();
    return this.day;
  }

  add(bytes: number): void {
    this.roll();
    this.bytes += bytes;
  }

  /** Bytes a previous sync recorded as exported on `day`: counted only if that is still today. */
  carry(day: string | undefined, bytes: number | undefined): void {
    if (day === this.today && typeof bytes === 'number' && bytes > 0) this.bytes = Math.max(this.bytes, bytes);
  }

  private roll(): void {
    const day = centralDay(this.now());
    if (day !== this.day) {
      this.day = day;
      this.bytes = 0;
    }
  }
}

/**
 * When today's export allowance cannot take the next window: in `auto`, the rest of the history
 * goes through REST when the calls it needs fit the call budget; otherwise the bulk part stops
 * here, state saved, for the next day's allowance.
 */
export function whenAllowanceSpent(method: ExtractionMethod, recordsLeft: number, callsLeft: number | undefined): 'rest' | 'stop' {
  if (method !== 'auto') return 'stop';
  const restCalls = Math.ceil(recordsLeft / MAX_BATCH_SIZE);
  return restCalls <= (callsLeft ?? AUTO_DEFAULT_REST_CALLS_FOR_HISTORY) ? 'rest' : 'stop';
}

const centralDayFormat = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Chicago', year: 'numeric', month: '2-digit', day: '2-digit' });

/** Marketo's allowances reset at midnight US Central time. */
export function centralDay(ms: number): string {
  return centralDayFormat.format(ms);
}
