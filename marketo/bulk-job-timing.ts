import { BULK_MAX_PROCESSING_JOBS } from './constants';

// When a bulk export job should be done, from what the jobs this sync already saw finish measured,
// so that its first status poll comes when it is expected to have ended rather than a minute
// after it was queued (and again at each step of the back-off). Marketo runs two jobs of the
// subscription at once and starts queued ones in order (Bulk Extract: Limits, Queue); a job's
// status record carries queuedAt, startedAt and finishedAt, whole seconds of Marketo's clock.
// https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/bulk-extract/bulk-extract

/** What a job that finished measured (from its status record: durations, so clocks need not agree). */
export interface MeasuredJob {
  records: number;
  /** queuedAt → startedAt. */
  waitMs: number;
  /** startedAt → finishedAt. */
  processingMs: number;
}

/** A job of ours, in the queue or ended. */
export interface PendingJob {
  /** When the enqueue answer came back (our clock). */
  queuedAt: number;
  /** Records it should export (from the records per unit of history its stream measured), if known. */
  records?: number;
  /** When it ended (our clock), once a status answer showed it: it held its processing slot until then. */
  finishedAt?: number;
}

/** How long jobs take, as the finished ones measured. */
export interface JobTimingModel {
  /** queued → started with a processing slot free: the shortest wait measured (longer ones waited for a slot). */
  waitMs: number;
  processingMs(records: number | undefined): number;
}

/**
 * The model of a set of measured jobs, or undefined with none. Processing time is a line
 * `a + b × records` (a, b ≥ 0) fitted by least squares when the jobs measured differ in size, and
 * their mean while they do not (no extrapolation from one size: a job bigger than any measured is
 * expected as soon as the measured ones took, so a fixed cost is never scaled into a long wait;
 * the poll that finds it still running backs off as usual).
 */
export function timingModel(measured: MeasuredJob[]): JobTimingModel | undefined {
  if (measured.length === 0) return undefined;
  const waitMs = Math.max(0, Math.min(...measured.map((m) => m.waitMs)));
  const n = measured.length;
  const meanX = measured.reduce((s, m) => s + m.records, 0) / n;
  const meanY = measured.reduce((s, m) => s + Math.max(0, m.processingMs), 0) / n;
  const sxx = measured.reduce((s, m) => s + (m.records - meanX) ** 2, 0);
  let a = meanY;
  let b = 0;
  if (sxx > 0) {
    const sxy = measured.reduce((s, m) => s + (m.records - meanX) * (Math.max(0, m.processingMs) - meanY), 0);
    b = sxy / sxx;
    a = meanY - b * meanX;
    if (b < 0) {
      // Bigger jobs measured faster: no size effect to speak of.
      a = meanY;
      b = 0;
    } else if (a < 0) {
      // Through the origin: time proportional to size.
      const sx2 = measured.reduce((s, m) => s + m.records ** 2, 0);
      a = 0;
      b = measured.reduce((s, m) => s + m.records * Math.max(0, m.processingMs), 0) / sx2;
    }
  }
  return { waitMs, processingMs: (records) => Math.round(records === undefined ? meanY : a + b * records) };
}

/**
 * When the last job of `queue` (our jobs in the order they were queued, ended ones included) is
 * expected to finish (our clock): each starts a wait after it was queued or when one of the
 * `slots` processing slots frees, whichever is later, and takes its processing time; one that
 * ended holds its slot until it did. Undefined without a model. Other integrations' jobs are
 * unknown to it: they can only make a job later, and the poll that finds it still running backs
 * off.
 */
export function expectedFinish(queue: PendingJob[], model: JobTimingModel | undefined, slots = BULK_MAX_PROCESSING_JOBS): number | undefined {
  if (!model || queue.length === 0) return undefined;
  const free: number[] = Array.from({ length: Math.max(1, slots) }, () => -Infinity);
  let finish = -Infinity;
  for (const job of queue) {
    free.sort((x, y) => x - y);
    finish = job.finishedAt ?? Math.max(job.queuedAt + model.waitMs, free[0]) + model.processingMs(job.records);
    free[0] = finish;
  }
  return finish;
}

/**
 * How long to wait before the first status poll of a job: until it is expected to have finished
 * (plus `marginMs`, as Marketo's times are whole seconds), and never sooner than `minMs` after the
 * last answer about it (the enqueue); `minMs` after that answer when nothing is expected yet.
 */
export function firstPollDelay(now: number, lastAnswerAt: number, expected: number | undefined, minMs: number, marginMs: number): number {
  const earliest = lastAnswerAt + minMs;
  const at = expected === undefined ? earliest : Math.max(earliest, expected + marginMs);
  return Math.max(0, Math.round(at - now));
}
