import { expect } from 'chai';
import { startSandbox, type Sandbox } from '../../sandbox';
import { ACTIVITIES_SCANNED_PER_CALL, DELETED_LEADS_RETENTION_DAYS, TYPE_DELETE_LEAD } from '../../sandbox/marketo-facts';
import { catalogFor, discover, guids, read, recent, sourceConfig, uniqueSorted } from './support';

// A first sync of deleted_leads through `auto` or `bulk` starts at Marketo's 14-day horizon (Get
// Deleted Leads "may prune deletions older than 14 days"): every call examines the next 2,000
// stored activities of every type, so a walk from a start_date two months back pays a call per
// block of the whole history. `rest` walks from start_date; a state's cursor is never moved.

const DAY_S = 86_400;
const DELETED_LEADS_PATH = 'GET /rest/v1/activities/deletedleads.json';
/** Bulk status polls every 50 ms in these tests (Adobe asks for a minute); the sandbox steps as fast. */
const BULK_ENV = { MARKETO_BULK_POLL_MS: '50' };
const BURST = 1150;

/**
 * Sixty days of activities of every type (Delete Lead among them, about one in a hundred), a
 * burst every three days from 58 days ago to 1 day ago: none near the 14-day horizon or the
 * 30-day cursor below. Deletions kept forever unless `opts` says otherwise.
 */
async function historySandbox(opts: Parameters<typeof startSandbox>[0] = {}): Promise<Sandbox> {
  const sandbox = await startSandbox({
    seed: 31,
    activityCount: 0,
    leadCount: 300,
    startDate: recent(60 * DAY_S),
    deletedLeadsRetentionDays: null,
    rateLimit: null,
    bulkExportStepMs: 0,
    ...opts,
  });
  for (let day = 58; day >= 1; day -= 3) sandbox.addActivities(BURST, { at: recent(day * DAY_S) });
  return sandbox;
}

const sinceDaysAgo = (days: number) => Date.now() - days * DAY_S * 1000;

