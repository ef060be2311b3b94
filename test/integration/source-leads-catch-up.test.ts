import { expect } from 'chai';
import { startSandbox, type Activity, type Sandbox } from '../../sandbox';
import { DELETED_LEADS_RETENTION_DAYS } from '../../sandbox/marketo-facts';
import { catalogFor, committedRecords, discover, nextState, read, recent, sourceConfig } from './support';
import { RunResult } from '../harness/run-connector';
import { byEndpointFamily } from '../../scripts/endpoint-families';

// `leads` after a long pause: an incremental state whose change walks are days behind catches up
// through Bulk Lead Extract on updatedAt (the time of the last change to any field), which finds
// the changes no activity records; deletions and merges of the pause still come as tombstones.

const DAY_S = 86_400;
/** The pause: the saved state's walks stopped this long ago (more than a day, less than Delete Lead's 14 days). */
const PAUSE_DAYS = 10;
/** The leads stream's look-back (LATE_COMMIT_SECONDS): the walks and the export start this long before the cursor. */
const LOOKBACK_S = 600;
const BULK_ENV = { MARKETO_BULK_POLL_MS: '50' };
/** The types the REST walks read besides Get Lead Changes' (New Lead, Change Data Value): Merge Leads and the other field-changing types (LEAD_FIELD_ACTIVITY_TYPES). */
const FIELD_TYPES = [32, 22, 108, 100, 101, 23, 21, 9, 8];
const NEW_LEAD = 12;
const CHANGE_DATA_VALUE = 13;
const MERGE_LEADS = 32;
const DELETE_LEAD = 37;

interface Pause {
  sandbox: Sandbox;
  /** The saved state's cursor (every walk's). */
  cursor: string;
  /** A lead changed during the pause through a path Marketo logs no activity for. */
  silent: number;
  deleted: number;
  mergedAway: number;
  winner: number;
  created: number;
}

/**
 * 5,000 leads with history before the pause, then a pause of PAUSE_DAYS days: each day a burst of
 * `perDay` activities of every type (a quarter of them change a lead), and by hand one lead
 * created, one deleted, two merged, one moved to another segment and one changed without any activity.
 */
async function pausedSandbox(
  opts: { perDay?: number; pauseDays?: number; bulkExportStepMs?: number; updatedAtFilter?: boolean; quotaMb?: number } = {},
): Promise<Pause> {
  const pauseDays = opts.pauseDays ?? PAUSE_DAYS;
  // The hand-made changes of the pause: 5, 4 and 3 days back, or late in a shorter pause.
  const during = (days: number) => recent(Math.min(days, pauseDays * 0.8) * DAY_S);
  const sandbox = await startSandbox({
    seed: 13,
    activityCount: 0,
    leadCount: 5000,
    startDate: recent(30 * DAY_S),
    deletedLeadsRetentionDays: DELETED_LEADS_RETENTION_DAYS,
    rateLimit: null,
    bulkExportStepMs: opts.bulkExportStepMs ?? 0,
    bulkLeadUpdatedAtFilter: opts.updatedAtFilter ?? true,
    ...(opts.quotaMb === undefined ? {} : { bulkExportDailyQuotaMb: opts.quotaMb }),
  });
  sandbox.addActivities(2000, { at: recent(20 * DAY_S) });
  const cursor = recent(pauseDays * DAY_S);
  for (let day = pauseDays; day >= 1; day--) sandbox.addActivities(opts.perDay ?? 3000, { at: recent(day * DAY_S - 3600) });
  const named = new Set(activitiesSince(sandbox, cursor).map((a) => a.leadId));
  const untouched = sandbox
    .leads()
    .map((l) => l.id)
    .filter((id) => sandbox.leadLastChangedAt(id)! < cursor && !named.has(id));
  expect(untouched.length).to.be.greaterThan(10);
  const [silent, deleted, winner, mergedAway, moved] = untouched;
  sandbox.updateLead(silent, { textarea_field: 'changed where Marketo logs no activity' }, { source: 'unlogged' });
  sandbox.deleteLead(deleted, { at: during(5) });
  sandbox.mergeLeads(winner, [mergedAway], { at: during(4) });
  sandbox.changeSegment(moved, 'EMEA', { at: during(3) });
  const created = sandbox.createLead({ email: 'new.during.pause@example.com' }).id;
  return { sandbox, cursor, silent, deleted, mergedAway, winner, created };
}

