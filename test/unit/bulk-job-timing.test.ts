import { expect } from 'chai';
import { BulkExportEndpoints, BulkJob } from '../../marketo/bulk-export';
import { expectedFinish, firstPollDelay, MeasuredJob, PendingJob, timingModel } from '../../marketo/bulk-job-timing';
import { MarketoClient } from '../../marketo/client';

// When a bulk job's first status poll comes: the model of what finished jobs measured, the queue
// of our own jobs through Marketo's two processing slots, and the delay itself.

const S = 1000;
const MIN = 60 * S;
const job = (records: number, waitMs: number, processingMs: number): MeasuredJob => ({ records, waitMs, processingMs });

describe('bulk job timing', () => {
  describe('timingModel: processing time by size, and the wait for a free slot', () => {
    const cases: Array<[string, MeasuredJob[], Array<[number | undefined, number]>, number | undefined]> = [
      ['nothing measured: no model', [], [], undefined],
      [
        'one job: its time whatever the size (a fixed cost is never scaled up)',
        [job(1000, 60 * S, 120 * S)],
        [
          [1000, 120 * S],
          [31_000, 120 * S],
          [undefined, 120 * S],
        ],
        60 * S,
      ],
      ['jobs of one size: their mean', [job(500, 60 * S, 60 * S), job(500, 120 * S, 120 * S)], [[5000, 90 * S]], 60 * S],
      [
        'time proportional to size (Marketo: 68 minutes for 122,323 records in its example)',
        [job(10_000, 3 * MIN, 6 * MIN), job(100_000, 3 * MIN, 60 * MIN)],
        [
          [50_000, 30 * MIN],
          [200_000, 120 * MIN],
          [0, 0],
        ],
        3 * MIN,
      ],
      [
        'a fixed cost plus a cost per record',
        [job(1000, S, 11 * S), job(3000, S, 13 * S), job(5000, S, 15 * S)],
        [
          [2000, 12 * S],
          [10_000, 20 * S],
        ],
        S,
      ],
      [
        'a fixed step whatever the size (the sandbox): the same time for every size',
        [job(4000, S, S), job(120_000, S, S)],
        [
          [300_000, S],
          [10, S],
        ],
        S,
      ],
      ['bigger jobs measured faster: no size effect, the mean', [job(1000, S, 10 * S), job(9000, S, 6 * S)], [[50_000, 8 * S]], S],
      [
        'a line through negative time at zero: proportional instead',
        [job(1000, S, S), job(2000, S, 10 * S)],
        [
          [1000, 4200],
          [4000, 16_800],
        ],
        S,
      ],
      ['the shortest wait is the free-slot wait (longer ones waited for a slot)', [job(1, 3 * S, S), job(1, S, S), job(1, 7 * S, S)], [], S],
    ];
    for (const [name, measured, expectations, wait] of cases) {
      it(name, () => {
        const model = timingModel(measured);
        if (wait === undefined) return expect(model).to.equal(undefined);
        expect(model!.waitMs).to.equal(wait);
        for (const [records, want] of expectations) expect(model!.processingMs(records), `${records} records`).to.equal(want);
      });
    }
  });

  describe('expectedFinish: our queued jobs through two processing slots', () => {
    const fixed = timingModel([job(1000, S, S)]); // the sandbox at a step of 1 s: 1 s queued, 1 s processing
    const perRecord = timingModel([job(1000, 0, 10 * S), job(2000, 0, 20 * S)]); // 10 ms a record
    const at = (queuedAt: number, records?: number): PendingJob => ({ queuedAt, ...(records === undefined ? {} : { records }) });
    const ended = (queuedAt: number, finishedAt: number): PendingJob => ({ queuedAt, finishedAt });
    const cases: Array<[string, PendingJob[], ReturnType<typeof timingModel>, number | undefined]> = [
      ['no model: nothing expected', [at(0)], undefined, undefined],
      ['alone: queued, waits, processes', [at(100)], fixed, 2100],
      ['second of two queued together: both slots free', [at(0), at(0)], fixed, 2000],
      ['third of three queued together: waits for the first to free its slot', [at(0), at(0), at(0)], fixed, 3000],
      ['fourth of four: the second slot frees', [at(0), at(0), at(0), at(0)], fixed, 3000],
      ['fifth of five', [at(0), at(0), at(0), at(0), at(0)], fixed, 4000],
      ['queued after the slots freed: its own wait only', [at(0), at(0), at(5000)], fixed, 7000],
      ['sizes: a big job ahead holds its slot longer', [at(0, 3000), at(0, 1000), at(0, 1000)], perRecord, 20_000],
      ['sizes: the job itself, by its records', [at(0, 500)], perRecord, 5000],
      ['sizes unknown: the mean', [at(0)], perRecord, 15_000],
      ['the two ahead ended (at 2 s): they held both slots until then', [ended(0, 2000), ended(0, 2000), at(0)], fixed, 3000],
      ['the two ahead ended early: the third starts after its own wait', [ended(0, 500), ended(0, 500), at(0)], fixed, 2000],
      ['one ahead ended late, one still running: the earlier slot', [ended(0, 5000), at(0), at(0)], fixed, 3000],
      ['a job of an earlier stream ended long ago: no effect', [ended(-60_000, -58_000), at(0)], fixed, 2000],
    ];
    for (const [name, queue, model, want] of cases) {
      it(name, () => {
        expect(expectedFinish(queue, model)).to.equal(want);
      });
    }
    it('one slot: each job after the one before it', () => {
      expect(expectedFinish([at(0), at(0), at(0)], fixed, 1)).to.equal(4000);
    });
  });

  describe('BulkExportEndpoints: the first poll of our jobs, from what the jobs of the sync measured', () => {
    /** A Marketo whose answers the test sets, on a clock the test moves; Marketo's clock runs an hour ahead of ours. */
    function fakeMarketo() {
      let now = 1_000_000;
      const skew = 3600_000;
      const jobs = new Map<string, BulkJob>();
      const iso = (ms: number) => new Date(ms + skew).toISOString().replace('.000Z', 'Z');
      const client = {
        post: async (path: string) => {
          const id = /export\/([^/]+)\/enqueue/.exec(path)![1];
          const job: BulkJob = { exportId: id, status: 'Queued', queuedAt: iso(now) };
          jobs.set(id, job);
          return { result: [job] };
        },
        get: async (path: string) => ({ result: [jobs.get(/export\/([^/]+)\/status/.exec(path)![1])!] }),
      } as unknown as MarketoClient;
      const endpoints = new BulkExportEndpoints(client, () => now);
      return {
        endpoints,
        at: (ms: number) => (now = ms),
        finish: (id: string, startedAt: number, finishedAt: number, records: number) =>
          Object.assign(jobs.get(id)!, { status: 'Completed', startedAt: iso(startedAt), finishedAt: iso(finishedAt), numberOfRecords: records }),
      };
    }

    it('the first job of a sync: the minimum interval after its enqueue; then by the jobs before it, which hold their slots until they ended', async () => {
      const m = fakeMarketo();
      await m.endpoints.enqueue('activities', 'probe', undefined);
      expect(m.endpoints.firstDelay('probe')).to.deep.equal({ ms: MIN, expected: false });
      // The probe waited 2 minutes for a slot and ran 3.
      m.finish('probe', 1_000_000 + 2 * MIN, 1_000_000 + 5 * MIN, 1000);
      m.at(1_000_000 + 6 * MIN);
      expect((await m.endpoints.status('activities', 'probe')).status).to.equal('Completed');
      expect(m.endpoints.queuedAnswer('activities', 'probe')).to.equal(undefined);
      const t = 1_000_000 + 10 * MIN;
      m.at(t);
      for (const id of ['a', 'b', 'c']) await m.endpoints.enqueue('activities', id, 1000);
      expect(m.endpoints.queuedAnswer('activities', 'c')).to.include({ exportId: 'c', status: 'Queued' });
      // a and b: 2 + 3 minutes; c waits for a's slot: 2 + 3 + 3.
      expect(m.endpoints.firstDelay('a')).to.deep.equal({ ms: 5 * MIN + S, expected: true });
      expect(m.endpoints.firstDelay('c')).to.deep.equal({ ms: 8 * MIN + S, expected: true });
      // a and b ended a minute early (at 4 minutes): they held their slots until then, so c starts at 4.
      m.finish('a', t + MIN, t + 4 * MIN, 1000);
      m.finish('b', t + MIN, t + 4 * MIN, 1000);
      m.at(t + 4 * MIN + 10 * S);
      await m.endpoints.status('activities', 'a');
      await m.endpoints.status('activities', 'b');
      // Measured now: waits of 2 and 1 minutes (1 the free-slot one), runs of 3: c from 4 minutes, 3 minutes.
      expect(m.endpoints.firstDelay('c')).to.deep.equal({ ms: 3 * MIN - 10 * S + S, expected: true });
    });
  });

  describe('firstPollDelay: the first status poll of a job', () => {
    // now, enqueue answer at, expected finish, minimum interval, margin → delay
    const cases: Array<[string, number, number, number | undefined, number, number, number]> = [
      ['nothing expected: the minimum interval after the enqueue', 0, 0, undefined, MIN, S, MIN],
      ['nothing expected, the head reached late: at once', 5 * MIN, 0, undefined, MIN, S, 0],
      ['expected in ten minutes: then, and a second for whole-second times', 0, 0, 10 * MIN, MIN, S, 10 * MIN + S],
      ['expected sooner than the minimum interval: the minimum interval (polls a minute apart)', 0, 0, 10 * S, MIN, S, MIN],
      ['expected long ago (its file waited while others were read): at once', 30 * MIN, 0, 2 * MIN, MIN, S, 0],
      ['expected in a moment, the enqueue long past: the moment', 10 * MIN, 0, 10 * MIN + 500, MIN, S, 1500],
      ['shortened intervals (tests, bench)', 1000, 1000, 2000, 500, 500, 1500],
    ];
    for (const [name, now, answered, expected, minMs, margin, want] of cases) {
      it(name, () => {
        expect(firstPollDelay(now, answered, expected, minMs, margin)).to.equal(want);
      });
    }
  });
});