describe("source-marketo: deleted_leads' first sync starts at the 14-day horizon in auto and bulk", function () {
  this.timeout(120_000);
  let sandbox: Sandbox;
  const start = recent(60 * DAY_S);
  afterEach(async () => {
    await sandbox?.close();
  });

  /** One call at a time: no window split off to use the call rate, so the walk's calls are its blocks. */
  const config = (extra: Record<string, unknown>) => sourceConfig(sandbox, { start_date: start, max_concurrent_calls: 1, ...extra });
  const stored = () => [...sandbox.activities()];
  const deletionsSince = (ms: number) =>
    stored()
      .filter((a) => a.activityTypeId === TYPE_DELETE_LEAD && Date.parse(a.activityDate) >= ms)
      .map((a) => a.marketoGUID)
      .sort();
  const storedSince = (ms: number) => stored().filter((a) => Date.parse(a.activityDate) >= ms).length;

  it('kept deletions: auto and bulk emit exactly those since the horizon in ⌈stored since / 2,000⌉ calls; rest all of them from start_date', async () => {
    sandbox = await historySandbox();
    const horizon = sinceDaysAgo(DELETED_LEADS_RETENTION_DAYS);
    const recentOnes = deletionsSince(horizon);
    const all = deletionsSince(Date.parse(start));
    expect(recentOnes.length).to.be.greaterThan(50);
    expect(all.length - recentOnes.length).to.be.greaterThan(100); // deletions before the horizon, which Marketo may have pruned
    const catalog = catalogFor(await discover(sourceConfig(sandbox)), ['deleted_leads']);

    const firstSync = async (method: string) => {
      sandbox.counters.reset();
      const result = await read(config({ extraction_method: method }), catalog, undefined, { env: BULK_ENV });
      expect(result.exitCode, result.stderr).to.equal(0);
      return { result, calls: sandbox.counters.byEndpoint()[DELETED_LEADS_PATH] };
    };
    // 5 bursts since the horizon (5,750 activities): 3 calls; 20 since start_date (23,000): 12.
    for (const method of ['auto', 'bulk']) {
      const { result, calls } = await firstSync(method);
      expect(uniqueSorted(guids(result, 'deleted_leads')), method).to.deep.equal(recentOnes);
      expect(calls, method)
        .to.equal(Math.ceil(storedSince(horizon) / ACTIVITIES_SCANNED_PER_CALL))
        .and.to.equal(3);
      const info = result.logMessages('INFO').filter((m: string) => m.startsWith('deleted_leads: first sync'));
      expect(info, method).to.have.length(1);
      const [, from] = /^deleted_leads: first sync reads deletions from (\S+) \(14 days back\), not from start_date (\S+): /.exec(info[0]) ?? [];
      expect(Math.abs(Date.parse(from) - horizon)).to.be.below(60_000);
      expect(info[0]).to.contain(`not from start_date ${start}: Marketo may prune older deletions`);
      expect(info[0]).to.match(/Set extraction_method to rest to walk from start_date\.$/);
      expect(result.logMessages('WARN')).to.deep.equal([]);
    }
    const rest = await firstSync('rest');
    expect(uniqueSorted(guids(rest.result, 'deleted_leads'))).to.deep.equal(all);
    expect(rest.calls)
      .to.equal(Math.ceil(storedSince(Date.parse(start)) / ACTIVITIES_SCANNED_PER_CALL))
      .and.to.equal(12);
    expect(rest.result.logMessages('INFO').filter((m: string) => m.startsWith('deleted_leads: first sync'))).to.deep.equal([]);
    expect(rest.result.logMessages('INFO').filter((m: string) => m.startsWith('deleted_leads: Marketo keeps deletions 14 days'))).to.have.length(1);
  });

  it('a state older than 14 days is not moved: auto walks from its cursor, emits every deletion since, and WARNs', async () => {
    sandbox = await historySandbox();
    const cursor = recent(30 * DAY_S);
    const catalog = catalogFor(await discover(sourceConfig(sandbox)), ['deleted_leads']);
    const state = [
      {
        type: 'STREAM',
        stream: {
          stream_descriptor: { name: 'deleted_leads' },
          stream_state: { activityDate: cursor, partitions: { deleted_leads: { activityDate: cursor, marketoGUIDs: [] } } },
        },
      },
    ];
    sandbox.counters.reset();
    const result = await read(config({ extraction_method: 'auto' }), catalog, state);
    expect(result.exitCode, result.stderr).to.equal(0);
    const wanted = deletionsSince(Date.parse(cursor));
    expect(wanted.length - deletionsSince(sinceDaysAgo(DELETED_LEADS_RETENTION_DAYS)).length).to.be.greaterThan(50);
    expect(uniqueSorted(guids(result, 'deleted_leads'))).to.deep.equal(wanted);
    // 10 bursts since the cursor (11,500 activities): 6 calls.
    expect(sandbox.counters.byEndpoint()[DELETED_LEADS_PATH]).to.equal(Math.ceil(storedSince(Date.parse(cursor)) / ACTIVITIES_SCANNED_PER_CALL));
    expect(result.logMessages('WARN')).to.deep.equal([
      `deleted_leads: the last sync read deletions up to ${cursor}, more than 14 days ago. Marketo may prune deletions older than 14 days, so some may have been missed; sync at least every 14 days to catch every deletion.`,
    ]);
    expect(result.logMessages('INFO').filter((m: string) => m.startsWith('deleted_leads: first sync'))).to.deep.equal([]);
  });

  it("Marketo's own pruning (the sandbox's clock, 14 days): auto and rest emit the same deletions, rest for four times the calls", async () => {
    sandbox = await historySandbox({ now: () => Date.now(), deletedLeadsRetentionDays: undefined });
    const catalog = catalogFor(await discover(sourceConfig(sandbox)), ['deleted_leads']);
    const kept = deletionsSince(sinceDaysAgo(DELETED_LEADS_RETENTION_DAYS));
    expect(kept.length).to.be.greaterThan(50);
    const calls: Record<string, number> = {};
    for (const method of ['auto', 'rest']) {
      sandbox.counters.reset();
      const result = await read(config({ extraction_method: method }), catalog);
      expect(result.exitCode, result.stderr).to.equal(0);
      expect(uniqueSorted(guids(result, 'deleted_leads')), method).to.deep.equal(kept);
      calls[method] = sandbox.counters.byEndpoint()[DELETED_LEADS_PATH];
    }
    expect(calls).to.deep.equal({ auto: 3, rest: 12 });
  });

  it('with activities through bulk in the same sync: no page shared between the two Delete Lead walks (two endpoints), each stream gets exactly its records', async () => {
    sandbox = await historySandbox();
    const horizon = sinceDaysAgo(DELETED_LEADS_RETENTION_DAYS);
    const catalog = catalogFor(await discover(sourceConfig(sandbox)), ['activities', 'deleted_leads']);
    sandbox.counters.reset();
    const result = await read(config({ extraction_method: 'bulk', activity_type_ids: [1, TYPE_DELETE_LEAD] }), catalog, undefined, { env: BULK_ENV });
    expect(result.exitCode, result.stderr).to.equal(0);
    const visits = stored()
      .filter((a) => a.activityTypeId === 1)
      .map((a) => a.marketoGUID);
    expect(visits.length).to.be.greaterThan(1000);
    // Visits from the bulk files; Delete Lead, which the files cannot hold, from its walk at the horizon.
    expect(uniqueSorted(guids(result, 'activities'))).to.deep.equal([...visits, ...deletionsSince(horizon)].sort());
    expect(uniqueSorted(guids(result, 'deleted_leads'))).to.deep.equal(deletionsSince(horizon));
    // Each walk its own blocks since the horizon: Get Deleted Leads as when deleted_leads is read alone.
    expect(sandbox.counters.byEndpoint()[DELETED_LEADS_PATH]).to.equal(Math.ceil(storedSince(horizon) / ACTIVITIES_SCANNED_PER_CALL));
  });
});