/** The activities stored dated at or after `since`. */
function activitiesSince(sandbox: Sandbox, since: string): Activity[] {
  return [...sandbox.activities()].filter((a) => a.activityDate >= since);
}

/** The loser ids of a Merge Leads activity. */
function losersOf(activity: Activity): number[] {
  const value = activity.attributes?.find((a) => a.name === 'Merge IDs' || a.name === 'Merge Ids')?.value;
  return String(value ?? '')
    .replace(/[[\]]/g, ' ')
    .split(/[,\s]+/)
    .filter(Boolean)
    .map(Number);
}

/** What each catch-up must give for a pause from `since`: live ids and tombstones. */
function expectedAfter(sandbox: Sandbox, since: string): { bulk: number[]; rest: number[]; tombstones: number[]; winners: number[] } {
  const activities = activitiesSince(sandbox, since);
  const live = new Set(sandbox.leads().map((l) => l.id));
  const ids = (keep: (a: Activity) => boolean) => [...new Set(activities.filter(keep).map((a) => a.leadId))].filter((id) => live.has(id));
  const asc = (xs: number[]) => [...new Set(xs)].sort((a, b) => a - b);
  const winners = ids((a) => a.activityTypeId === MERGE_LEADS);
  return {
    // Every lead whose last change to any field lies in the pause, and the winners of its merges.
    bulk: asc([...changedSince(sandbox, since), ...winners]),
    winners: asc(winners),
    // Every lead an activity of the walks' types names.
    rest: asc(ids((a) => [NEW_LEAD, CHANGE_DATA_VALUE, ...FIELD_TYPES].includes(a.activityTypeId))),
    tombstones: asc([
      ...activities.filter((a) => a.activityTypeId === DELETE_LEAD).map((a) => a.leadId),
      ...activities.filter((a) => a.activityTypeId === MERGE_LEADS).flatMap(losersOf),
    ]),
  };
}

/** A `leads` state whose walks all stopped at `cursor`, as a sync that ran then left it (with `extra` beside them). */
function savedState(cursor: string, highestId: number, extra: Record<string, unknown> = {}): unknown[] {
  const walk = { activityDate: cursor, marketoGUIDs: [] };
  return [
    {
      type: 'STREAM',
      stream: {
        stream_descriptor: { name: 'leads' },
        stream_state: {
          updatedAt: cursor,
          activityDate: cursor,
          partitions: { deleted_leads: walk, lead_changes: walk, lead_field_activities: walk },
          highestId,
          ...extra,
        },
      },
    },
  ];
}

/** Where the walks and the export start: a look-back before the cursor. */
function fromOf(cursor: string): string {
  return new Date(Date.parse(cursor) - LOOKBACK_S * 1000).toISOString().replace('.000Z', 'Z');
}

/** Ids of live records and of tombstones, each ascending and without duplicates. */
function idsOf(records: any[]): { live: number[]; tombstones: number[] } {
  const live = new Set<number>();
  const tombstones = new Set<number>();
  for (const r of records) (r.data._ab_cdc_deleted_at ? tombstones : live).add(r.data.id);
  const asc = (s: Set<number>) => [...s].sort((a, b) => a - b);
  return { live: asc(live), tombstones: asc(tombstones) };
}

/** The live leads whose last change to any field lies at or after `since` (what Bulk Lead Extract on updatedAt finds). */
function changedSince(sandbox: Sandbox, since: string): number[] {
  return sandbox
    .leads()
    .map((l) => l.id)
    .filter((id) => sandbox.leadLastChangedAt(id)! >= since)
    .sort((a, b) => a - b);
}

/** Calls by endpoint, export ids folded. */
function callsByEndpoint(sandbox: Sandbox): Record<string, number> {
  return byEndpointFamily(sandbox.counters.byEndpoint());
}

/** The same pause read from the same saved state through `rest`, then through `auto`, with each one's calls by endpoint. */
async function readRestThenAuto(
  pause: Pause,
): Promise<{ catalog: unknown; rest: RunResult; restCalls: Record<string, number>; auto: RunResult; autoCalls: Record<string, number> }> {
  const { sandbox, cursor } = pause;
  const catalog = catalogFor(await discover(sourceConfig(sandbox)), ['leads']);
  const state = savedState(cursor, 5000);
  sandbox.counters.reset();
  const rest = await read(sourceConfig(sandbox, { extraction_method: 'rest' }), catalog, state);
  expect(rest.exitCode, rest.stderr).to.equal(0);
  const restCalls = callsByEndpoint(sandbox);
  sandbox.counters.reset();
  const auto = await read(sourceConfig(sandbox), catalog, state, { env: BULK_ENV });
  expect(auto.exitCode, auto.stderr).to.equal(0);
  return { catalog, rest, restCalls, auto, autoCalls: callsByEndpoint(sandbox) };
}

