// Bulk export jobs (Bulk Extract): the queue shared by lead and activity exports, the job life cycle
// Created -> Queued -> Processing -> Completed (or Failed / Cancelled), the daily export
// allowance metered on file size, and files that expire.
//
// Time is the sandbox clock. A queued job starts one step after it was queued (or when one of
// the two processing slots frees up, whichever is later) and completes one step after it
// started: with the default step of 60 s, as often as Marketo updates a job's status, a job
// takes two minutes. Tests shorten the step (`bulkExportStepMs`) or drive `now`. Jobs advance
// lazily, whenever a bulk call looks at them, replaying every start and completion in the order
// they happened. A completed job's file is written to a temporary directory once, when it
// completes, so downloads of any size and `Range` requests are served from disk.

import { createHash, randomUUID } from 'node:crypto';
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { BulkJob } from '../marketo/bulk-export';
import { centralDayOf } from './limits';
import * as MarketoFacts from './marketo-facts';
import { makeTempFolder, removeTempFolder } from './temp-folders';

export type BulkObject = 'activities' | 'leads';
export type BulkJobStatus = 'Created' | 'Queued' | 'Processing' | 'Completed' | 'Failed' | 'Cancelled';

/** What a job exports; checked by the endpoints before the job exists. */
export interface BulkJobSpec {
  object: BulkObject;
  format: 'CSV';
  fields: string[];
  /** Which date the filter applies to: activities always `createdAt`; leads `createdAt` or `updatedAt`. */
  filterField: 'createdAt' | 'updatedAt';
  /** The filter's range in epoch seconds, both ends included. */
  startSec: number;
  endSec: number;
  /** Activity types to export (activities only); null = every exportable type. */
  activityTypeIds: number[] | null;
}

/** The status record Marketo returns for a job (Bulk Extract): the client's, with what the sandbox always fills in. */
export interface BulkJobRecord extends Omit<BulkJob, 'format' | 'status' | 'createdAt'> {
  format: string;
  status: BulkJobStatus;
  createdAt: string;
}

/** A job as tests see it: the record plus what it exports. */
export interface BulkJobView extends BulkJobRecord {
  object: BulkObject;
  filter: { field: 'createdAt' | 'updatedAt'; startAt: string; endAt: string; activityTypeIds?: number[] };
  /** Times the file (or a range of it) was served. */
  downloads: number;
  fileExpired: boolean;
}

/** Writes the rows of a job's file through `write`; returns the number of records. */
export type FileWriter = (spec: BulkJobSpec, write: (text: string) => void) => number;

export interface BulkExportOptions {
  now: () => number;
  /** One step of the life cycle (queued -> processing, processing -> completed). Default 60 s. */
  stepMs: number;
  /** The daily export allowance in MB; null = none. Default 500. */
  dailyQuotaMb: number | null;
  /** Whether the lead export's updatedAt filter is enabled for the subscription (else 1035). Default true. */
  updatedAtFilter: boolean;
  fileRetentionDays: number;
  writeFile: FileWriter;
}

interface Job {
  exportId: string;
  spec: BulkJobSpec;
  status: BulkJobStatus;
  createdAt: number;
  queuedAt?: number;
  startedAt?: number;
  finishedAt?: number;
  numberOfRecords?: number;
  fileSize?: number;
  fileChecksum?: string;
  errorMsg?: string;
  filePath?: string;
  fileExpired: boolean;
  downloads: number;
}

export type Refusal = { code: string; message: string };

const MB = 1024 * 1024;
const DAY_MS = 86_400_000;

