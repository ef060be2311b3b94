import { MarketoClient } from '../marketo/client';
import { MessageWriter } from '../protocol/output';

/** Interval of the progress LOG line: steady, not per page, so long syncs show life without flooding the log. */
const DEFAULT_PROGRESS_INTERVAL_MS = 30_000;

/** Reports records so far, their rate, API calls spent and budget left, every interval. */
export class ProgressReporter {
  private records = 0;
  private readonly startedAt = Date.now();
  private lastReportAt = Date.now();
  private readonly intervalMs: number;

  constructor(
    private readonly writer: MessageWriter,
    private readonly client: MarketoClient,
  ) {
    const fromEnv = Number(process.env.MARKETO_PROGRESS_INTERVAL_MS);
    this.intervalMs = Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : DEFAULT_PROGRESS_INTERVAL_MS;
  }

  add(stream: string, count: number): void {
    this.records += count;
    const now = Date.now();
    if (now - this.lastReportAt >= this.intervalMs) {
      this.lastReportAt = now;
      this.writer.log('INFO', this.line(stream, now));
    }
  }

  get total(): number {
    return this.records;
  }

  line(stream: string, now = Date.now()): string {
    const seconds = Math.max(0.001, (now - this.startedAt) / 1000);
    const budget = this.client.budgetLeft;
    return (
      `Progress: ${this.records} records in ${seconds.toFixed(0)} s (${(this.records / seconds).toFixed(0)} records/s), now on ${stream}; ` +
      `${this.client.callsMade} API calls used` +
      (budget === undefined ? '' : `, ${budget} left in daily_call_budget`) +
      `; memory ${(process.memoryUsage.rss() / 2 ** 20).toFixed(0)} MB`
    );
  }
}
