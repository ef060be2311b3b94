import { expect } from 'chai';
import { startSandbox, type Sandbox } from '../../sandbox';
import { ACTIVITIES_SCANNED_PER_CALL, DELETED_LEADS_RETENTION_DAYS, TYPE_DELETE_LEAD } from '../../sandbox/marketo-facts';
import { byEndpointFamily } from '../../scripts/endpoint-families';
import { catalogFor, committedRecords, discover, guids, nextState, read, sourceConfig, uniqueSorted } from './support';

// History through Bulk Activity Extract: the same records as REST, fewer calls, jobs that survive
// a killed sync, and the export allowance (1029) stopping only the bulk part.

const DAY_S = 86_400;
/** Bulk status polls every 50 ms in these tests (Adobe asks for a minute); the sandbox steps as fast. */
const BULK_ENV = { MARKETO_BULK_POLL_MS: '50' };

function recent(secondsAgo: number): string {
  return new Date(Math.floor(Date.now() / 1000 - secondsAgo) * 1000).toISOString().replace('.000Z', 'Z');
}

/** Ninety days of activities of every type, in bursts every five days; Delete Lead activities kept 14 days, as Marketo keeps them. */
async function historySandbox(opts: Parameters<typeof startSandbox>[0] = {}, perBurst = 400): Promise<Sandbox> {
  const sandbox = await startSandbox({
    seed: 21,
    activityCount: 0,
    leadCount: 120,
    startDate: recent(100 * DAY_S),
    deletedLeadsRetentionDays: DELETED_LEADS_RETENTION_DAYS,
    rateLimit: null,
    ...opts,
  });
  for (let day = 90; day >= 5; day -= 5) sandbox.addActivities(perBurst, { at: recent(day * DAY_S) });
  return sandbox;
}

/** The config and activities catalog of a bulk sync of the history's activities of `typeIds`. */
async function bulkSync(sandbox: Sandbox, typeIds: number[]): Promise<{ config: Record<string, unknown>; catalog: any }> {
  const config = sourceConfig(sandbox, { start_date: recent(100 * DAY_S), extraction_method: 'bulk', activity_type_ids: typeIds });
  return { config, catalog: catalogFor(await discover(config), ['activities']) };
}

/** The GUIDs of the sandbox's activities of these types, sorted. */
function guidsOfTypes(sandbox: Sandbox, typeIds: number[]): string[] {
  return [...sandbox.activities()]
    .filter((a) => typeIds.includes(a.activityTypeId))
    .map((a) => a.marketoGUID)
    .sort();
}

/** Records of a stream by marketoGUID, for comparing two reads record for record. */
function byGuid(records: any[]): Record<string, unknown> {
  return Object.fromEntries(records.map((r) => [r.data.marketoGUID, r.data]));
}

function statuses(result: { traces(type?: string): any[] }, stream: string): string[] {
  return result
    .traces('STREAM_STATUS')
    .filter((t: any) => t.stream_status.stream_descriptor.name === stream)
    .map((t: any) => t.stream_status.status);
}

function bulkCalls(sandbox: Sandbox): Record<string, number> {
  return Object.fromEntries(Object.entries(byEndpointFamily(sandbox.counters.byEndpoint())).filter(([key]) => key.includes('/bulk/')));
}

/** Each window's jobs: no window may have paid for two. */
function jobsPerWindow(sandbox: Sandbox): number[] {
  const counts = new Map<string, number>();
  for (const job of sandbox.bulkExports.jobs()) counts.set(job.filter.startAt, (counts.get(job.filter.startAt) ?? 0) + 1);
  return [...counts.values()];
}

