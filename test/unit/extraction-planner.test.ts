import { expect } from 'chai';
import { Readable } from 'node:stream';
import { BulkExportEndpoints, BulkJob } from '../../marketo/bulk-export';
import { BulkExportQuotaExhaustedError } from '../../marketo/errors';
import {
  bulkWindowsOver,
  chooseHistoryPath,
  chooseLeadsCatchUp,
  centralDay,
  ExportMeter,
  ExtractionMethod,
  firstBulkWindow,
  whenAllowanceSpent,
} from '../../source-marketo/extraction-planner';
import { BulkAllowanceSpentError, BulkBackfillState, newBulkState, readBulkWindows, windowSpan } from '../../source-marketo/streams/bulk-backfill';
import { estimateRecords } from '../../source-marketo/streams/bulk-history';
import { planBulkLeads } from '../../source-marketo/streams/bulk-leads';
import { ReadContext } from '../../source-marketo/streams/stream';

// The planner's decisions, shape by shape: which path a history takes (rest, bulk, auto), how
// long each bulk window is under the export allowance, and what happens when the allowance
// cannot take the next window (REST within the call budget, or a clean stop for the next day).

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MB = 1024 * 1024;
const KB = 1024;
const NOW = Date.parse('2026-11-30T18:00:00Z');
const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

/** Windows one after the other, between these days: chain(0, 1, 32) is [[0, 1], [1, 32]]. */
const chain = (...days: number[]): number[][] => days.slice(1).map((to, i) => [days[i], to]);

