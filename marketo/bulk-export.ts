import { Readable } from 'node:stream';
import { expectedFinish, firstPollDelay, MeasuredJob, PendingJob, timingModel } from './bulk-job-timing';
import { MarketoClient, sleep } from './client';
import { BULK_EXPORT_LIMIT, BULK_STATUS_POLL_MAX_MS, BULK_STATUS_POLL_MIN_MS, UNSUPPORTED_FILTER_TYPE } from './constants';
import { BulkExportQuotaExhaustedError, BulkFilterUnsupportedError, MarketoError, MarketoRequestError } from './errors';

// Typed wrappers of Marketo's Bulk Extract endpoints for leads and activities: create, enqueue,
// status, file, cancel. https://developer.adobe.com/marketo-apis/api/mapi/#tag/Bulk-Export-Activities
// and https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/bulk-extract/bulk-extract

export type BulkObject = 'activities' | 'leads';

/** Job statuses; cancelled is spelled "Cancelled" in answers and "Canceled" in one doc page: both are accepted. */
export type BulkJobStatus = 'Created' | 'Queued' | 'Processing' | 'Completed' | 'Failed' | 'Cancelled' | 'Canceled';

export interface BulkJob {
  exportId: string;
  format?: string;
  status: BulkJobStatus;
  createdAt?: string;
  queuedAt?: string;
  startedAt?: string;
  finishedAt?: string;
  numberOfRecords?: number;
  fileSize?: number;
  fileChecksum?: string;
  errorMsg?: string;
}

export interface DateRange {
  startAt: string;
  endAt: string;
}

export interface ActivityExportRequest {
  createdAt: DateRange;
  activityTypeIds: number[];
  fields?: string[];
}

export interface LeadExportRequest {
  fields: string[];
  filter: { createdAt: DateRange } | { updatedAt: DateRange };
}

/** 1029 "Too many jobs in queue": the subscription's queue of ten is full (other integrations share it). */
export class BulkQueueFullError extends MarketoError {}

export function isEnded(status: BulkJobStatus): boolean {
  return status === 'Completed' || status === 'Failed' || status === 'Cancelled' || status === 'Canceled';
}

/** Tests shorten the status polling through the environment; production polls as Adobe asks. */
function pollIntervalsFromEnv(): { minMs: number; maxMs: number } {
  const min = Number(process.env.MARKETO_BULK_POLL_MS);
  if (Number.isFinite(min) && min > 0) return { minMs: min, maxMs: min * 5 };
  return { minMs: BULK_STATUS_POLL_MIN_MS, maxMs: BULK_STATUS_POLL_MAX_MS };
}

/** Marketo's job times are whole seconds: a duration measured from them may be short by up to one. */
const TIMESTAMP_PRECISION_MS = 1000;

/** A job this process queued; one seen ended keeps when it ended, as it held a processing slot until then. */
interface QueuedByUs extends PendingJob {
  object: BulkObject;
  /** The enqueue answer (status Queued, queuedAt). */
  answer: BulkJob;
}

export class BulkExportEndpoints {
  readonly poll = pollIntervalsFromEnv();
  /** Jobs queued by this sync, in the order they were queued (Marketo starts them in that order). */
  private readonly queued = new Map<string, QueuedByUs>();
  /** What the jobs this sync saw finish measured: when the next ones should be done. */
  private readonly measured: MeasuredJob[] = [];

  constructor(
    readonly client: MarketoClient,
    private readonly clock: () => number = Date.now,
  ) {}

  createActivityExport(request: ActivityExportRequest): Promise<BulkJob> {
    const filter: Record<string, unknown> = { createdAt: request.createdAt, activityTypeIds: request.activityTypeIds };
    return this.create('activities', { format: 'CSV', filter, ...(request.fields ? { fields: request.fields } : {}) });
  }

  createLeadExport(request: LeadExportRequest): Promise<BulkJob> {
    return this.create('leads', { format: 'CSV', fields: request.fields, filter: request.filter });
  }

  /**
   * Queues a created job. "Job already queued" (a retried enqueue that had reached Marketo) is
   * success. `records`: what the job should export, when its stream can tell, for timing its first poll.
   */
  async enqueue(object: BulkObject, exportId: string, records?: number): Promise<BulkJob> {
    let answer: BulkJob;
    try {
      answer = await this.job(this.client.post(`/bulk/v1/${object}/export/${exportId}/enqueue.json`));
    } catch (err) {
      if (err instanceof MarketoRequestError && err.code === BULK_EXPORT_LIMIT && /already queued/i.test(err.message)) return this.status(object, exportId);
      throw err;
    }
    this.queued.set(exportId, { object, answer, queuedAt: this.clock(), ...(records !== undefined && records >= 0 ? { records } : {}) });
    return answer;
  }

  /**
   * The last answer about a job this sync queued and has not seen end (its enqueue answer): its
   * status without a call, as nothing can have changed that the first poll would not see later.
   */
  queuedAnswer(object: BulkObject, exportId: string): BulkJob | undefined {
    const job = this.queued.get(exportId);
    return job?.object === object && job.finishedAt === undefined ? job.answer : undefined;
  }

