import { expect } from 'chai';
import { startSandbox, Sandbox } from '../../sandbox';
import { catalogFor, discover, read, sourceConfig } from './support';

// The row_estimate Airbyte draws its progress bar from is within a factor of 2 of what the sync
// emits, whatever the shape of the history: dense, sparse, in daily bursts, or a short burst
// months after start_date (the 25,750,944 for 2,000 activities). Every estimate a sync
// sends (the first, and those its walks send as they read) is bounded so.

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const isoSecond = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

interface Shape {
  name: string;
  start(): Promise<Sandbox>;
  startDate: string;
  /** Only the bound above applies to the first estimate (see the shape). */
  firstMayBeLow?: boolean;
}

const now = Date.now();
const SHAPES: Shape[] = [
  {
    name: 'dense: 8,000 activities over the last two hours',
    startDate: isoSecond(now - 30 * DAY_MS),
    start: () => startSandbox({ seed: 21, activityCount: 8000, leadCount: 300, startDate: isoSecond(now - (8000 / 1.2) * 1000), rateLimit: null }),
  },
  {
    name: 'sparse: 4,000 activities, a few at a time, over 20 days',
    startDate: isoSecond(now - 30 * DAY_MS),
    async start() {
      const sandbox = await startSandbox({ seed: 22, activityCount: 0, leadCount: 300, startDate: isoSecond(now - 21 * DAY_MS), rateLimit: null });
      for (let k = 0; k < 1000; k++) sandbox.addActivities(4, { at: isoSecond(now - 20 * DAY_MS + k * ((20 * DAY_MS) / 1000) + ((k * 7919) % 1200) * 1000) });
      return sandbox;
    },
  },
  {
    name: 'bursty: a batch campaign of 300 to 800 activities every morning for 20 days, a trickle between',
    startDate: isoSecond(now - 30 * DAY_MS),
    async start() {
      const sandbox = await startSandbox({ seed: 23, activityCount: 0, leadCount: 300, startDate: isoSecond(now - 21 * DAY_MS), rateLimit: null });
      const firstMorning = Math.floor((now - 20 * DAY_MS) / DAY_MS) * DAY_MS + 9 * HOUR_MS;
      for (let day = 0; day < 20; day++) {
        const morning = firstMorning + day * DAY_MS;
        sandbox.addActivities(300 + ((day * 137) % 500), { at: isoSecond(morning) });
        for (let k = 1; k <= 10; k++) sandbox.addActivities(1, { at: isoSecond(morning + k * 2 * HOUR_MS) });
      }
      return sandbox;
    },
  },
  {
    name: "one burst long after start_date: 2,000 activities on 2026-01-05 read from 2026-01-01 (the sandbox's default history)",
    startDate: '2026-01-01T00:00:00Z',
    // Nothing Marketo answers tells where a burst ends without reading it: the first estimate
    // counts the first page twice over (the burst lasting as long again), and the walk's pages
    // raise it as they read; it is never stretched over the months the burst did not fill.
    firstMayBeLow: true,
    start: () => startSandbox({ seed: 24, activityCount: 2000, leadCount: 200, rateLimit: null }),
  },
];

/**
 * Asserts every ESTIMATE of `stream` within a factor of 2 of the records it emitted (the first may
 * be low when `firstMayBeLow`), between 1 and 10 of them; SHOW_ESTIMATES=1 prints them.
 */
function expectEstimatesWithin2x(result: any, stream: string, firstMayBeLow = false): void {
  const records = result.records(stream).length;
  const estimates = result
    .traces('ESTIMATE')
    .filter((t: any) => t.estimate.name === stream)
    .map((t: any) => t.estimate.row_estimate as number);
  const why = `${stream}: estimates ${estimates.join(', ')} for ${records} records`;
  if (process.env.SHOW_ESTIMATES) console.log(`      ${why}`);
  expect(estimates.length, why).to.be.within(1, 10);
  const ratios = estimates.map((e: number) => e / records);
  for (const ratio of ratios) expect(ratio, why).to.be.at.most(2);
  for (const ratio of firstMayBeLow ? ratios.slice(-1) : ratios) expect(ratio, why).to.be.at.least(0.5);
}

