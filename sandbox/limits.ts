// Marketo's call limits (Integration Best Practices): concurrency (615), rate (606) and daily quota (607), checked in
// that order for every authenticated REST call. Identity calls are never limited.
//
// Choices where Marketo is not documented (see README.md):
// - Every call that reaches the limiter counts in the rolling rate window, including calls it
//   refuses. A client that keeps hammering while throttled therefore stays throttled, which is
//   the conservative reading of "calls in the last 20 s".
// - Only admitted calls count toward the daily quota.

import { DAILY_QUOTA_TIME_ZONE, ERR_CONCURRENCY_LIMIT, ERR_DAILY_QUOTA, ERR_RATE_LIMIT, ERROR_MESSAGES, rateLimitMessage } from './marketo-facts';

export interface LimitOptions {
  rateLimit: { calls: number; windowMs: number } | null;
  concurrencyLimit: number | null;
  dailyQuota: number | null;
  now: () => number;
}

export type Admission = { ok: true; release: () => void } | { ok: false; code: string; message: string };

/** The calendar day in US Central time, when the daily quota resets (Integration Best Practices). */
const centralDayFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: DAILY_QUOTA_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The US Central calendar day of an instant (YYYY-MM-DD): Marketo's daily allowances reset at its midnight. */
export function centralDayOf(ms: number): string {
  return centralDayFormat.format(ms);
}

export class CallLimiter {
  private inSlot = 0;
  /** Start times (ms) of calls in the current rate window, oldest first, from `head`. */
  private starts: number[] = [];
  private head = 0;
  private used = 0;
  private quotaDay = '';

  constructor(private readonly opts: LimitOptions) {}

  /**
   * `startedAt` is the call's start as the call log records it, so that "no more than N calls in
   * any window" measured by the counters and the 606 decisions agree to the millisecond.
   */
  tryAdmit(startedAt: number = this.opts.now()): Admission {
    const now = startedAt;
    const { rateLimit, concurrencyLimit } = this.opts;

    let rateExceeded = false;
    if (rateLimit) {
      while (this.head < this.starts.length && this.starts[this.head] <= now - rateLimit.windowMs) this.head++;
      if (this.head > 4096 && this.head * 2 > this.starts.length) {
        this.starts = this.starts.slice(this.head);
        this.head = 0;
      }
      rateExceeded = this.starts.length - this.head >= rateLimit.calls;
      this.starts.push(now);
    }

    if (concurrencyLimit !== null && this.inSlot >= concurrencyLimit) {
      return { ok: false, code: ERR_CONCURRENCY_LIMIT, message: ERROR_MESSAGES[ERR_CONCURRENCY_LIMIT] };
    }
    if (rateLimit && rateExceeded) {
      return { ok: false, code: ERR_RATE_LIMIT, message: rateLimitMessage(rateLimit.calls, rateLimit.windowMs) };
    }
    this.rollQuotaDay(now);
    if (this.opts.dailyQuota !== null && this.used >= this.opts.dailyQuota) {
      return { ok: false, code: ERR_DAILY_QUOTA, message: ERROR_MESSAGES[ERR_DAILY_QUOTA] };
    }
    this.used++;
    this.inSlot++;
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        this.inSlot--;
      },
    };
  }

  dailyCallsUsed(): number {
    this.rollQuotaDay(this.opts.now());
    return this.used;
  }

  setDailyCallsUsed(n: number): void {
    this.rollQuotaDay(this.opts.now());
    this.used = n;
  }

  private rollQuotaDay(now: number): void {
    const day = centralDayOf(now);
    if (day !== this.quotaDay) {
      this.quotaDay = day;
      this.used = 0;
    }
  }
}

// Marketo documentation cited above by page name:
// - Integration Best Practices: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/marketo-integration-best-practices