/** No id has a live record after its tombstone. */
function noLiveAfterTombstone(result: RunResult): void {
  const deletedAt = new Map<number, number>();
  result.records('leads').forEach((r: any, i: number) => {
    if (r.data._ab_cdc_deleted_at) deletedAt.set(r.data.id, i);
    else expect(deletedAt.has(r.data.id), `lead ${r.data.id} live after its tombstone`).to.equal(false);
  });
}

describe('source-marketo: leads after a long pause (catch-up through Bulk Lead Extract)', function () {
  this.timeout(240_000);
  let pause: Pause;
  afterEach(async () => {
    await pause?.sandbox.close();
  });

  it('catches up through the export on updatedAt: exactly the leads changed during the pause (the one no activity records too), tombstones for deleted and merged-away leads, fewer calls than the REST walks, which miss the silent change', async () => {
    pause = await pausedSandbox();
    const { sandbox, cursor } = pause;
    const { catalog, rest, restCalls, auto: bulk, autoCalls: bulkCalls } = await readRestThenAuto(pause);

    const from = fromOf(cursor);
    const expected = expectedAfter(sandbox, from);
    expect(expected.bulk).to.include.members([pause.silent, pause.winner, pause.created]);
    expect(expected.tombstones).to.include.members([pause.deleted, pause.mergedAway]);
    const fromBulk = idsOf(bulk.records('leads'));
    const fromRest = idsOf(rest.records('leads'));
    expect(fromBulk.live).to.deep.equal(expected.bulk);
    expect(fromBulk.tombstones).to.deep.equal(expected.tombstones);
    // The REST walks find the leads the activities name, and the same tombstones; not the silent change.
    expect(fromRest.live).to.deep.equal(expected.rest);
    expect(fromRest.live).to.not.include(pause.silent);
    expect(fromRest.tombstones).to.deep.equal(expected.tombstones);
    noLiveAfterTombstone(bulk);
    const silent = bulk.records('leads').find((r: any) => r.data.id === pause.silent)!;
    expect(silent.data.textarea_field).to.equal('changed where Marketo logs no activity');

    const jobs = sandbox.bulkExports.jobs();
    // Ten days whose estimated file fits the export allowance twice over: one window, no probe day.
    expect(jobs.map((j) => [j.object, j.filter.field, j.status, j.filter.startAt])).to.deep.equal([['leads', 'updatedAt', 'Completed', from]]);
    const estimates = bulk.traces('ESTIMATE').map((t: any) => [t.estimate.name, t.estimate.row_estimate]);
    expect(estimates).to.have.length(1);
    expect(estimates[0][0]).to.equal('leads');
    expect(estimates[0][1]).to.be.within(expected.bulk.length / 2, expected.bulk.length * 2);
    expect(bulk.logMessages('INFO').filter((m) => /catching up through bulk lead exports on updatedAt/.test(m))).to.have.length(1);
    // Measured: the same pause costs 79 calls through the REST walks and 43 through the catch-up
    // (Get Lead Changes 18 → 2, Get Leads 26 → 1, for 4 bulk calls of one job and a paging token;
    // 47 with 8 bulk calls of two jobs before a catch-up whose estimate fits skipped the probe day); the walks of
    // deletions and of field-changing activities (merges) cost the same both ways.
    const walksBothWays = {
      'GET /rest/v1/leads/describe.json': 1,
      'GET /rest/v1/activities/types.json': 1,
      'GET /rest/v1/activities.json': 16,
      'GET /rest/v1/activities/deletedleads.json': 16,
    };
    expect(restCalls).to.deep.equal({
      ...walksBothWays,
      'GET /rest/v1/activities/pagingtoken.json': 1,
      'GET /rest/v1/activities/leadchanges.json': 18,
      'GET /rest/v1/leads.json': 26,
    });
    expect(bulkCalls).to.deep.equal({
      ...walksBothWays,
      'GET /rest/v1/activities/pagingtoken.json': 2,
      'GET /rest/v1/activities/leadchanges.json': 2,
      'GET /rest/v1/leads.json': 1,
      'POST /bulk/v1/leads/export/create.json': 1,
      'POST /bulk/v1/leads/export/{id}/enqueue.json': 1,
      'GET /bulk/v1/leads/export/{id}/status.json': 1,
      'GET /bulk/v1/leads/export/{id}/file.json': 1,
    });
    const total = (calls: Record<string, number>) => Object.values(calls).reduce((n, c) => n + c, 0);
    expect([total(restCalls), total(bulkCalls)]).to.deep.equal([79, 43]);

    // The next sync goes on from where the catch-up's walks left: no export, no lead again.
    sandbox.counters.reset();
    const next = await read(sourceConfig(sandbox), catalog, nextState(bulk), { env: BULK_ENV });
    expect(next.exitCode, next.stderr).to.equal(0);
    expect(sandbox.bulkExports.jobs()).to.have.length(1);
    expect(idsOf(next.records('leads'))).to.deep.equal({ live: [], tombstones: [] });
  });

  it('a daily sync (a day and the look-back behind) whose estimate fits the export allowance: ONE lead export job, no probe day, exactly the leads changed and the tombstones', async () => {
    pause = await pausedSandbox({ pauseDays: 1, perDay: 20_000 });
    const { sandbox, cursor } = pause;
    const catalog = catalogFor(await discover(sourceConfig(sandbox)), ['leads']);
    sandbox.counters.reset();
    const result = await read(sourceConfig(sandbox), catalog, savedState(cursor, 5000), { env: BULK_ENV });
    expect(result.exitCode, result.stderr).to.equal(0);
    const from = fromOf(cursor);
    const expected = expectedAfter(sandbox, from);
    expect(expected.bulk).to.include.members([pause.silent, pause.winner, pause.created]);
    expect(expected.tombstones).to.include.members([pause.deleted, pause.mergedAway]);
    expect(idsOf(result.records('leads'))).to.deep.equal({ live: expected.bulk, tombstones: expected.tombstones });
    noLiveAfterTombstone(result);
    const jobs = sandbox.bulkExports.jobs();
    expect(jobs.map((j) => [j.object, j.filter.field, j.status, j.filter.startAt])).to.deep.equal([['leads', 'updatedAt', 'Completed', from]]);
    const calls = callsByEndpoint(sandbox);
    const bulkCalls = Object.fromEntries(Object.entries(calls).filter(([k]) => k.includes('/bulk/')));
    expect(bulkCalls['GET /bulk/v1/leads/export/{id}/status.json']).to.be.at.least(1);
    expect({ ...bulkCalls, 'GET /bulk/v1/leads/export/{id}/status.json': 1 }).to.deep.equal({
      'POST /bulk/v1/leads/export/create.json': 1,
      'POST /bulk/v1/leads/export/{id}/enqueue.json': 1,
      'GET /bulk/v1/leads/export/{id}/status.json': 1,
      'GET /bulk/v1/leads/export/{id}/file.json': 1,
    });
    expect(
      result.logMessages('INFO').filter((m) => /catching up through bulk lead exports on updatedAt .* in 1 window\(s\), about 8 calls/.test(m)),
    ).to.have.length(1);
    expect(result.traces('ESTIMATE').filter((t: any) => t.estimate.name === 'leads')).to.have.length(1);
  });

  it('a first sync of `leads` given a state from long ago (only `updatedAt`, as an older connector saved it) catches up the same way', async () => {
    pause = await pausedSandbox();
    const { sandbox, cursor } = pause;
    const catalog = catalogFor(await discover(sourceConfig(sandbox)), ['leads']);
    const state = [{ type: 'STREAM', stream: { stream_descriptor: { name: 'leads' }, stream_state: { updatedAt: cursor } } }];
    const result = await read(sourceConfig(sandbox), catalog, state, { env: BULK_ENV });
    expect(result.exitCode, result.stderr).to.equal(0);
    // Without saved partitions the walks emit nothing before the cursor itself (no look-back to remember).
    const expected = expectedAfter(sandbox, cursor);
    expect(idsOf(result.records('leads'))).to.deep.equal({ live: expected.bulk, tombstones: expected.tombstones });
    expect(sandbox.bulkExports.jobs().map((j) => j.filter.field)).to.deep.equal(['updatedAt', 'updatedAt']);
  });

  it('a catch-up left in the state longer than Marketo keeps deletions is dropped: every lead is read again, with tombstones, and no job is created', async () => {
    const sandbox = await startSandbox({ seed: 3, activityCount: 0, leadCount: 300, startDate: recent(40 * DAY_S), rateLimit: null, bulkExportStepMs: 0 });
    pause = { sandbox } as Pause;
    sandbox.deleteLead(7);
    const cursor = recent(20 * DAY_S);
    const catchUp = { catchUp: true, filter: 'updatedAt', startedAt: recent(19 * DAY_S), until: recent(19 * DAY_S), next: cursor, jobs: [] };
    const state = savedState(cursor, 300, { bulk: catchUp });
    const catalog = catalogFor(await discover(sourceConfig(sandbox)), ['leads']);
    const result = await read(sourceConfig(sandbox), catalog, state, { env: BULK_ENV });
    expect(result.exitCode, result.stderr).to.equal(0);
    expect(result.logMessages('WARN').filter((m) => /the saved state is older than Marketo's retention: deletions since/.test(m))).to.have.length(1);
    expect(sandbox.bulkExports.jobs()).to.deep.equal([]);
    const ids = idsOf(result.records('leads'));
    expect(ids.live).to.deep.equal(sandbox.leads().map((l) => l.id));
    expect(ids.tombstones).to.include(7);
  });

  /** The catch-up's live ids and tombstones over a killed sync and the one that resumed it, and the export's windows. */
  function resumedCatchUp(killed: RunResult, resumed: RunResult): { live: number[]; tombstones: number[] } {
    return idsOf([...committedRecords(killed, 'leads'), ...resumed.records('leads')]);
  }

  /** Each window of the export: one job, never two. */
  function jobsPerWindow(sandbox: Sandbox): number[] {
    const counts = new Map<string, number>();
    for (const job of sandbox.bulkExports.jobs()) counts.set(job.filter.startAt, (counts.get(job.filter.startAt) ?? 0) + 1);
    return [...counts.values()];
  }

  const catchUpState = (m: any) => (m.type === 'STATE' ? m.state.stream?.stream_state : undefined);

  it('a catch-up killed while its job is processing resumes by polling that job: no second job for the window, nothing lost', async () => {
    pause = await pausedSandbox({ bulkExportStepMs: 2500 });
    const { sandbox, cursor } = pause;
    const catalog = catalogFor(await discover(sourceConfig(sandbox)), ['leads']);
    const config = sourceConfig(sandbox);
    const killed = await read(config, catalog, savedState(cursor, 5000), {
      env: BULK_ENV,
      killAfter: (m) => (catchUpState(m)?.bulk?.jobs?.length ?? 0) >= 1,
    });
    expect(killed.signal).to.equal('SIGKILL');
    const saved: any = (nextState(killed)[0] as any).stream.stream_state;
    expect(saved.bulk.catchUp).to.equal(true);
    expect(saved.partitions.deleted_leads.activityDate).to.equal(cursor);
    // Saved as soon as it was created: enqueued, or to be enqueued by the sync that resumes it.
    expect(sandbox.bulkExports.jobs()).to.have.length(1);
    expect(sandbox.bulkExports.jobs()[0].status).to.be.oneOf(['Created', 'Queued', 'Processing']);

    const resumed = await read(config, catalog, nextState(killed), { env: BULK_ENV });
    expect(resumed.exitCode, resumed.stderr).to.equal(0);
    expect(jobsPerWindow(sandbox)).to.deep.equal([1]);
    expect(sandbox.bulkExports.jobs()[0].exportId).to.equal(saved.bulk.jobs[0].exportId);
    const expected = expectedAfter(sandbox, fromOf(cursor));
    expect(resumedCatchUp(killed, resumed)).to.deep.equal({ live: expected.bulk, tombstones: expected.tombstones });
    noLiveAfterTombstone(resumed);
  });

  it('a catch-up killed with a file half read resumes that file from the byte after its last STATE: no second job, no row twice', async () => {
    pause = await pausedSandbox();
    const { sandbox, cursor } = pause;
    const catalog = catalogFor(await discover(sourceConfig(sandbox)), ['leads']);
    const config = sourceConfig(sandbox);
    const killed = await read(config, catalog, savedState(cursor, 5000), {
      env: BULK_ENV,
      killAfter: (m) => (catchUpState(m)?.bulk?.jobs?.[0]?.offset ?? 0) > 0,
    });
    expect(killed.signal).to.equal('SIGKILL');
    const saved: any = (nextState(killed)[0] as any).stream.stream_state;
    const halfRead = saved.bulk.jobs[0];
    expect(halfRead.progress.rows).to.equal(1000);
    const committed = idsOf(committedRecords(killed, 'leads')).live;

    const resumed = await read(config, catalog, nextState(killed), { env: BULK_ENV });
    expect(resumed.exitCode, resumed.stderr).to.equal(0);
    expect(jobsPerWindow(sandbox)).to.deep.equal([1]);
    expect(sandbox.bulkExports.jobs().find((j) => j.exportId === halfRead.exportId)!.downloads).to.equal(2);
    // No row of the half-read file comes again; only the winners of merges, which the walk of merges reads again.
    const expected = expectedAfter(sandbox, fromOf(cursor));
    const again = idsOf(resumed.records('leads')).live.filter((id) => committed.includes(id));
    expect(again.filter((id) => !expected.winners.includes(id))).to.deep.equal([]);
    expect(resumedCatchUp(killed, resumed)).to.deep.equal({ live: expected.bulk, tombstones: expected.tombstones });
  });

  it('1035 (no updatedAt filter): one WARN naming 1035 and what to do, then the REST change walks, exactly as with `rest`; no createdAt export', async () => {
    pause = await pausedSandbox({ updatedAtFilter: false });
    const { sandbox, cursor } = pause;
    const { rest, restCalls, auto: result, autoCalls } = await readRestThenAuto(pause);

    const from = fromOf(cursor);
    expect(result.logMessages('WARN')).to.deep.equal([
      `leads: this subscription does not offer the bulk lead extract's updatedAt filter (Marketo refused POST /bulk/v1/leads/export/create.json: 1035 Unsupported filter type for target subscription), so the catch-up of 10.0 days since ${from} goes through the change walks (Get Lead Changes and Get Lead Activities, then Get Leads) instead, which find only the changes an activity records. Marketo support can enable the updatedAt filter for the subscription.`,
    ]);
    const expected = expectedAfter(sandbox, from);
    expect(idsOf(result.records('leads'))).to.deep.equal({ live: expected.rest, tombstones: expected.tombstones });
    expect(idsOf(result.records('leads'))).to.deep.equal(idsOf(rest.records('leads')));
    // The REST catch-up's calls, and the one export refused.
    expect(autoCalls).to.deep.equal({ ...restCalls, 'POST /bulk/v1/leads/export/create.json': 1 });
    expect(sandbox.bulkExports.jobs()).to.deep.equal([]);
  });

  it('1029 (export quota spent) after the first window: the bulk part stops with its state saved; the next day the catch-up goes on with the next window only', async () => {
    pause = await pausedSandbox({ quotaMb: 1 });
    const { sandbox, cursor } = pause;
    const catalog = catalogFor(await discover(sourceConfig(sandbox)), ['leads']);
    // `bulk` estimates nothing, so the first window is the probe day and 1029 comes with the next.
    const config = sourceConfig(sandbox, { extraction_method: 'bulk' });
    // Room for the first window's file, not for the next.
    sandbox.bulkExports.setExportedBytesToday(1024 * 1024 - 1);
    const stopped = await read(config, catalog, savedState(cursor, 5000), { env: BULK_ENV });
    expect(stopped.exitCode, stopped.stderr).to.equal(0);
    expect(stopped.logMessages('WARN').filter((m) => /^leads: stopped after \d+ records: .*1029 Export daily quota 1MB exceeded/.test(m))).to.have.length(1);
    const saved: any = (nextState(stopped)[0] as any).stream.stream_state;
    expect(saved.bulk).to.include({ catchUp: true, next: sandbox.bulkExports.jobs()[0].filter.endAt });
    expect(saved.bulk.jobs).to.deep.equal([]);
    expect(saved.partitions.lead_changes.activityDate).to.equal(cursor);
    expect(sandbox.bulkExports.jobs()).to.have.length(1);

    sandbox.bulkExports.setExportedBytesToday(0);
    const next = await read(config, catalog, nextState(stopped), { env: BULK_ENV });
    expect(next.exitCode, next.stderr).to.equal(0);
    expect(jobsPerWindow(sandbox)).to.deep.equal([1, 1]);
    const expected = expectedAfter(sandbox, fromOf(cursor));
    expect(resumedCatchUp(stopped, next)).to.deep.equal({ live: expected.bulk, tombstones: expected.tombstones });
  });
});