function iso(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export class BulkExports {
  private readonly jobs = new Map<string, Job>();
  /** Jobs in the order they were queued (FIFO). */
  private queue: Job[] = [];
  /** Time of the last event replayed: starts and completions happen in order. */
  private replayedTo = 0;
  private exportedDay = '';
  private exportedBytes = 0;
  private failNext = 0;
  private dir: string | undefined;

  constructor(private readonly opts: BulkExportOptions) {}

  create(spec: BulkJobSpec): BulkJobRecord | Refusal {
    this.advance();
    const quota = this.quotaRefusal();
    if (quota) return quota;
    const job: Job = { exportId: randomUUID(), spec, status: 'Created', createdAt: this.opts.now(), fileExpired: false, downloads: 0 };
    this.jobs.set(job.exportId, job);
    return this.record(job);
  }

  enqueue(exportId: string, object: BulkObject): BulkJobRecord | Refusal | undefined {
    this.advance();
    const job = this.find(exportId, object);
    if (!job) return undefined;
    if (job.status === 'Queued' || job.status === 'Processing')
      return { code: MarketoFacts.ERR_BULK_EXPORT_LIMIT, message: MarketoFacts.MSG_JOB_ALREADY_QUEUED };
    if (job.status !== 'Created')
      return { code: MarketoFacts.ERR_INVALID_DATA, message: `Export job ${exportId} is ${job.status}; only a Created job can be enqueued` };
    const quota = this.quotaRefusal();
    if (quota) return quota;
    if (this.queue.length >= MarketoFacts.BULK_MAX_QUEUED_JOBS) return { code: MarketoFacts.ERR_BULK_EXPORT_LIMIT, message: MarketoFacts.MSG_TOO_MANY_JOBS };
    job.status = 'Queued';
    job.queuedAt = this.opts.now();
    this.queue.push(job);
    return this.record(job);
  }

  status(exportId: string, object: BulkObject): BulkJobRecord | undefined {
    this.advance();
    const job = this.find(exportId, object);
    return job ? this.record(job) : undefined;
  }

  cancel(exportId: string, object: BulkObject): BulkJobRecord | undefined {
    this.advance();
    const job = this.find(exportId, object);
    if (!job) return undefined;
    if (job.status === 'Created' || job.status === 'Queued' || job.status === 'Processing') {
      job.status = 'Cancelled';
      this.queue = this.queue.filter((j) => j !== job);
    }
    return this.record(job);
  }

  /** Jobs of the last 7 days, optionally of some statuses (matched ignoring case, as Swagger spells them lower-case). */
  list(object: BulkObject, statuses: string[]): BulkJobRecord[] {
    this.advance();
    const since = this.opts.now() - MarketoFacts.BULK_FILE_RETENTION_DAYS * DAY_MS;
    const wanted = new Set(statuses.map((s) => s.toLowerCase()));
    return [...this.jobs.values()]
      .filter((j) => j.spec.object === object && j.createdAt >= since && (wanted.size === 0 || wanted.has(j.status.toLowerCase())))
      .map((j) => this.record(j));
  }

  /**
   * The file of a completed job: its path and size, or why there is none (not completed yet, or
   * expired). Counts the download.
   */
  file(exportId: string, object: BulkObject): { path: string; size: number } | 'not-found' | 'not-ready' | 'expired' {
    this.advance();
    const job = this.find(exportId, object);
    if (!job) return 'not-found';
    if (job.status !== 'Completed') return 'not-ready';
    if (job.fileExpired || !job.filePath) return 'expired';
    job.downloads++;
    return { path: job.filePath, size: job.fileSize ?? 0 };
  }

  // Controls for tests (not API calls).

  /** The next `n` jobs to finish processing fail instead. */
  failNextJobs(n = 1): void {
    this.failNext += n;
  }

  /** Every completed file expires now, as after the retention period. */
  expireFiles(): void {
    for (const job of this.jobs.values()) this.expire(job);
  }

  exportedBytesToday(): number {
    this.rollDay();
    return this.exportedBytes;
  }

  setExportedBytesToday(bytes: number): void {
    this.rollDay();
    this.exportedBytes = bytes;
  }

  views(): BulkJobView[] {
    this.advance();
    return [...this.jobs.values()].map((j) => ({
      ...this.record(j),
      object: j.spec.object,
      filter: {
        field: j.spec.filterField,
        startAt: iso(j.spec.startSec * 1000),
        endAt: iso(j.spec.endSec * 1000),
        ...(j.spec.activityTypeIds ? { activityTypeIds: [...j.spec.activityTypeIds] } : {}),
      },
      downloads: j.downloads,
      fileExpired: j.fileExpired,
    }));
  }

  close(): void {
    if (this.dir) removeTempFolder(this.dir);
    this.dir = undefined;
  }

  private find(exportId: string, object: BulkObject): Job | undefined {
    const job = this.jobs.get(exportId);
    if (!job || job.spec.object !== object) return undefined;
    // Statuses are kept for 30 days after a job finished (Bulk Extract).
    if (job.finishedAt !== undefined && this.opts.now() - job.finishedAt > MarketoFacts.BULK_STATUS_RETENTION_DAYS * DAY_MS) return undefined;
    return job;
  }

  private quotaRefusal(): Refusal | undefined {
    const mb = this.opts.dailyQuotaMb;
    if (mb === null) return undefined;
    this.rollDay();
    return this.exportedBytes >= mb * MB ? { code: MarketoFacts.ERR_BULK_EXPORT_LIMIT, message: MarketoFacts.exportQuotaMessage(mb) } : undefined;
  }

  private rollDay(): void {
    const day = centralDayOf(this.opts.now());
    if (day !== this.exportedDay) {
      this.exportedDay = day;
      this.exportedBytes = 0;
    }
  }

  /** Replays every start and completion due by now, in time order. */
  private advance(): void {
    const now = this.opts.now();
    const step = this.opts.stepMs;
    for (;;) {
      const processing = this.queue.filter((j) => j.status === 'Processing');
      let next: { at: number; job: Job; kind: 'start' | 'finish' } | undefined;
      for (const job of processing) {
        const at = (job.startedAt as number) + step;
        if (!next || at < next.at) next = { at, job, kind: 'finish' };
      }
      if (processing.length < MarketoFacts.BULK_MAX_PROCESSING_JOBS) {
        const waiting = this.queue.find((j) => j.status === 'Queued');
        if (waiting) {
          const at = Math.max((waiting.queuedAt as number) + step, this.replayedTo);
          if (!next || at < next.at) next = { at, job: waiting, kind: 'start' };
        }
      }
      if (!next || next.at > now) break;
      this.replayedTo = next.at;
      if (next.kind === 'start') {
        next.job.status = 'Processing';
        next.job.startedAt = next.at;
      } else {
        this.finish(next.job, next.at);
      }
    }
    for (const job of this.jobs.values()) {
      if (job.finishedAt !== undefined && now - job.finishedAt > this.opts.fileRetentionDays * DAY_MS) this.expire(job);
    }
  }

  private finish(job: Job, at: number): void {
    this.queue = this.queue.filter((j) => j !== job);
    job.finishedAt = at;
    if (this.failNext > 0) {
      this.failNext--;
      job.status = 'Failed';
      job.errorMsg = 'Export failed: internal error';
      return;
    }
    this.dir ??= makeTempFolder('sandbox-bulk');
    const path = join(this.dir, `${job.exportId}.csv`);
    const fd = openSync(path, 'w');
    const hash = createHash('sha256');
    let size = 0;
    let pending: string[] = [];
    let pendingLength = 0;
    const flush = (): void => {
      if (pending.length === 0) return;
      const chunk = Buffer.from(pending.join(''), 'utf8');
      writeSync(fd, chunk);
      hash.update(chunk);
      size += chunk.length;
      pending = [];
      pendingLength = 0;
    };
    let records: number;
    try {
      records = this.opts.writeFile(job.spec, (text) => {
        pending.push(text);
        pendingLength += text.length;
        if (pendingLength >= 1 << 20) flush();
      });
      flush();
    } finally {
      closeSync(fd);
    }
    job.status = 'Completed';
    job.filePath = path;
    job.fileSize = size;
    job.numberOfRecords = records;
    job.fileChecksum = `sha256:${hash.digest('hex')}`;
    // The allowance is metered on the size of the files jobs produce (Bulk Extract).
    this.rollDay();
    this.exportedBytes += size;
  }

  private expire(job: Job): void {
    if (job.status !== 'Completed' || job.fileExpired) return;
    job.fileExpired = true;
    if (job.filePath) rmSync(job.filePath, { force: true });
  }

  private record(job: Job): BulkJobRecord {
    const out: BulkJobRecord = { exportId: job.exportId, format: job.spec.format, status: job.status, createdAt: iso(job.createdAt) };
    if (job.queuedAt !== undefined) out.queuedAt = iso(job.queuedAt);
    if (job.startedAt !== undefined) out.startedAt = iso(job.startedAt);
    if (job.finishedAt !== undefined) out.finishedAt = iso(job.finishedAt);
    if (job.status === 'Completed') {
      out.numberOfRecords = job.numberOfRecords;
      out.fileSize = job.fileSize;
      out.fileChecksum = job.fileChecksum;
    }
    if (job.errorMsg !== undefined) out.errorMsg = job.errorMsg;
    return out;
  }
}

// Marketo documentation cited above by page name:
// - Bulk Extract: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/bulk-extract/bulk-extract
