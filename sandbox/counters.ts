// What the sandbox observed: every REST call with its timing and outcome, so tests and benchmarks
// can assert that a connector stayed within Marketo's limits. Identity and /__sandbox calls are
// not recorded (Marketo does not count identity calls either).

export interface CallRecord {
  method: string;
  path: string;
  startedAt: number;
  /** NaN while the call is in flight. */
  endedAt: number;
  /** The envelope error code, when the call failed with one. */
  code?: string;
  /** HTTP status; 0 when the connection was dropped without an answer. */
  status: number;
  /** Get Lead Activities: the activityTypeIds asked for, as sent (a walk's calls all carry its types). */
  activityTypeIds?: string;
}

/** Codes always present in errorsByCode() (as 0 when never seen), so tests can assert on them. */
const ALWAYS_REPORTED_CODES = ['600', '601', '602', '606', '607', '615'];

export class CallLog {
  private records: CallRecord[] = [];
  private inFlight = 0;
  private maxInFlight = 0;

  start(method: string, path: string, now: number): CallRecord {
    const record: CallRecord = { method, path, startedAt: now, endedAt: NaN, status: 0 };
    this.records.push(record);
    this.inFlight++;
    if (this.inFlight > this.maxInFlight) this.maxInFlight = this.inFlight;
    return record;
  }

  end(record: CallRecord, status: number, code: string | undefined, now: number): void {
    if (!Number.isNaN(record.endedAt)) return;
    record.endedAt = now;
    record.status = status;
    if (code !== undefined) record.code = code;
    this.inFlight--;
  }

  total(): number {
    return this.records.length;
  }

  byEndpoint(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of this.records) {
      const key = `${r.method} ${r.path}`;
      out[key] = (out[key] ?? 0) + 1;
    }
    return out;
  }

  /**
   * Get Lead Activities calls by the activity types they asked for, ids sorted and joined by
   * commas ("37" is a walk over Delete Lead alone): what each walk cost.
   */
  byActivityTypeIds(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of this.records) {
      if (r.activityTypeIds === undefined) continue;
      const key = r.activityTypeIds
        .split(',')
        .filter((id) => id !== '')
        .map(Number)
        .sort((a, b) => a - b)
        .join(',');
      out[key] = (out[key] ?? 0) + 1;
    }
    return out;
  }

  errorsByCode(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const code of ALWAYS_REPORTED_CODES) out[code] = 0;
    for (const r of this.records) if (r.code !== undefined) out[r.code] = (out[r.code] ?? 0) + 1;
    return out;
  }

  maxConcurrentSeen(): number {
    return this.maxInFlight;
  }

  /** The most call starts inside any window of `windowMs` (windows closed at both ends). */
  maxCallsInAnyWindow(windowMs = 20_000): number {
    const starts = this.records.map((r) => r.startedAt).sort((a, b) => a - b);
    let best = 0;
    let lo = 0;
    for (let hi = 0; hi < starts.length; hi++) {
      while (starts[hi] - starts[lo] >= windowMs) lo++;
      best = Math.max(best, hi - lo + 1);
    }
    return best;
  }

  calls(): CallRecord[] {
    return this.records.map((r) => ({ ...r }));
  }

  /** Forgets every record; calls still in flight keep counting toward maxConcurrentSeen. */
  reset(): void {
    this.records = [];
    this.maxInFlight = this.inFlight;
  }
}