describe('extraction planner', () => {
  describe('chooseHistoryPath: which path a history starts on', () => {
    const cases: Array<[ExtractionMethod, number, number | undefined, 'bulk' | 'rest', string]> = [
      ['rest', 400 * DAY, 10_000_000, 'rest', 'rest never exports'],
      ['bulk', 400 * DAY, undefined, 'bulk', 'bulk exports any long history, estimated or not'],
      ['bulk', 2 * DAY, 10, 'bulk', 'bulk, two days of ten records'],
      ['bulk', DAY - 1000, 10_000_000, 'rest', 'bulk, under a day: an incremental sync'],
      ['auto', 90 * DAY, undefined, 'rest', 'auto without an estimate (empty first pages)'],
      ['auto', 90 * DAY, 29_700, 'rest', 'auto, 99 REST calls'],
      ['auto', 90 * DAY, 29_701, 'bulk', 'auto, 100 REST calls'],
      ['auto', 90 * DAY, 4_500_000, 'bulk', 'auto, 15,000 REST calls'],
      ['auto', 12 * HOUR, 4_500_000, 'rest', 'auto, a dense half day: shorter than a bulk window is worth'],
    ];
    for (const [method, span, records, want, name] of cases) {
      it(`${name} → ${want}`, () => {
        expect(chooseHistoryPath(method, iso(NOW - span), NOW, records === undefined ? undefined : { records })).to.equal(want);
      });
    }
  });

  describe('chooseLeadsCatchUp: an incremental leads sync whose change walks are far behind', () => {
    // [method, pause, REST calls the bulk catch-up saves, export MB, MB left today, want, why]
    const cases: Array<[ExtractionMethod, number, number | undefined, number, number, 'bulk' | 'rest', string]> = [
      ['rest', 60 * DAY, 50_000, 1, 500, 'rest', 'rest never exports'],
      ['bulk', 60 * DAY, undefined, 1, 500, 'bulk', 'bulk past a day, estimated or not'],
      ['bulk', 2 * DAY, 3, 1, 500, 'bulk', 'bulk, two days of three calls: the reliable way still'],
      ['bulk', DAY - 1000, 50_000, 1, 500, 'rest', 'bulk, under a day: an incremental sync'],
      ['auto', DAY - 1000, 50_000, 1, 500, 'rest', 'auto, under a day: an incremental sync'],
      ['auto', 10 * DAY, undefined, 1, 500, 'rest', 'auto without an estimate'],
      // Ten days whose files fit the allowance left twice over: one window, 6 calls, and 2 to restart Get Lead Changes after it; twice that saved.
      ['auto', 10 * DAY, 16, 1, 500, 'rest', 'auto, ten days, 16 REST calls, files that fit: not twice one window'],
      ['auto', 10 * DAY, 17, 1, 500, 'bulk', 'auto, ten days, 17 REST calls, files that fit: one window'],
      // Ten days of files heavier than half the allowance left: a probe day and one window, 2 × 6 + 2 = 14 calls.
      ['auto', 10 * DAY, 28, 300, 500, 'rest', 'auto, ten days, 28 REST calls, a tight allowance: not twice 14'],
      ['auto', 10 * DAY, 29, 300, 500, 'bulk', 'auto, ten days, 29 REST calls, a tight allowance'],
      // Forty days: a first day and two windows (31 + 8), 3 × 6 + 2 = 20 calls, however small the files.
      ['auto', 40 * DAY, 40, 1, 500, 'rest', 'auto, forty days, 40 REST calls'],
      ['auto', 40 * DAY, 41, 1, 500, 'bulk', 'auto, forty days, 41 REST calls'],
      ['auto', 10 * DAY, 5_000, 600, 500, 'rest', 'auto, files heavier than the export allowance left'],
      ['auto', 10 * DAY, 5_000, 500, 500, 'bulk', 'auto, files that just fit the allowance left'],
      ['bulk', 10 * DAY, 5_000, 600, 500, 'bulk', 'bulk, files heavier than the allowance: the bulk part waits for the next day'],
    ];
    for (const [method, pauseMs, restCalls, exportMb, leftMb, want, name] of cases) {
      it(`${name} → ${want}`, () => {
        expect(chooseLeadsCatchUp({ method, pauseMs, restCalls, exportBytes: exportMb * MB, exportBytesLeft: leftMb * MB })).to.equal(want);
      });
    }
    it('windows: a first day, then up to 31 days each', () => {
      expect([DAY, 2 * DAY, 32 * DAY, 33 * DAY, 94 * DAY].map((span) => bulkWindowsOver(span))).to.deep.equal([1, 2, 2, 3, 4]);
    });
  });

  describe('firstBulkWindow: a catch-up read whole, or a probe day first', () => {
    // [span, estimated MB (undefined: none), MB left today, first window, windows (bulkWindowsOver), why]
    const cases: Array<[number, number | undefined, number, 'whole' | 'probe', number, string]> = [
      [DAY + 10 * 60_000, 10, 500, 'whole', 1, 'a daily sync (a day and the look-back), 10 MB of 500 left'],
      [10 * DAY, 250, 500, 'whole', 1, 'ten days, exactly half the allowance left'],
      [10 * DAY, 250.001, 500, 'probe', 2, 'ten days, just over half the allowance left: tight'],
      [DAY + 10 * 60_000, 10, 15, 'probe', 2, 'a daily sync whose estimate fits once but not twice'],
      [DAY + 10 * 60_000, undefined, 500, 'probe', 2, 'no estimate: the probe day measures'],
      [31 * DAY, 1, 500, 'whole', 1, 'thirty-one days, the longest window Marketo takes'],
      [31 * DAY + 1000, 1, 500, 'probe', 2, 'past thirty-one days: a probe and windows'],
      [DAY + 10 * 60_000, 0, 0, 'probe', 2, 'nothing left today: the reader stops or hands over to REST'],
    ];
    for (const [span, estimatedMb, leftMb, want, windows, name] of cases) {
      it(`${name} → ${want}, ${windows} window(s)`, () => {
        const bytes = estimatedMb === undefined ? undefined : estimatedMb * MB;
        expect(firstBulkWindow(span, bytes, leftMb * MB)).to.equal(want);
        expect(bulkWindowsOver(span, bytes, leftMb * MB)).to.equal(windows);
      });
    }
    it('windowSpan reads a catch-up whose estimate fits as one window of the whole span, and probes one that is tight', () => {
      const from = iso(NOW - DAY - 600_000);
      const state = (estimatedMb: number): BulkBackfillState => ({ ...newBulkState(from, iso(NOW), 5_000), estimatedBytes: estimatedMb * MB });
      expect(windowSpan(state(10), from, 500 * MB)).to.equal(DAY + 600_000);
      expect(windowSpan(state(300), from, 500 * MB)).to.equal(DAY);
      expect(windowSpan(newBulkState(from, iso(NOW), 5_000), from, 500 * MB)).to.equal(DAY);
    });
  });

  describe('whenAllowanceSpent: the history the export allowance cannot take today', () => {
    const cases: Array<[ExtractionMethod, number, number | undefined, 'rest' | 'stop', string]> = [
      ['auto', 3_000_000, undefined, 'rest', 'auto, 10,000 calls, no budget set (10,000 for history)'],
      ['auto', 3_000_001, undefined, 'stop', 'auto, 10,001 calls, no budget set (10,000 for history)'],
      ['auto', 2_999_700, undefined, 'rest', 'auto, 9,999 calls, no budget set'],
      ['auto', 240_000, 800, 'rest', 'auto, 800 calls, 800 left in the budget'],
      ['auto', 240_000, 799, 'stop', 'auto, 800 calls, 799 left'],
      ['auto', 0, 0, 'rest', 'auto, nothing left to read'],
      ['bulk', 300, 1_000_000, 'stop', 'bulk waits for the next day whatever the budget'],
      ['rest', 300, 1_000_000, 'stop', 'rest (never here: it has no bulk part)'],
    ];
    for (const [method, records, callsLeft, want, name] of cases) {
      it(`${name} → ${want}`, () => {
        expect(whenAllowanceSpent(method, records, callsLeft)).to.equal(want);
      });
    }
  });

  describe('windowSpan: how long the next window is', () => {
    const from = iso(NOW - 90 * DAY);
    const measured = (bytesPerDay: number) => ({ records: 3000, bytes: bytesPerDay, spanMs: DAY });
    const cases: Array<{ name: string; state: BulkBackfillState; room: number; days: number }> = [
      { name: 'nothing measured yet: a probe day', state: newBulkState(from, iso(NOW), 0), room: 500 * MB, days: 1 },
      { name: 'nothing measured, no room', state: newBulkState(from, iso(NOW), 0), room: 0, days: 0 },
      // 4,500,000 records over 90 days at 300 bytes a row: a probe day should weigh 15,000,000 bytes.
      { name: 'nothing measured, room for the probe day the first pages promise', state: newBulkState(from, iso(NOW), 4_500_000), room: 15_000_000, days: 1 },
      { name: 'nothing measured, a byte short of it: none', state: newBulkState(from, iso(NOW), 4_500_000), room: 14_999_999, days: 0 },
      { name: '10 MB a day, 500 MB of room: 31 days', state: { ...newBulkState(from, iso(NOW), 0), measured: measured(10 * MB) }, room: 500 * MB, days: 31 },
      { name: '10 MB a day, 95 MB of room: 9.5 days', state: { ...newBulkState(from, iso(NOW), 0), measured: measured(10 * MB) }, room: 95 * MB, days: 9.5 },
      {
        name: '10 MB a day, room for an hour: an hour',
        state: { ...newBulkState(from, iso(NOW), 0), measured: measured(240 * MB) },
        room: 10 * MB,
        days: 1 / 24,
      },
      {
        name: '10 MB a day, room for less than an hour: none',
        state: { ...newBulkState(from, iso(NOW), 0), measured: measured(240 * MB) },
        room: 10 * MB - 1,
        days: 0,
      },
      { name: '5 days of history left: 5 days', state: { ...newBulkState(from, iso(NOW - 85 * DAY), 0), measured: measured(MB) }, room: 500 * MB, days: 5 },
      { name: 'an empty history so far (0 bytes a day): 31 days', state: { ...newBulkState(from, iso(NOW), 0), measured: measured(0) }, room: 1, days: 31 },
    ];
    for (const c of cases) {
      it(`${c.name}`, () => {
        expect(windowSpan(c.state, from, c.room) / DAY).to.be.closeTo(c.days, 1e-9);
      });
    }
  });

  describe('ExportMeter: the allowance per US Central day', () => {
    it('counts bytes against the allowance and carries what a previous sync exported the same Central day only', () => {
      let now = Date.parse('2026-11-30T05:30:00Z'); // 23:30 in Chicago, November 29
      const meter = new ExportMeter(500, () => now);
      expect(meter.today).to.equal('2026-11-29');
      meter.carry('2026-11-28', 100 * MB);
      expect(meter.used).to.equal(0);
      meter.carry('2026-11-29', 100 * MB);
      meter.add(50 * MB);
      expect(meter.used).to.equal(150 * MB);
      expect(meter.left).to.equal(350 * MB);
      meter.add(400 * MB);
      expect(meter.left).to.equal(0);
      now += HOUR; // midnight in Chicago: a new allowance
      expect(meter.today).to.equal('2026-11-30');
      expect(meter.left).to.equal(500 * MB);
    });

    const days: Array<[string, string]> = [
      ['2026-07-01T04:59:59Z', '2026-06-30'],
      ['2026-07-01T05:00:00Z', '2026-07-01'], // CDT, UTC-5
      ['2026-12-01T05:59:59Z', '2026-11-30'],
      ['2026-12-01T06:00:00Z', '2026-12-01'], // CST, UTC-6
    ];
    for (const [at, day] of days) {
      it(`centralDay(${at}) = ${day}`, () => expect(centralDay(Date.parse(at))).to.equal(day));
    }
  });

  describe('estimateRecords: the history from samples at its start, a third and two thirds of the way', () => {
    /** A walk's page at `since`: `n` activities spread over `spanMs` (full when n = 300). */
    const page = (since: number, n: number, spanMs: number) => ({
      activities: Array.from({ length: n }, (_, i) => ({ activityDate: iso(since + Math.round(((i + 1) * spanMs) / n)) }) as never),
      moreResult: n === 300,
    });
    const start = NOW - 90 * DAY;
    const points = [0, 30, 60].map((d) => iso(start + d * DAY));
    const cases: Array<{ name: string; pages: number[][]; want: number }> = [
      // 300 records per 0.1 day = 3,000 a day, everywhere: 270,000 over 90 days.
      {
        name: 'even density',
        pages: [
          [300, 0.1],
          [300, 0.1],
          [300, 0.1],
        ],
        want: 270_000,
      },
      // A burst at the start: the first third counts at the density of its end.
      {
        name: 'a burst at the start only',
        pages: [
          [300, 0.001],
          [300, 0.1],
          [300, 0.1],
        ],
        want: 270_000,
      },
      // Quiet at the start: the first third counts at its start's density.
      {
        name: 'quiet at the start',
        pages: [
          [300, 1],
          [300, 0.1],
          [300, 0.1],
        ],
        want: 9_000 + 180_000,
      },
      // The last third holds everything left in a part-filled page: its 150 records, spread to now.
      {
        name: 'a last page that holds everything left',
        pages: [
          [300, 0.1],
          [300, 0.1],
          [150, 10],
        ],
        want: 150 + 90_000 + 150,
      },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const samples = c.pages.map(([n, days], i) => [page(Date.parse(points[i]), n, days * DAY)]);
        expect(estimateRecords(points, samples, NOW)).to.be.closeTo(c.want, c.want * 0.01);
      });
    }
  });

  describe('planBulkLeads: the first full read of leads', () => {
    const ctx = (method: ExtractionMethod) => ({ config: { extractionMethod: method }, bulk: {}, exportMeter: {} }) as unknown as ReadContext;
    const cases: Array<{ name: string; method: ExtractionMethod; highestId: number; oldestDaysAgo: number | undefined; windows: boolean }> = [
      { name: 'rest', method: 'rest', highestId: 1_000_000, oldestDaysAgo: 700, windows: false },
      { name: 'no leads', method: 'bulk', highestId: 0, oldestDaysAgo: 700, windows: false },
      { name: 'bulk, ten leads', method: 'bulk', highestId: 10, oldestDaysAgo: 10, windows: true },
      { name: 'auto, 29,700 ids: 99 Get Leads calls', method: 'auto', highestId: 29_700, oldestDaysAgo: 10, windows: false },
      // 334 Get Leads calls; 2 years + a 31-day margin = 25 windows, + 1: 26 × 6 = 156 calls.
      { name: 'auto, 100,000 ids over two years', method: 'auto', highestId: 100_000, oldestDaysAgo: 730, windows: true },
      // 134 Get Leads calls; 3 years: 38 windows × 6 = 228 calls, dearer than REST.
      { name: 'auto, 40,000 ids over three years', method: 'auto', highestId: 40_000, oldestDaysAgo: 1095, windows: false },
      { name: 'auto, no oldest lead found', method: 'auto', highestId: 100_000, oldestDaysAgo: undefined, windows: false },
    ];
    for (const c of cases) {
      it(`${c.name} → ${c.windows ? 'bulk windows' : 'REST'}`, async () => {
        const plan = await planBulkLeads(
          ctx(c.method),
          c.highestId,
          async () => (c.oldestDaysAgo === undefined ? undefined : iso(NOW - c.oldestDaysAgo * DAY)),
          NOW,
        );
        expect(plan !== undefined).to.equal(c.windows);
        if (plan) {
          expect(plan).to.include({ next: iso(NOW - (c.oldestDaysAgo! + 31) * DAY), until: iso(NOW), filter: 'updatedAt', startedAt: iso(NOW) });
          expect(plan.jobs).to.deep.equal([]);
        }
      });
    }
  });

  describe('readBulkWindows: a 90-day history of 10 MB and 3,000 records a day under allowance and budget shapes', () => {
    /**
     * A Marketo whose jobs complete at once. Sizes are scaled down a thousandfold to keep files
     * small (a "MB" here is a KiB of real file): each window's file is one row padded to 10 such
     * MB per day of its span, and counts 3,000 records per day.
     */
    function fakeBulk(quotaMb = Infinity, recordsPerDay = 3000) {
      const downloads: string[] = [];
      const jobs: Array<{ exportId: string; from: string; to: string }> = [];
      let exported = 0;
      const sized = (j: { exportId: string; from: string; to: string }): BulkJob => {
        const days = (Date.parse(j.to) - Date.parse(j.from)) / DAY;
        return { exportId: j.exportId, status: 'Completed', fileSize: Math.round(days * 10 * KB), numberOfRecords: Math.round(days * recordsPerDay) };
      };
      const endpoints = {
        poll: { minMs: 1, maxMs: 1 },
        enqueue: async (_o: string, id: string) => ({ exportId: id, status: 'Queued' }),
        // Every poll asks Marketo (the jobs here complete at once).
        queuedAnswer: () => undefined,
        status: async (_o: string, id: string) => sized(jobs.find((j) => j.exportId === id)!),
        waitForEnd: async (_o: string, job: BulkJob) => job,
        file: async (_o: string, id: string) => {
          const j = jobs.find((x) => x.exportId === id)!;
          downloads.push(id);
          const start = `marketoGUID,activityDate,pad\n${jobs.indexOf(j) + 1},${j.from},`;
          return Readable.from([Buffer.from(`${start}${'x'.repeat(sized(j).fileSize! - start.length - 1)}\n`)]);
        },
      } as unknown as BulkExportEndpoints;
      const create = async (from: string, to: string): Promise<BulkJob> => {
        if (exported >= quotaMb * KB) throw new BulkExportQuotaExhaustedError('1029 Export daily quota exceeded', '1029');
        const job = { exportId: `job-${jobs.length + 1}`, from, to };
        jobs.push(job);
        exported += sized(job).fileSize!;
        return { exportId: job.exportId, status: 'Created' };
      };
      return { endpoints, create, jobs, downloads };
    }

    async function run(method: ExtractionMethod, allowanceMb: number, callsLeft: number | undefined, quotaMb?: number, recordsPerDay?: number) {
      const bulk = fakeBulk(quotaMb, recordsPerDay);
      const logs: string[] = [];
      // The first pages' estimate, in rows of 300 bytes: a probe day of 10 (scaled) MB.
      const state = newBulkState(iso(NOW - 90 * DAY), iso(NOW), (90 * 10 * KB) / 300);
      const ctx = {
        bulk: bulk.endpoints,
        method,
        meter: new ExportMeter((allowanceMb * KB) / MB, () => NOW),
        callsLeft: () => callsLeft,
        log: (_level: string, message: string) => logs.push(message),
        streamName: 'activities',
      };
      const source = {
        object: 'activities' as const,
        create: bulk.create,
        item: (row: Record<string, string | null>) => row.marketoGUID,
        identify: () => undefined,
      };
      const items: unknown[] = [];
      let error: Error | undefined;
      try {
        for await (const page of readBulkWindows(ctx, source, state)) items.push(...page.items);
      } catch (err) {
        error = err as Error;
      }
      const windows = bulk.jobs.map((j) => [(Date.parse(j.from) - (NOW - 90 * DAY)) / DAY, (Date.parse(j.to) - (NOW - 90 * DAY)) / DAY]);
      return { windows, until: (Date.parse(state.until) - (NOW - 90 * DAY)) / DAY, error, logs, items, downloads: bulk.downloads.length };
    }

    it('1,000 MB, bulk: a probe day, then 31, 31 and 27 days; the whole history (900 MB) through files', async () => {
      const r = await run('bulk', 1000, undefined);
      expect(r.error).to.equal(undefined);
      expect(r.windows).to.deep.equal(chain(0, 1, 32, 63, 90));
      expect(r.until).to.equal(90);
      expect(r.items).to.deep.equal(['1', '2', '3', '4']);
      expect(r.downloads).to.equal(4);
    });

    it('windows whose jobs found no record are not downloaded (a header only): the calls go to the files that hold records', async () => {
      const r = await run('bulk', 1000, undefined, undefined, 0);
      expect(r.error).to.equal(undefined);
      expect(r.windows).to.have.length(4);
      expect(r.downloads).to.equal(0);
    });

    it('100 MB, auto, no budget: the probe day and 9 days fill the allowance; the other 80 days (240,000 records, 800 calls) go to REST', async () => {
      const r = await run('auto', 100, undefined);
      expect(r.error).to.equal(undefined);
      expect(r.windows).to.deep.equal(chain(0, 1, 10));
      expect(r.until).to.equal(10);
      expect(r.logs).to.deep.equal([
        `activities: the export allowance left today does not fit the history from ${iso(NOW - 80 * DAY)}; reading it through REST (about 800 calls).`,
      ]);
    });

    it('100 MB, auto, 799 calls left: the same 10 days through files, then a clean stop with the state saved for the next day', async () => {
      const r = await run('auto', 100, 799);
      expect(r.windows).to.deep.equal(chain(0, 1, 10));
      expect(r.error).to.be.instanceOf(BulkAllowanceSpentError);
      expect(r.error?.message).to.match(/bulk_export_mb_per_day \(.* MB\) is spent for today with history from .* still to read/);
      expect(r.items).to.deep.equal(['1', '2']);
    });

    it('100 MB, bulk, budget to spare: bulk waits for the next day rather than spend calls', async () => {
      const r = await run('bulk', 100, 1_000_000);
      expect(r.windows).to.have.length(2);
      expect(r.error).to.be.instanceOf(BulkAllowanceSpentError);
    });

    it("Marketo's own 1029 (other integrations spent the subscription's 500 MB): what was exported is read, then the quota error stops the bulk part", async () => {
      const r = await run('bulk', 500, undefined, 100);
      expect(r.windows).to.deep.equal(chain(0, 1, 32));
      expect(r.items).to.deep.equal(['1', '2']);
      expect(r.error).to.be.instanceOf(BulkExportQuotaExhaustedError);
    });
  });
});