describe('source-marketo: history through bulk exports', function () {
  this.timeout(180_000);
  let sandbox: Sandbox;

  afterEach(async () => {
    await sandbox?.close();
  });

  it('a first sync through bulk equals the REST result record for record (activities and lead_changes), in a handful of calls per 31-day window', async () => {
    sandbox = await historySandbox({ bulkExportStepMs: 0 }, 1500);
    const start = recent(100 * DAY_S);
    const restConfig = sourceConfig(sandbox, { start_date: start, extraction_method: 'rest' });
    const catalog = catalogFor(await discover(restConfig), ['activities', 'lead_changes']);

    sandbox.counters.reset();
    const rest = await read(restConfig, catalog);
    expect(rest.exitCode, rest.stderr).to.equal(0);
    const restCalls = sandbox.counters.total();
    expect(bulkCalls(sandbox)).to.deep.equal({});

    sandbox.counters.reset();
    const bulk = await read(sourceConfig(sandbox, { start_date: start, extraction_method: 'bulk' }), catalog, undefined, { env: BULK_ENV });
    expect(bulk.exitCode, bulk.stderr).to.equal(0);
    const bulkTotal = sandbox.counters.total();

    for (const stream of ['activities', 'lead_changes']) {
      uniqueSorted(guids(bulk, stream));
      expect(bulk.records(stream).length, stream).to.equal(rest.records(stream).length);
      expect(byGuid(bulk.records(stream)), stream).to.deep.equal(byGuid(rest.records(stream)));
    }
    expect(rest.records('activities').length).to.be.greaterThan(6000);
    expect(rest.records('lead_changes').length).to.be.greaterThan(500);

    // 86 days of history: a first day that measures the file size per day, then windows of at most
    // 31 days (31, 31, 23) per stream; one job each, created, enqueued, polled once (the sandbox
    // completes at once here) and downloaded once.
    const jobs = sandbox.bulkExports.jobs();
    expect(jobs).to.have.length(8);
    expect(jobsPerWindow(sandbox).every((n) => n === 2)).to.equal(true); // one per stream
    expect(bulkCalls(sandbox)).to.deep.equal({
      'POST /bulk/v1/activities/export/create.json': 8,
      'POST /bulk/v1/activities/export/{id}/enqueue.json': 8,
      'GET /bulk/v1/activities/export/{id}/status.json': 8,
      'GET /bulk/v1/activities/export/{id}/file.json': 8,
    });
    for (const job of jobs) expect(job.filter.activityTypeIds).to.not.include(37);
    // 27,000 activities: REST 120 calls; bulk 44 (24 bulk calls, and the REST walks' first pages, Delete Lead's walk and the last hour).
    expect(bulkTotal).to.be.below(restCalls / 2);

    // The next sync goes on through REST from where the files ended, with nothing twice.
    sandbox.addActivities(50, { at: recent(60) });
    sandbox.counters.reset();
    const next = await read(sourceConfig(sandbox, { start_date: start, extraction_method: 'bulk' }), catalog, nextState(bulk), { env: BULK_ENV });
    expect(next.exitCode, next.stderr).to.equal(0);
    expect(bulkCalls(sandbox)).to.deep.equal({});
    const seen = new Set(guids(bulk, 'activities'));
    expect(guids(next, 'activities').filter((g) => seen.has(g))).to.deep.equal([]);
    const added = [...sandbox.activities()].filter((a) => !seen.has(a.marketoGUID)).map((a) => a.marketoGUID);
    expect(uniqueSorted(guids(next, 'activities'))).to.deep.equal(added.sort());
  });

  it('status polls: each job after the first is polled once, when the jobs before it say it will be done (two processing slots, jobs a step queued and a step processing)', async () => {
    // Steps of a second, polls at least half a second apart: a job takes two steps, the third of
    // three queued together a third (it waits for a slot). The first job has nothing to go by.
    sandbox = await historySandbox({ bulkExportStepMs: 1000 });
    const { config, catalog } = await bulkSync(sandbox, [1, 2, 6, 10, 13]);
    sandbox.counters.reset();
    const result = await read(config, catalog, undefined, { env: { MARKETO_BULK_POLL_MS: '500' } });
    expect(result.exitCode, result.stderr).to.equal(0);
    expect(uniqueSorted(guids(result, 'activities'))).to.deep.equal(guidsOfTypes(sandbox, [1, 2, 6, 10, 13]));
    // 86 days: the probe day, then 31, 31 and 23 days queued together.
    const jobs = sandbox.bulkExports.jobs();
    expect(jobs.map((j) => j.status)).to.deep.equal(['Completed', 'Completed', 'Completed', 'Completed']);
    const polls = jobs.map((j) => sandbox.counters.byEndpoint()[`GET /bulk/v1/activities/export/${j.exportId}/status.json`] ?? 0);
    // The first: half a second after the enqueue (Queued), then 0.75 s later (Processing or done), then done.
    expect(polls[0], polls.join()).to.be.within(2, 3);
    expect(polls.slice(1), polls.join()).to.deep.equal([1, 1, 1]);
    expect(bulkCalls(sandbox)['GET /bulk/v1/activities/export/{id}/status.json']).to.be.at.most(jobs.length + 2);
  });

  it('the hand-over to REST ten minutes before the sync: activities committed late on either side of it are read once, by the files or by the REST walks', async () => {
    sandbox = await historySandbox({ bulkExportStepMs: 0 });
    // The hand-over is the whole minute ten minutes before the sync starts: not across a minute boundary here.
    const toBoundary = 60_000 - (Date.now() % 60_000);
    if (toBoundary < 15_000) await new Promise((done) => setTimeout(done, toBoundary + 100));
    const handOver = Math.floor((Date.now() - 10 * 60_000) / 60_000) * 60_000;
    const at = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
    // Committed now, about ten minutes after their date, before the sync: just before the hand-over, and at it.
    const beforeHandOver = sandbox.addActivities(4, { at: at(handOver - 1000), typeIds: [1] });
    const atHandOver = sandbox.addActivities(4, { at: at(handOver), typeIds: [1] });
    const { config, catalog } = await bulkSync(sandbox, [1, 2, 6, 10, 13]);
    // Killed once the files are read, before the REST walks: what follows is committed after every job ran.
    const killed = await read(config, catalog, undefined, {
      env: BULK_ENV,
      killAfter: (m) => {
        const bulk = m.type === 'STATE' ? m.state.stream?.stream_state?.bulk : undefined;
        return bulk !== undefined && bulk.jobs.length === 0 && bulk.next === bulk.until;
      },
    });
    expect(killed.signal).to.equal('SIGKILL');
    const saved: any = (nextState(killed)[0] as any).stream.stream_state.bulk;
    expect(saved.until).to.equal(at(handOver));
    // Nine minutes late (within the ten): dated after the hand-over, as anything committed so late after the sync started is.
    const nineMinutesLate = sandbox.addActivities(4, { at: at(Date.now() - 9 * 60_000), typeIds: [1] });
    // Over ten minutes late, dated before the hand-over, committed after the jobs ran: in no file, and before where the walks start.
    const tooLate = sandbox.addActivities(4, { at: at(handOver - 1000), typeIds: [1] });
    const resumed = await read(config, catalog, nextState(killed), { env: BULK_ENV });
    expect(resumed.exitCode, resumed.stderr).to.equal(0);

    const fromFiles = committedRecords(killed, 'activities').map((r) => r.data.marketoGUID);
    const fromRest = guids(resumed, 'activities');
    const ids = (activities: Array<{ marketoGUID: string }>) => activities.map((a) => a.marketoGUID).sort();
    expect(fromFiles.filter((g) => ids(beforeHandOver).includes(g)).sort()).to.deep.equal(ids(beforeHandOver));
    expect(fromRest.filter((g) => ids([...atHandOver, ...nineMinutesLate]).includes(g)).sort()).to.deep.equal(ids([...atHandOver, ...nineMinutesLate]));
    const everyone = guidsOfTypes(sandbox, [1, 2, 6, 10, 13]).filter((g) => !ids(tooLate).includes(g));
    expect(uniqueSorted([...fromFiles, ...fromRest])).to.deep.equal(everyone);
  });

  it('a first sync of every stream bulk reads, through `bulk` and through `rest`, gives the same set of (stream, primary key) and identical records', async () => {
    // Three months of history with deletions, merges and field changes, Delete Lead activities kept
    // 14 days as Marketo keeps them, leads created all along: each path reads it once.
    sandbox = await historySandbox({ bulkExportStepMs: 0, leadCount: 400 }, 600);
    // Leads deleted and merged by hand, before the retention horizon and after it.
    [40, 20, 8, 2].forEach((daysAgo, i) => sandbox.deleteLead(10 + i, { at: recent(daysAgo * DAY_S) }));
    sandbox.mergeLeads(20, [21, 22], { at: recent(30 * DAY_S) });
    sandbox.mergeLeads(30, [31], { at: recent(3 * DAY_S) });
    const start = recent(100 * DAY_S);
    const restConfig = sourceConfig(sandbox, { start_date: start, extraction_method: 'rest' });
    const discovered = await discover(restConfig);
    const perType = discovered.streams.map((s: any) => s.name).filter((n: string) => /^activities_(fill_out_form|delete_lead)$/.test(n));
    expect(perType).to.have.length(2);
    const streams = ['activities', 'lead_changes', 'deleted_leads', 'leads', ...perType];
    const catalog = catalogFor(discovered, streams);
    const keyOf = new Map<string, string[][]>(discovered.streams.map((s: any) => [s.name, s.source_defined_primary_key]));
    /** Each stream's records by primary key: the last one emitted (leads may emit a lead again when a change walk finds it changed). */
    const latest = (result: Awaited<ReturnType<typeof read>>) => {
      const out: Record<string, Record<string, unknown>> = {};
      for (const stream of streams) {
        out[stream] = {};
        for (const r of result.records(stream)) out[stream][JSON.stringify(keyOf.get(stream)!.map((path) => r.data[path[0]]))] = r.data;
      }
      return out;
    };

    const rest = await read(restConfig, catalog);
    expect(rest.exitCode, rest.stderr).to.equal(0);
    sandbox.counters.reset();
    const bulk = await read(sourceConfig(sandbox, { start_date: start, extraction_method: 'bulk' }), catalog, undefined, { env: BULK_ENV });
    expect(bulk.exitCode, bulk.stderr).to.equal(0);
    expect(sandbox.bulkExports.jobs().filter((j) => j.object === 'leads').length).to.be.greaterThan(0);
    expect(sandbox.bulkExports.jobs().filter((j) => j.object === 'activities').length).to.be.greaterThan(2);

    const [fromRest, fromBulk] = [latest(rest), latest(bulk)];
    for (const stream of streams) {
      expect(Object.keys(fromBulk[stream]).sort(), stream).to.deep.equal(Object.keys(fromRest[stream]).sort());
      expect(fromBulk[stream], stream).to.deep.equal(fromRest[stream]);
    }
    // What each path read: every current lead, every activity Marketo still keeps, deletions of the last 14 days only.
    expect(Object.keys(fromRest.leads)).to.have.length(sandbox.leads().length);
    // The sandbox lists what Marketo keeps: the deletions by hand of 40 and 20 days ago are gone.
    const kept = [...sandbox.activities()];
    expect(Object.keys(fromRest.activities).sort()).to.deep.equal(kept.map((a) => JSON.stringify([a.marketoGUID])).sort());
    const deletions = kept.filter((a) => a.activityTypeId === TYPE_DELETE_LEAD);
    expect(deletions.filter((a) => a.leadId >= 10 && a.leadId <= 13).map((a) => a.leadId)).to.deep.equal([12, 13]);
    expect(deletions.every((a) => Date.parse(a.activityDate) >= Date.now() - DELETED_LEADS_RETENTION_DAYS * DAY_S * 1000)).to.equal(true);
    expect(Object.keys(fromRest.deleted_leads).sort()).to.deep.equal(deletions.map((a) => JSON.stringify([a.marketoGUID])).sort());
    expect(Object.keys(fromRest.lead_changes).length).to.be.greaterThan(100);
  });

  it("through bulk, `activities`' REST walk of Delete Lead (the one type the files cannot hold) starts at Marketo's 14-day horizon", async () => {
    sandbox = await historySandbox({ bulkExportStepMs: 0 }, 2000);
    const start = recent(100 * DAY_S);
    // Each call examines the next 2,000 stored activities of every type: from the horizon, only those stored since.
    const since = Date.now() - DELETED_LEADS_RETENTION_DAYS * DAY_S * 1000;
    const stored = [...sandbox.activities()];
    const storedSince = stored.filter((a) => Date.parse(a.activityDate) >= since).length;
    expect(storedSince).to.be.below(stored.length / 5);
    expect(stored.filter((a) => a.activityTypeId === TYPE_DELETE_LEAD).length).to.be.greaterThan(0);

    // The same first sync with and without Delete Lead, one call at a time (no window split off to
    // use the call rate): the difference in Get Lead Activities calls is Delete Lead's own walk.
    const catalog = catalogFor(await discover(sourceConfig(sandbox)), ['activities']);
    const firstSync = async (typeIds: number[]) => {
      sandbox.counters.reset();
      const config = sourceConfig(sandbox, { start_date: start, extraction_method: 'bulk', activity_type_ids: typeIds, max_concurrent_calls: 1 });
      const result = await read(config, catalog, undefined, { env: BULK_ENV });
      expect(result.exitCode, result.stderr).to.equal(0);
      const want = stored.filter((a) => typeIds.includes(a.activityTypeId)).map((a) => a.marketoGUID);
      expect(uniqueSorted(guids(result, 'activities'))).to.deep.equal(want.sort());
      return sandbox.counters.byEndpoint()['GET /rest/v1/activities.json'];
    };
    const without = await firstSync([1]);
    const withDeletions = await firstSync([1, TYPE_DELETE_LEAD]);
    expect(withDeletions - without).to.equal(Math.ceil(storedSince / ACTIVITIES_SCANNED_PER_CALL));
    expect(sandbox.bulkExports.jobs().every((j) => !j.filter.activityTypeIds?.includes(TYPE_DELETE_LEAD))).to.equal(true);
  });

  it('a sync killed while its job is processing resumes by polling that job: no second job for the window, nothing lost, nothing twice', async () => {
    sandbox = await historySandbox({ bulkExportStepMs: 2500 });
    const { config, catalog } = await bulkSync(sandbox, [1, 2, 6, 10, 13]);
    const killed = await read(config, catalog, undefined, {
      env: BULK_ENV,
      // After the first day's file (which measures the history), jobs go three ahead: the second
      // job's id is saved once the first of them is queued.
      killAfter: (m) => m.type === 'STATE' && (m.state.stream?.stream_state?.bulk?.jobs?.length ?? 0) >= 2,
    });
    expect(killed.signal).to.equal('SIGKILL');
    const saved: any = (nextState(killed)[0] as any).stream.stream_state.bulk;
    expect(saved.jobs).to.have.length(2);
    const [job] = sandbox.bulkExports.jobs().filter((j) => j.exportId === saved.jobs[0].exportId);
    expect(job.status).to.be.oneOf(['Queued', 'Processing']);
    const committed = committedRecords(killed, 'activities').map((r) => r.data.marketoGUID);

    const resumed = await read(config, catalog, nextState(killed), { env: BULK_ENV });
    expect(resumed.exitCode, resumed.stderr).to.equal(0);
    expect(jobsPerWindow(sandbox)).to.deep.equal([1, 1, 1, 1]);
    const want = guidsOfTypes(sandbox, [1, 2, 6, 10, 13]);
    expect(guids(resumed, 'activities').filter((g) => committed.includes(g))).to.deep.equal([]);
    expect(uniqueSorted([...committed, ...guids(resumed, 'activities')])).to.deep.equal(want);
  });

  it('a sync killed with a file half read resumes the same file from the byte after its last STATE', async () => {
    sandbox = await historySandbox({ bulkExportStepMs: 0 });
    const { config, catalog } = await bulkSync(sandbox, [1, 2, 6, 10, 13]);
    const killed = await read(config, catalog, undefined, {
      env: BULK_ENV,
      killAfter: (m) => m.type === 'STATE' && (m.state.stream?.stream_state?.bulk?.jobs?.[0]?.offset ?? 0) > 0,
    });
    expect(killed.signal).to.equal('SIGKILL');
    const saved: any = (nextState(killed)[0] as any).stream.stream_state.bulk;
    const halfRead = saved.jobs[0];
    expect(halfRead.offset).to.be.greaterThan(0);
    expect(halfRead.columns).to.include('attributes');
    const committed = committedRecords(killed, 'activities').map((r) => r.data.marketoGUID);
    // The first day's file, whole, and 1000 rows (one checkpoint) of the next.
    const probe = sandbox.bulkExports.jobs()[0];
    expect(probe.exportId).to.not.equal(halfRead.exportId);
    expect(committed).to.have.length(probe.numberOfRecords! + 1000);

    sandbox.counters.reset();
    const resumed = await read(config, catalog, nextState(killed), { env: BULK_ENV });
    expect(resumed.exitCode, resumed.stderr).to.equal(0);
    expect(jobsPerWindow(sandbox)).to.deep.equal([1, 1, 1, 1]);
    // The half-read file is downloaded once more (from its offset), never re-exported.
    expect(sandbox.bulkExports.jobs().find((j) => j.exportId === halfRead.exportId)!.downloads).to.equal(2);
    expect(sandbox.bulkExports.jobs()).to.have.length(4);
    const want = guidsOfTypes(sandbox, [1, 2, 6, 10, 13]);
    expect(guids(resumed, 'activities').filter((g) => committed.includes(g))).to.deep.equal([]);
    expect(uniqueSorted([...committed, ...guids(resumed, 'activities')])).to.deep.equal(want);
  });

  describe('a file half read whose job is lost before the next sync', () => {
    const TYPES = [1, 2, 6, 10, 13];

    /** A sync killed once the second window's file is half read (its job and offset in the state); then every file expires. */
    async function killHalfRead(
      opts: Parameters<typeof startSandbox>[0] = {},
    ): Promise<{ config: Record<string, unknown>; catalog: any; killed: any; halfRead: any; committed: string[] }> {
      sandbox = await historySandbox({ bulkExportStepMs: 0, ...opts });
      const { config, catalog } = await bulkSync(sandbox, TYPES);
      const killed = await read(config, catalog, undefined, {
        env: BULK_ENV,
        killAfter: (m) => m.type === 'STATE' && (m.state.stream?.stream_state?.bulk?.jobs?.[0]?.offset ?? 0) > 0,
      });
      expect(killed.signal).to.equal('SIGKILL');
      const halfRead = (nextState(killed)[0] as any).stream.stream_state.bulk.jobs[0];
      expect(halfRead.offset).to.be.greaterThan(0);
      expect(halfRead.progress.rows).to.equal(1000);
      const committed = committedRecords(killed, 'activities').map((r) => r.data.marketoGUID);
      sandbox.bulkExports.expireFiles();
      return { config, catalog, killed, halfRead, committed };
    }

    function logsMatching(result: { logs(): any[] }, pattern: RegExp): string[] {
      return result
        .logs()
        .map((l: any) => l.message)
        .filter((m: string) => pattern.test(m));
    }

    function wanted(): string[] {
      return [...sandbox.activities()]
        .filter((a) => TYPES.includes(a.activityTypeId))
        .map((a) => a.marketoGUID)
        .sort();
    }

    it("same history: the new job's file is the same file, read on from the lost offset with a ranged download; every GUID exactly once across both syncs, with a LOG", async () => {
      const { config, catalog, killed, halfRead, committed } = await killHalfRead();
      const resumed = await read(config, catalog, nextState(killed), { env: BULK_ENV });
      expect(resumed.exitCode, resumed.stderr).to.equal(0);

      // Every file expired: the jobs queued ahead are recreated too, with nothing of theirs read.
      const recreated = logsMatching(resumed, /Creating it again, once/);
      expect(recreated.filter((m) => m.includes(halfRead.exportId))).to.deep.equal([
        `activities: the bulk export job ${halfRead.exportId} for ${halfRead.from} to ${halfRead.to} cannot be used: its file has expired. Creating it again, once; the 1000 rows of its file already read are not emitted again.`,
      ]);
      expect(recreated.filter((m) => /already read/.test(m))).to.have.length(1);
      expect(logsMatching(resumed, /is the same file as the lost one \(same checksum\): reading it from byte/)).to.deep.equal([
        `activities: the new export of ${halfRead.from} to ${halfRead.to} is the same file as the lost one (same checksum): reading it from byte ${halfRead.offset}, after the 1000 rows already read.`,
      ]);
      // Two jobs for the half-read window (the lost one and its one recreation), one for each other window.
      const windows = sandbox.bulkExports.jobs().filter((j) => j.filter.startAt === halfRead.from);
      expect(windows).to.have.length(2);
      expect(windows[1].downloads).to.equal(1);
      expect(jobsPerWindow(sandbox).every((n) => n <= 2)).to.equal(true);

      expect(guids(resumed, 'activities').filter((g) => committed.includes(g))).to.deep.equal([]);
      expect(uniqueSorted([...committed, ...guids(resumed, 'activities')])).to.deep.equal(wanted());
    });

    it('changed history (activities stored since, dated inside the half-read window): the new file is read again leaving out what was read; the added activities come, nothing twice', async () => {
      const { config, catalog, killed, halfRead, committed } = await killHalfRead();
      // Late activities (Add Custom Activities takes a past activityDate): some dated before the
      // last row read (in the part of the window already read), some after it.
      const before = sandbox.addActivities(40, { at: new Date(Date.parse(halfRead.from) + 60_000).toISOString(), typeIds: [1, 2] });
      const after = sandbox.addActivities(40, { at: new Date(halfRead.progress.at + 1000).toISOString(), typeIds: [1, 2] });
      expect(before.every((a) => Date.parse(a.activityDate) < halfRead.progress.at)).to.equal(true);
      expect(after.every((a) => Date.parse(a.activityDate) < Date.parse(halfRead.to))).to.equal(true);

      const resumed = await read(config, catalog, nextState(killed), { env: BULK_ENV });
      expect(resumed.exitCode, resumed.stderr).to.equal(0);
      expect(
        logsMatching(
          resumed,
          new RegExp(`job ${halfRead.exportId} .*its file has expired. Creating it again, once; the 1000 rows of its file already read are not emitted again`),
        ),
      ).to.have.length(1);
      expect(logsMatching(resumed, /same checksum/)).to.deep.equal([]);
      expect(logsMatching(resumed, /does not start with the 1000 rows the lost file had given \(the window changed since\)/)).to.have.length(1);
      // The new file was downloaded twice: once to find its first rows differ, once to read it.
      const windows = sandbox.bulkExports.jobs().filter((j) => j.filter.startAt === halfRead.from);
      expect(windows.map((j) => j.downloads)).to.deep.equal([1, 2]);

      const emitted = guids(resumed, 'activities');
      expect(emitted.filter((g) => committed.includes(g))).to.deep.equal([]);
      for (const a of [...before, ...after]) expect(emitted).to.include(a.marketoGUID);
      expect(uniqueSorted([...committed, ...emitted])).to.deep.equal(wanted());
    });
    it("files in no order (Marketo documents none; the sandbox shuffles each job's file): the lost rows cannot be told apart, so the new file is read whole with a WARN: nothing lost, and only the lost read's rows twice", async () => {
      const { config, catalog, killed, halfRead, committed } = await killHalfRead({ bulkFileOrder: 'shuffled' });
      expect(halfRead.progress.ordered).to.equal(false);
      const resumed = await read(config, catalog, nextState(killed), { env: BULK_ENV });
      expect(resumed.exitCode, resumed.stderr).to.equal(0);
      expect(logsMatching(resumed, /same checksum/)).to.deep.equal([]);
      expect(logsMatching(resumed, /does not start with the 1000 rows/)).to.deep.equal([
        `activities: the new export of ${halfRead.from} to ${halfRead.to} does not start with the 1000 rows the lost file had given, and those were not in date order, so they cannot be told apart: up to 1000 records may come twice (deduplicating on the primary key removes them).`,
      ]);
      const emitted = guids(resumed, 'activities');
      const inWindow = (a: { activityDate: string }) => a.activityDate >= halfRead.from && a.activityDate < halfRead.to;
      const lostRead = new Set([...sandbox.activities()].filter((a) => inWindow(a) && committed.includes(a.marketoGUID)).map((a) => a.marketoGUID));
      expect(lostRead.size).to.be.within(1, 1000);
      // Twice: exactly what the lost read had emitted, nothing else.
      expect(emitted.filter((g) => committed.includes(g)).sort()).to.deep.equal([...lostRead].sort());
      uniqueSorted(emitted);
      expect([...new Set([...committed, ...emitted])].sort()).to.deep.equal(wanted());
    });
  });

  it('a job whose file expired before a resumed sync read it is recreated once, with a LOG; nothing lost, nothing twice', async () => {
    sandbox = await historySandbox({ bulkExportStepMs: 0 });
    const { config, catalog } = await bulkSync(sandbox, [1, 2]);
    const killed = await read(config, catalog, undefined, {
      env: BULK_ENV,
      killAfter: (m) => m.type === 'STATE' && (m.state.stream?.stream_state?.bulk?.jobs?.length ?? 0) >= 2,
    });
    expect(killed.signal).to.equal('SIGKILL');
    expect(sandbox.bulkExports.jobs()[0].status).to.equal('Completed');
    sandbox.bulkExports.expireFiles();
    const resumed = await read(config, catalog, nextState(killed), { env: BULK_ENV });
    expect(resumed.exitCode, resumed.stderr).to.equal(0);
    const warnings = resumed
      .logs()
      .map((l: any) => l.message)
      .filter((m: string) => /Creating it again, once/.test(m));
    expect(warnings).to.have.length.within(1, 2);
    for (const w of warnings) expect(w).to.match(/its file has expired/);
    expect(sandbox.bulkExports.jobs()).to.have.length(4 + warnings.length);
    const want = guidsOfTypes(sandbox, [1, 2]);
    expect(uniqueSorted([...guids(killed, 'activities'), ...guids(resumed, 'activities')])).to.deep.equal(want);
  });

  it('a failed job is recreated once, with a LOG', async () => {
    sandbox = await historySandbox({ bulkExportStepMs: 0 });
    sandbox.bulkExports.failNext(1);
    const { config, catalog } = await bulkSync(sandbox, [1, 2]);
    const result = await read(config, catalog, undefined, { env: BULK_ENV });
    expect(result.exitCode, result.stderr).to.equal(0);
    const warnings = result
      .logs()
      .map((l: any) => l.message)
      .filter((m: string) => /Creating it again, once/.test(m));
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.match(/ended Failed/);
    expect(sandbox.bulkExports.jobs()).to.have.length(5);
    const want = guidsOfTypes(sandbox, [1, 2]);
    expect(uniqueSorted(guids(result, 'activities'))).to.deep.equal(want);
  });

  it('1029 "Export daily quota exceeded" stops the bulk part cleanly with its state saved; the next day it goes on', async () => {
    sandbox = await historySandbox({ bulkExportStepMs: 0, bulkExportDailyQuotaMb: 5 });
    const config = sourceConfig(sandbox, { start_date: recent(100 * DAY_S), extraction_method: 'bulk' });
    const catalog = catalogFor(await discover(config), ['activities', 'deleted_leads']);
    sandbox.bulkExports.setExportedBytesToday(5 * 1024 * 1024);
    const stopped = await read(config, catalog, undefined, { env: BULK_ENV });
    expect(stopped.exitCode, stopped.stderr).to.equal(0);
    const warn = stopped.logMessages('WARN');
    expect(
      warn.some((m: string) => /activities: stopped after 0 records: .*1029 Export daily quota 5MB exceeded/.test(m)),
      warn.join('\n'),
    ).to.equal(true);
    expect(statuses(stopped, 'activities')).to.deep.equal(['STARTED', 'RUNNING', 'INCOMPLETE']);
    expect(statuses(stopped, 'deleted_leads')).to.deep.equal(['STARTED', 'RUNNING', 'COMPLETE']);
    expect(sandbox.bulkExports.jobs()).to.deep.equal([]);

    sandbox.bulkExports.setExportedBytesToday(0);
    const next = await read(config, catalog, nextState(stopped), { env: BULK_ENV });
    expect(next.exitCode, next.stderr).to.equal(0);
    const want = [...sandbox.activities()].map((a) => a.marketoGUID).sort();
    expect(uniqueSorted([...guids(stopped, 'activities'), ...guids(next, 'activities')])).to.deep.equal(want);
  });

  it('leads: a first sync through bulk lead exports (updatedAt windows) equals the REST full read, record for record; 1035 falls back to createdAt with a LOG', async () => {
    for (const updatedAtFilter of [true, false]) {
      sandbox = await startSandbox({
        seed: 4,
        activityCount: 1500,
        leadCount: 2500,
        startDate: recent(2000),
        bulkExportStepMs: 0,
        bulkLeadUpdatedAtFilter: updatedAtFilter,
        rateLimit: null,
      });
      const catalog = catalogFor(await discover(sourceConfig(sandbox)), ['leads']);
      const rest = await read(sourceConfig(sandbox, { extraction_method: 'rest' }), catalog);
      expect(rest.exitCode, JSON.stringify(rest.traces('ERROR'))).to.equal(0);
      sandbox.counters.reset();
      const bulk = await read(sourceConfig(sandbox, { extraction_method: 'bulk' }), catalog, undefined, { env: BULK_ENV });
      expect(bulk.exitCode, JSON.stringify(bulk.traces('ERROR'))).to.equal(0);
      const byId = (records: any[]) => Object.fromEntries(records.map((r) => [r.data.id, r.data]));
      expect(bulk.records('leads').length).to.equal(rest.records('leads').length).and.to.equal(sandbox.leads().length);
      expect(byId(bulk.records('leads'))).to.deep.equal(byId(rest.records('leads')));
      expect(bulkCalls(sandbox)['GET /rest/v1/leads.json'] ?? 0).to.equal(0);
      const jobs = sandbox.bulkExports.jobs().filter((j) => j.object === 'leads' && j.status === 'Completed');
      expect(jobs.length).to.be.greaterThan(1);
      expect(new Set(jobs.map((j) => j.filter.field))).to.deep.equal(new Set([updatedAtFilter ? 'updatedAt' : 'createdAt']));
      const fallbacks = bulk
        .logs()
        .map((l: any) => l.message)
        .filter((m: string) => /1035/.test(m));
      expect(fallbacks).to.have.length(updatedAtFilter ? 0 : 1);
      if (!updatedAtFilter) expect(fallbacks[0]).to.match(/reading the leads by creation date instead/);
      await sandbox.close();
    }
  });
});
