import { expect } from 'chai';
import { expectedFinish, firstPollDelay, MeasuredJob, PendingJob, timingModel } from '../../marketo/bulk-job-timing';

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