describe('row_estimate of a first sync of activities and lead_changes is within a factor of 2 of the records emitted, on histories of every shape', function () {
  this.timeout(120_000);
  for (const shape of SHAPES) {
    it(shape.name, async () => {
      const sandbox = await shape.start();
      try {
        const config = sourceConfig(sandbox, { start_date: shape.startDate, extraction_method: 'rest' });
        const catalog = catalogFor(await discover(config), ['activities', 'lead_changes']);
        const result = await read(config, catalog);
        expect(result.exitCode, result.stderr).to.equal(0);
        for (const stream of ['activities', 'lead_changes']) {
          expect(result.records(stream).length, stream).to.be.greaterThan(stream === 'activities' ? 1000 : 100);
          expectEstimatesWithin2x(result, stream, shape.firstMayBeLow);
        }
      } finally {
        await sandbox.close();
      }
    });
  }
});

describe('row_estimate of a long history read in time windows: the first page of each window is its sample, at no extra call', function () {
  this.timeout(120_000);
  it('dense: 20,000 web visits and email opens over five hours, one type group, read in windows', async () => {
    const sandbox = await startSandbox({ seed: 25, activityCount: 0, leadCount: 300, startDate: isoSecond(now - DAY_MS), rateLimit: null });
    try {
      sandbox.addActivities(20_000, { at: isoSecond(now - (20_000 / 1.2) * 1000), typeIds: [1, 10] });
      const config = sourceConfig(sandbox, { start_date: isoSecond(now - 30 * DAY_MS), extraction_method: 'rest', activity_type_ids: [1, 10] });
      const catalog = catalogFor(await discover(config), ['activities']);
      sandbox.counters.reset();
      const result = await read(config, catalog);
      expect(result.exitCode, result.stderr).to.equal(0);
      const split = result
        .logs()
        .map((l: any) => /^activities: reading (\d+) time windows in parallel, 1 type group\(s\) each\.$/.exec(l.message))
        .find(Boolean);
      // Windows split off the rest of a window whose walk was left alone (window-splits.ts) are windows too.
      const splitOff = result
        .logs()
        .map((l: any) =>
          /^activities: 1 walk\(s\) left reading a window, at \S+; (\d+) more window\(s\) split off its rest, read in parallel\.$/.exec(l.message),
        )
        .reduce((n: number, m: RegExpExecArray | null) => n + (m ? Number(m[1]) : 0), 0);
      const windows = Number(split?.[1]) + splitOff;
      expect(Number(split?.[1])).to.be.at.least(2);
      // One paging token per window, and no page beyond the walks' own (at most one part-filled page per window).
      expect(sandbox.counters.byEndpoint()['GET /rest/v1/activities/pagingtoken.json']).to.equal(windows);
      const records = result.records('activities').length;
      expect(records).to.equal(20_000);
      expect(sandbox.counters.byEndpoint()['GET /rest/v1/activities.json']).to.be.at.most(Math.ceil(records / 300) + windows);
      expectEstimatesWithin2x(result, 'activities');
    } finally {
      await sandbox.close();
    }
  });
});

describe("row_estimate of the first leads sync: the probe's sample of the id range, within a factor of 2", function () {
  this.timeout(120_000);
  const TWO_DAYS_AGO = isoSecond(now - 2 * DAY_MS);
  const cases: Array<[string, number, (id: number) => boolean]> = [
    ['20 leads (no padding to a range of 600 ids)', 20, () => true],
    ['dense: 3,000 leads, none deleted', 3000, () => true],
    ['sparse: 6,000 ids, 9 in 10 deleted', 6000, (id) => id % 10 === 3],
    ['bursty: 6,000 ids, two blocks live (1-1,000 and 4,501-5,000), the rest deleted', 6000, (id) => id <= 1000 || (id > 4500 && id <= 5000)],
  ];
  for (const [name, leadCount, live] of cases) {
    it(name, async () => {
      const sandbox = await startSandbox({ seed: 31, activityCount: 50, leadCount, rateLimit: null });
      try {
        // Deleted two days ago: before the change walks' look-back, so the sync emits the live leads only.
        for (let id = 1; id <= leadCount; id++) if (!live(id)) sandbox.deleteLead(id, { at: TWO_DAYS_AGO });
        const config = sourceConfig(sandbox, { extraction_method: 'rest' });
        const result = await read(config, catalogFor(await discover(config), ['leads']));
        expect(result.exitCode, result.stderr).to.equal(0);
        expect(result.records('leads').length).to.equal(sandbox.leads().length);
        expectEstimatesWithin2x(result, 'leads');
      } finally {
        await sandbox.close();
      }
    });
  }
});