  async status(object: BulkObject, exportId: string): Promise<BulkJob> {
    const job = await this.job(this.client.get(`/bulk/v1/${object}/export/${exportId}/status.json`));
    if (isEnded(job.status)) this.ended(job);
    return job;
  }

  cancel(object: BulkObject, exportId: string): Promise<BulkJob> {
    const job = this.queued.get(exportId);
    if (job && job.finishedAt === undefined) job.finishedAt = this.clock();
    return this.job(this.client.post(`/bulk/v1/${object}/export/${exportId}/cancel.json`));
  }

  /** The file of a completed job from byte `start` on, or undefined when Marketo no longer has it (404). */
  async file(object: BulkObject, exportId: string, start = 0): Promise<Readable | undefined> {
    const answer = await this.client.download(`/bulk/v1/${object}/export/${exportId}/file.json`, start);
    return answer.body;
  }

  /**
   * Polls a job until it has ended; every status call is counted like any call. The first poll of
   * a job this sync queued waits until the job is expected to have finished (see
   * bulk-job-timing.ts), at least the minimum interval Adobe asks for after the enqueue; then polls
   * back off from that minimum up to five minutes. `onPoll` sees each status.
   */
  async waitForEnd(object: BulkObject, job: BulkJob, onPoll?: (job: BulkJob) => void): Promise<BulkJob> {
    let current = job;
    const first = this.firstDelay(job.exportId);
    let delay = first.ms;
    // After a poll at the expected end, the back-off starts again from the minimum interval.
    let next = first.expected ? this.poll.minMs : this.backOff(this.poll.minMs);
    while (!isEnded(current.status)) {
      await sleep(delay);
      delay = next;
      next = this.backOff(next);
      current = await this.status(object, current.exportId);
      onPoll?.(current);
    }
    return current;
  }

  private backOff(delay: number): number {
    return Math.min(this.poll.maxMs, Math.round(delay * 1.5));
  }

  /** The wait before the first poll of a job (see firstPollDelay), and whether the job's end was expected from what earlier jobs measured. */
  firstDelay(exportId: string): { ms: number; expected: boolean } {
    const mine = this.queued.get(exportId);
    if (!mine || mine.finishedAt !== undefined) return { ms: this.poll.minMs, expected: false };
    const ahead: PendingJob[] = [];
    for (const [id, job] of this.queued) {
      ahead.push(job);
      if (id === exportId) break;
    }
    const expected = expectedFinish(ahead, timingModel(this.measured));
    const margin = Math.min(TIMESTAMP_PRECISION_MS, this.poll.minMs);
    return { ms: firstPollDelay(this.clock(), mine.queuedAt, expected, this.poll.minMs, margin), expected: expected !== undefined };
  }

  /**
   * A job's end seen: when it ended on our clock (its queued → finished time after our enqueue,
   * so the two clocks need not agree; when we saw it, without times), and a completed one's
   * times measure the next jobs.
   */
  private ended(job: BulkJob): void {
    const mine = this.queued.get(job.exportId);
    if (!mine || mine.finishedAt !== undefined) return;
    const [queuedAt, startedAt, finishedAt] = [job.queuedAt, job.startedAt, job.finishedAt].map((t) => (t ? Date.parse(t) : NaN));
    const timed = [queuedAt, startedAt, finishedAt].every((t) => Number.isFinite(t));
    mine.finishedAt = timed ? Math.min(this.clock(), mine.queuedAt + (finishedAt - queuedAt)) : this.clock();
    if (timed && job.status === 'Completed') {
      this.measured.push({ records: job.numberOfRecords ?? 0, waitMs: startedAt - queuedAt, processingMs: finishedAt - startedAt });
    }
  }

  private async create(object: BulkObject, body: unknown): Promise<BulkJob> {
    return this.job(this.client.post(`/bulk/v1/${object}/export/create.json`, { json: body }));
  }

  /** The job of a bulk answer; 1029 and 1035 become the errors their meanings call for. */
  private async job(call: Promise<{ result: BulkJob[] }>): Promise<BulkJob> {
    let envelope: { result: BulkJob[] };
    try {
      envelope = await call;
    } catch (err) {
      throw typedBulkError(err);
    }
    const job = envelope.result[0];
    if (!job || typeof job.exportId !== 'string' || typeof job.status !== 'string')
      throw new MarketoRequestError('A bulk export answer had no job in its result.');
    return job;
  }
}

function typedBulkError(err: unknown): unknown {
  if (!(err instanceof MarketoRequestError)) return err;
  if (err.code === BULK_EXPORT_LIMIT && /quota/i.test(err.message)) {
    return new BulkExportQuotaExhaustedError(
      `Marketo's daily bulk export allowance is spent (${err.message.replace(/^.*?1029 /, '1029 ')}). It resets at midnight US Central time.`,
      err.code,
      err.endpoint,
    );
  }
  if (err.code === BULK_EXPORT_LIMIT && /too many jobs/i.test(err.message)) return new BulkQueueFullError(err.message, err.code, err.endpoint);
  if (err.code === UNSUPPORTED_FILTER_TYPE) return new BulkFilterUnsupportedError(err.message, err.code, err.endpoint);
  return err;
}
