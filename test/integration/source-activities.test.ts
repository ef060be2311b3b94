import { expect } from 'chai';
import { startSandbox, Sandbox } from '../../sandbox';
import { checkCatalog, checkRecords, checkSequentialSlices, checkSpec, checkConnection } from '../harness/acceptance';
import { configuredCatalogFromDiscovered, invalidStreamCatalog } from '../harness/configured-catalog';
import { RunResult, writeJsonTemp } from '../harness/run-connector';
import { SandboxClient } from '../harness/sandbox-client';
import {
  SOURCE,
  START_DATE,
  catalogFor,
  committedRecords,
  discover,
  guids,
  nextState,
  read,
  run,
  sourceConfig,
  uniqueSorted,
  ascending,
  recordIds,
  sandboxPerTest,
  readDenied,
  errorTraces,
} from './support';

/** An ISO second `seconds` ago. */
function recent(seconds: number): string {
  return new Date(Math.floor(Date.now() / 1000 - seconds) * 1000).toISOString().replace('.000Z', 'Z');
}

const ACTIVITY_STREAMS = ['activities', 'lead_changes', 'deleted_leads'];
/** Every stream discover lists for the sandbox but the per-type activity streams (car_c: its default custom object type), in its order. */
const EVERY_STREAM = [
  'activities',
  'lead_changes',
  'deleted_leads',
  'leads',
  'activity_types',
  'companies',
  'programs',
  'program_members',
  'smart_campaigns',
  'segmentations',
  'segments',
  'static_lists',
  'static_list_members',
  'car_c',
];
const LEAD_CHANGE_TYPES = new Set([12, 13, 32]);

/**
 * What each stream must hold, computed from the sandbox's own data. A first sync of deleted_leads
 * through `auto` (the default) or `bulk` starts at Marketo's 14-day horizon; through `rest`, at START_DATE.
 */
function expected(sandbox: Sandbox, method: 'auto' | 'rest' = 'auto'): Record<string, string[]> {
  const all = [...sandbox.activities()].filter((a) => a.activityDate >= START_DATE);
  const horizon = Date.now() - 14 * 86_400_000;
  const servedTypes = new Set(sandbox.activityTypes().map((t) => t.id));
  return {
    activities: all
      .filter((a) => servedTypes.has(a.activityTypeId))
      .map((a) => a.marketoGUID)
      .sort(),
    lead_changes: all
      .filter((a) => LEAD_CHANGE_TYPES.has(a.activityTypeId))
      .map((a) => a.marketoGUID)
      .sort(),
    deleted_leads: all
      .filter((a) => a.activityTypeId === 37 && (method === 'rest' || Date.parse(a.activityDate) >= horizon))
      .map((a) => a.marketoGUID)
      .sort(),
  };
}

describe('source-marketo against the sandbox: spec, check, discover', function () {
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await startSandbox({ seed: 7, activityCount: 1500, leadCount: 100 });
  });
  after(() => sandbox.close());

  it('spec passes the acceptance checks, and the sample config validates against it', async () => {
    const result = await run(SOURCE, ['spec']);
    expect(result.exitCode).to.equal(0);
    expect(checkSpec(result.messages, sourceConfig(sandbox))).to.deep.equal([]);
  });

  it('check succeeds with good credentials', async () => {
    const result = await run(SOURCE, ['check', '--config', writeJsonTemp(sourceConfig(sandbox))]);
    expect(result.exitCode).to.equal(0);
    expect(checkConnection(result.messages, 'succeed')).to.deep.equal([]);
  });

  const failures: Array<[string, (s: Sandbox) => Record<string, unknown>, RegExp]> = [
    ['wrong credentials', (s) => sourceConfig(s, { client_secret: 'wrong-secret-value' }), /refused the client id and secret \(Bad client credentials\)/],
    [
      'an unreachable host',
      () => sourceConfig(sandbox, { domain_url: 'http://127.0.0.1:45678' }),
      /Could not reach Marketo at http:\/\/127\.0\.0\.1:45678: the connection was refused/,
    ],
    ['an http URL to a non-loopback host', () => sourceConfig(sandbox, { domain_url: 'http://123-ABC-456.mktorest.com' }), /'domain_url' must use https/],
    [
      'a bad start date',
      () => sourceConfig(sandbox, { start_date: 'last tuesday' }),
      /^'start_date' must look like YYYY-MM-DDTHH:mm:ssZ; got 'last tuesday'\. Example: 2024-01-01T00:00:00Z\.$/,
    ],
  ];
  for (const [label, config, message] of failures) {
    it(`check answers FAILED with a clear message for ${label}`, async () => {
      const cfg = config(sandbox);
      const result = await run(SOURCE, ['check', '--config', writeJsonTemp(cfg)]);
      expect(result.exitCode).to.equal(0);
      expect(checkConnection(result.messages, 'failed')).to.deep.equal([]);
      const status = result.messages.find((m) => m.type === 'CONNECTION_STATUS').connectionStatus;
      expect(status.message).to.match(message);
      expect(status.message).not.to.match(/\n\s+at /); // no stack trace
      expect(result.stdoutLines.join('\n')).not.to.contain(String(cfg.client_secret));
    });
  }

  it('discover passes the acceptance checks and lists every stream', async () => {
    const result = await run(SOURCE, ['discover', '--config', writeJsonTemp(sourceConfig(sandbox))]);
    expect(checkCatalog(result.messages)).to.deep.equal([]);
    const streams = result.messages.find((m) => m.type === 'CATALOG').catalog.streams;
    // One per-type stream per activity type, right after `activities` (source-activity-types.test.ts looks at them).
    const perType = streams.map((s: any) => s.name).filter((n: string) => n.startsWith('activities_'));
    expect(perType).to.have.length(sandbox.activityTypes().length);
    expect(streams.map((s: any) => s.name).filter((n: string) => !perType.includes(n))).to.deep.equal(EVERY_STREAM);
    // The leads schema is Describe Lead's, live, with the fields of the linked company marked.
    const leads = streams.find((s: any) => s.name === 'leads').json_schema.properties;
    expect(Object.keys(leads)).to.have.length(sandbox.leadFields().filter((f) => f.rest).length + 1);
    expect(leads.company.description).to.equal('Company Name (Marketo string). Company field: its value comes from the company linked by externalCompanyId');
    expect(leads.email.description).to.equal('Email Address (Marketo email)');
    expect(leads.leadScore.type).to.deep.equal(['null', 'integer']);
    expect(leads.updatedAt).to.include({ format: 'date-time' });
  });

  it('read with wrong credentials or a bad start date fails with one config_error TRACE, no secret, no stack on stdout text', async () => {
    const discovered = await discover(sourceConfig(sandbox));
    const catalog = catalogFor(discovered, ['activities', 'lead_changes']);
    const badSecret = await read(sourceConfig(sandbox, { client_secret: 'not-the-secret-1234' }), catalog);
    expect(badSecret.exitCode).to.equal(1);
    // A connection failure of the whole read, before any stream starts (by-hand.test.ts has the details).
    expect(badSecret.traces('ERROR').map((e: any) => [e.error.failure_type, e.error.message])).to.deep.equal([
      [
        'config_error',
        'Marketo refused the client id and secret (Bad client credentials). Check them in Admin > LaunchPoint > View Details, and that the API user is active.',
      ],
    ]);
    expect(badSecret.traces('STREAM_STATUS')).to.deep.equal([]);
    expect(badSecret.stdoutLines.join('\n')).not.to.contain('not-the-secret-1234');

    const badDate = await read(sourceConfig(sandbox, { start_date: '2026-13-45' }), catalog);
    expect(badDate.exitCode).to.equal(1);
    expect(badDate.traces('ERROR').map((e: any) => [e.error.failure_type, e.error.message])).to.deep.equal([
      ['config_error', "'start_date' must look like YYYY-MM-DDTHH:mm:ssZ; got '2026-13-45'. Example: 2024-01-01T00:00:00Z."],
    ]);
  });

  it('a stream the API user may not read (603) fails alone, with the permission to grant; the others complete', async () => {
    const discovered = await discover(sourceConfig(sandbox));
    const catalog = catalogFor(discovered, ['leads', 'deleted_leads']);
    // Through rest, deleted_leads reads the history's deletions (all older than 14 days) from START_DATE.
    const result = await readDenied(sandbox, catalog, /\/rest\/v1\/leads\.json/, sourceConfig(sandbox, { extraction_method: 'rest' }));
    expect(result.exitCode).to.equal(1);
    expect(errorTraces(result)).to.deep.equal([
      [
        'config_error',
        'leads',
        "leads: Marketo denied access to /rest/v1/leads.json (603 Access denied). Give the API user's role the 'Read-Only Lead' permission (Admin > Users & Roles > Roles), or check the IP allow-list.",
      ],
    ]);
    const statuses = result.traces('STREAM_STATUS').map((t: any) => `${t.stream_status.stream_descriptor.name}:${t.stream_status.status}`);
    expect(statuses).to.deep.equal([
      'deleted_leads:STARTED',
      'deleted_leads:RUNNING',
      'deleted_leads:COMPLETE',
      'leads:STARTED',
      'leads:RUNNING',
      'leads:INCOMPLETE',
    ]);
    expect(uniqueSorted(guids(result, 'deleted_leads'))).to.deep.equal(expected(sandbox, 'rest').deleted_leads);
    expect(expected(sandbox, 'rest').deleted_leads).to.have.length(16);
  });

  it('read with an unknown stream fails with a TRACE error', async () => {
    const result = await read(sourceConfig(sandbox), invalidStreamCatalog());
    expect(result.exitCode).to.equal(1);
    const errors = result.traces('ERROR');
    expect(errors).to.have.length(1);
    expect(errors[0].error.message).to.contain("'__AIRBYTE__stream_that_does_not_exist'");
    expect(errors[0].error.failure_type).to.equal('config_error');
  });
});

describe('source-marketo against the sandbox: a denied stream fails alone, full-refresh streams configured incremental', function () {
  let sandbox: Sandbox;
  // A sandbox per test: each read makes tens of calls, and Marketo's 100 calls per 20 s count across processes.
  beforeEach(async () => {
    sandbox = await startSandbox({ seed: 7, activityCount: 1500, leadCount: 100 });
  });
  afterEach(() => sandbox.close());

  // Whatever its place in the catalog, the denied stream fails alone and every other one reads in full.
  const orders: Array<[string, string[]]> = [
    ['first', ['deleted_leads', 'activities', 'lead_changes', 'activity_types']],
    ['in the middle', ['activities', 'deleted_leads', 'activity_types', 'lead_changes']],
    ['last', ['activity_types', 'lead_changes', 'activities', 'deleted_leads']],
  ];
  for (const [position, order] of orders) {
    it(`a 603 on Get Deleted Leads, with deleted_leads ${position} in the catalog, fails deleted_leads alone; the sync exits 1 at the end`, async () => {
      const discovered = await discover(sourceConfig(sandbox));
      const configured = configuredCatalogFromDiscovered(discovered, { streams: order }).streams.map((s: any) => ({
        ...s,
        sync_mode: s.stream.name === 'activity_types' ? 'full_refresh' : 'incremental',
      }));
      const catalog = { streams: order.map((name) => configured.find((s: any) => s.stream.name === name)) };
      const result = await readDenied(sandbox, catalog, /deletedleads\.json/);
      expect(result.exitCode).to.equal(1);
      expect(errorTraces(result)).to.deep.equal([
        [
          'config_error',
          'deleted_leads',
          "deleted_leads: Marketo denied access to /rest/v1/activities/deletedleads.json (603 Access denied). Give the API user's role the 'Read-Only Activity' permission (Admin > Users & Roles > Roles), or check the IP allow-list.",
        ],
      ]);
      const finalStatus = (name: string): string =>
        result
          .traces('STREAM_STATUS')
          .filter((t: any) => t.stream_status.stream_descriptor.name === name)
          .map((t: any) => t.stream_status.status)
          .pop();
      expect(order.map(finalStatus)).to.deep.equal(order.map((name) => (name === 'deleted_leads' ? 'INCOMPLETE' : 'COMPLETE')));
      // The error TRACE comes after every stream before it completed, and the streams after it still ran.
      const want = expected(sandbox);
      expect(uniqueSorted(guids(result, 'activities'))).to.deep.equal(want.activities);
      expect(uniqueSorted(guids(result, 'lead_changes'))).to.deep.equal(want.lead_changes);
      expect(result.records('deleted_leads')).to.deep.equal([]);
      expect(recordIds(result, 'activity_types')).to.deep.equal(ascending(sandbox.activityTypes().map((t) => t.id)));
    });
  }

  it('a read with every stream configured incremental, as PyAirbyte does, reads activity_types in full with a WARN', async () => {
    const discovered = await discover(sourceConfig(sandbox));
    const catalog = configuredCatalogFromDiscovered(discovered);
    for (const configured of catalog.streams) (configured as any).sync_mode = 'incremental';
    expect(catalog.streams.map((s: any) => s.stream.name).filter((n: string) => !n.startsWith('activities_'))).to.deep.equal(EVERY_STREAM);
    const result = await read(sourceConfig(sandbox), catalog);
    expect(result.traces('ERROR').map((e: any) => e.error.message)).to.deep.equal([]);
    expect(result.exitCode, result.stderr).to.equal(0);
    expect(recordIds(result, 'activity_types')).to.deep.equal(ascending(sandbox.activityTypes().map((t) => t.id)));
    const want = expected(sandbox);
    for (const stream of ACTIVITY_STREAMS) expect(uniqueSorted(guids(result, stream)), stream).to.deep.equal(want[stream]);
    expect(recordIds(result, 'leads')).to.deep.equal(sandbox.leads().map((l) => l.id));
    expect(result.logMessages('WARN')).to.include(
      "Stream 'activity_types' supports only full_refresh; it is configured as incremental, so it is read in full.",
    );
  });

  it('a stream configured with a sync mode that does not exist is still refused', async () => {
    const discovered = await discover(sourceConfig(sandbox));
    const catalog = configuredCatalogFromDiscovered(discovered, { streams: ['activity_types'] });
    (catalog.streams[0] as any).sync_mode = 'incremental_append';
    const result = await read(sourceConfig(sandbox), catalog);
    expect(result.exitCode).to.equal(1);
    expect(result.traces('ERROR').map((e: any) => [e.error.failure_type, e.error.message])).to.deep.equal([
      ['config_error', "Stream 'activity_types' does not support sync mode 'incremental_append' (supported: full_refresh)."],
    ]);
    expect(result.records()).to.deep.equal([]);
  });
});

describe('source-marketo against the sandbox: incremental activities and lead changes', function () {
  this.timeout(120_000);
  // Activities of the last hour, as a live subscription has them.
  const env = sandboxPerTest(() => ({ seed: 11, activityCount: 3000, leadCount: 150, startDate: recent(3600) }));

  it('a full read returns exactly the env.sandbox activities, and the next read exactly what was added, including in the cursor second', async () => {
    const config = sourceConfig(env.sandbox);
    const catalog = catalogFor(env.discovered, ACTIVITY_STREAMS);
    const first = await read(config, catalog);
    expect(first.exitCode, first.stderr).to.equal(0);
    expect(checkRecords(first.messages, catalog)).to.deep.equal([]);
    expect(checkSequentialSlices(first.messages)).to.deep.equal([]);
    const want = expected(env.sandbox);
    for (const stream of ACTIVITY_STREAMS) expect(uniqueSorted(guids(first, stream)), stream).to.deep.equal(want[stream]);
    const typesCatalog = catalogFor(env.discovered, ['activity_types'], 'full_refresh');
    const types = await read(config, typesCatalog);
    expect(checkRecords(types.messages, typesCatalog)).to.deep.equal([]);
    expect(recordIds(types, 'activity_types')).to.deep.equal(ascending(env.sandbox.activityTypes().map((t) => t.id)));

    // New activities, some stamped in the very second the saved cursor points at. The history
    // ended more than five minutes before the sync, so the cursor moved past its last activity
    // to the second every quiet walk of the sync stops at.
    const state = nextState(first);
    const cursorSecond = (state.find((s: any) => s.stream.stream_descriptor.name === 'activities') as any).stream.stream_state.activityDate;
    const lastSecond = [...env.sandbox.activities()]
      .map((a) => a.activityDate)
      .sort()
      .pop()!;
    expect(cursorSecond > lastSecond).to.equal(true);
    const added = [...env.sandbox.addActivities(40, { at: cursorSecond }), ...env.sandbox.addActivities(40)];
    expect(added.filter((a) => a.activityDate === cursorSecond).length).to.be.greaterThan(0);

    const second = await read(config, catalog, state);
    expect(second.exitCode, second.stderr).to.equal(0);
    expect(checkRecords(second.messages, catalog)).to.deep.equal([]);
    const wantAfter = expected(env.sandbox);
    for (const stream of ACTIVITY_STREAMS) {
      const newOnes = wantAfter[stream].filter((g) => !want[stream].includes(g));
      expect(uniqueSorted(guids(second, stream)), stream).to.deep.equal(newOnes);
    }
    expect(added.length).to.equal(80);
  });

  it('with a look-back, activities Marketo commits late (dated before the cursor) are read once, and nothing else again', async () => {
    const config = sourceConfig(env.sandbox, { activity_lookback_minutes: 10 });
    const catalog = catalogFor(env.discovered, ACTIVITY_STREAMS);
    const first = await read(config, catalog);
    const want = expected(env.sandbox);
    for (const stream of ACTIVITY_STREAMS) expect(uniqueSorted(guids(first, stream)), stream).to.deep.equal(want[stream]);
    const lastSecond = [...env.sandbox.activities()]
      .map((a) => a.activityDate)
      .sort()
      .pop()!;
    const lateFrom = new Date(Date.parse(lastSecond) - 180_000).toISOString().replace('.000Z', 'Z');
    const late = env.sandbox.addActivities(30, { at: lateFrom, typeIds: [1, 6, 13] });
    expect(late.every((a) => a.activityDate < lastSecond)).to.equal(true);

    const second = await read(config, catalog, nextState(first));
    expect(second.exitCode, second.stderr).to.equal(0);
    const wantAfter = expected(env.sandbox);
    for (const stream of ACTIVITY_STREAMS) {
      const newOnes = wantAfter[stream].filter((g) => !want[stream].includes(g));
      expect(uniqueSorted(guids(second, stream)), stream).to.deep.equal(newOnes);
    }
    expect(guids(second, 'activities').length).to.equal(late.length);
    const third = await read(config, catalog, nextState(second));
    expect(third.records()).to.deep.equal([]);
  });

  it('the same exact result with faults injected and a token that expires mid-sync', async () => {
    const config = sourceConfig(env.sandbox);
    const catalog = catalogFor(env.discovered, ACTIVITY_STREAMS);
    // Faults hit the paging calls of every stream, each kind at most a few times in a row.
    env.sandbox.faults.inject({ kind: 'error', code: '606', times: 2, path: /\/activities\.json/ });
    env.sandbox.faults.inject({ kind: 'error', code: '615', times: 2, path: /leadchanges\.json/ });
    env.sandbox.faults.inject({ kind: 'error', code: '604', times: 1, path: /deletedleads\.json/ });
    env.sandbox.faults.inject({ kind: 'http', status: 502, times: 2, path: /\/activities\.json/ });
    env.sandbox.faults.inject({ kind: 'drop', times: 2, path: /leadchanges\.json/ });
    env.sandbox.faults.inject({ kind: 'emptyPage', times: 3, path: /\/activities\.json/ });
    let expiredOnce = false;
    const result = await read(config, catalog, undefined, {
      killAfter: (msg) => {
        // Expire every token once the sync is under way: the next call must renew and retry.
        if (!expiredOnce && msg.type === 'STATE') {
          expiredOnce = true;
          env.sandbox.expireAllTokens();
        }
        return false;
      },
    });
    expect(result.exitCode, result.stderr).to.equal(0);
    const want = expected(env.sandbox);
    for (const stream of ACTIVITY_STREAMS) expect(uniqueSorted(guids(result, stream)), stream).to.deep.equal(want[stream]);
    expect(env.sandbox.counters.errorsByCode()['602'] ?? 0).to.be.greaterThan(0);
    const retries = result.logs().filter((l: any) => /retry \d+ in/.test(l.message));
    expect(retries.length).to.equal(9);
  });

  it('a 606 storm (the shared rate limit spent by other integrations) slows the sync but loses nothing', async () => {
    const config = sourceConfig(env.sandbox);
    const catalog = catalogFor(env.discovered, ['activities']);
    env.sandbox.faults.inject({ kind: 'error', code: '606', times: 6, path: /\/activities\.json/ });
    const result = await read(config, catalog);
    expect(result.exitCode, result.stderr).to.equal(0);
    expect(uniqueSorted(guids(result, 'activities'))).to.deep.equal(expected(env.sandbox).activities);
    expect(env.sandbox.counters.errorsByCode()['606']).to.equal(6);
    const retries = result
      .logs()
      .map((l: any) => l.message)
      .filter((m: string) => m.startsWith('Marketo: 606'));
    expect(retries).to.have.length(6);
  });

  it('a sync killed with SIGKILL and restarted from its last STATE loses nothing and repeats nothing committed', async () => {
    const config = sourceConfig(env.sandbox, { max_concurrent_calls: 2 });
    const catalog = catalogFor(env.discovered, ACTIVITY_STREAMS);
    let states = 0;
    const killed = await read(config, catalog, undefined, { killAfter: (msg) => msg.type === 'STATE' && ++states === 4 });
    expect(killed.signal).to.equal('SIGKILL');
    const resumed = await read(config, catalog, nextState(killed));
    expect(resumed.exitCode, resumed.stderr).to.equal(0);
    const want = expected(env.sandbox);
    for (const stream of ACTIVITY_STREAMS) {
      const committed = committedRecords(killed, stream).map((r) => r.data.marketoGUID);
      const again = guids(resumed, stream);
      expect(
        again.filter((g) => committed.includes(g)),
        `${stream}: re-emitted after commit`,
      ).to.deep.equal([]);
      expect(uniqueSorted([...committed, ...again]), stream).to.deep.equal(want[stream]);
    }
  });

  it('607 stops the sync cleanly with state saved, and the next sync finishes the job', async () => {
    const config = sourceConfig(env.sandbox);
    const catalog = catalogFor(env.discovered, ACTIVITY_STREAMS);
    env.sandbox.setDailyCallsUsed(50_000 - 8);
    const stopped = await read(config, catalog);
    expect(stopped.exitCode).to.equal(1);
    const errors = stopped.traces('ERROR');
    expect(errors).to.have.length(1);
    expect(errors[0].error.failure_type).to.equal('transient_error');
    expect(errors[0].error.message).to.match(/daily API quota/);
    env.sandbox.setDailyCallsUsed(0);
    const resumed = await read(config, catalog, nextState(stopped));
    expect(resumed.exitCode, resumed.stderr).to.equal(0);
    const want = expected(env.sandbox);
    for (const stream of ACTIVITY_STREAMS) {
      const committed = committedRecords(stopped, stream).map((r) => r.data.marketoGUID);
      expect(uniqueSorted([...committed, ...guids(resumed, stream)]), stream).to.deep.equal(want[stream]);
    }
  });

  it('daily_call_budget stops cleanly (exit 0, state saved) and the next sync resumes', async () => {
    const config = sourceConfig(env.sandbox, { daily_call_budget: 6 });
    const catalog = catalogFor(env.discovered, ['activities']);
    const stopped = await read(config, catalog);
    expect(stopped.exitCode).to.equal(0);
    expect(stopped.traces('ERROR')).to.deep.equal([]);
    const statuses = stopped.traces('STREAM_STATUS').map((t: any) => t.stream_status.status);
    expect(statuses).to.deep.equal(['STARTED', 'RUNNING', 'INCOMPLETE']);
    expect(stopped.logs().some((l: any) => /daily_call_budget of 6 calls is spent/.test(l.message))).to.equal(true);
    const resumed = await read(sourceConfig(env.sandbox), catalog, nextState(stopped));
    const committed = committedRecords(stopped, 'activities').map((r) => r.data.marketoGUID);
    expect(committed.length).to.be.greaterThan(0);
    expect(uniqueSorted([...committed, ...guids(resumed, 'activities')])).to.deep.equal(expected(env.sandbox).activities);
  });

  it('accepts a legacy state and an abnormally large cursor (no records, a state)', async () => {
    const catalog = catalogFor(env.discovered, ACTIVITY_STREAMS);
    const future = await read(
      sourceConfig(env.sandbox),
      catalog,
      ACTIVITY_STREAMS.map((name) => ({
        type: 'STREAM',
        stream: { stream_descriptor: { name }, stream_state: { activityDate: '2099-12-31T00:00:00Z' } },
      })),
    );
    expect(future.exitCode).to.equal(0);
    expect(future.records()).to.deep.equal([]);
    expect(future.states().length).to.be.at.least(3);
    const legacy = await read(sourceConfig(env.sandbox), catalog, { activities: { activityDate: '2099-12-31T00:00:00Z' } });
    expect(legacy.exitCode).to.equal(0);
    expect(legacy.records('activities')).to.deep.equal([]);
  });
});

describe('source-marketo throttle against the sandbox limits', function () {
  this.timeout(120_000);
  it('never exceeds max_calls_per_20s in any window nor max_concurrent_calls at once, and provokes no 606/615', async () => {
    // A 2 s window stands in for Marketo's 20 s so the test takes seconds; the logic is the same.
    const sandbox = await startSandbox({
      seed: 3,
      activityCount: 6000,
      leadCount: 100,
      rateLimit: { calls: 12, windowMs: 2000 },
      concurrencyLimit: 3,
      latencyMs: 30,
    });
    try {
      const config = sourceConfig(sandbox, { max_calls_per_20s: 12, max_concurrent_calls: 3 });
      const discovered = await discover(config);
      await new Promise((r) => setTimeout(r, 2300)); // let discover's calls leave the window
      sandbox.counters.reset();
      const result = await read(config, catalogFor(discovered, ['activities', 'lead_changes']), undefined, { env: { MARKETO_RATE_WINDOW_MS: '2000' } });
      expect(result.exitCode, result.stderr).to.equal(0);
      expect(sandbox.counters.total()).to.be.greaterThan(30);
      expect(sandbox.counters.maxCallsInAnyWindow(2000)).to.be.at.most(12);
      expect(sandbox.counters.maxConcurrentSeen()).to.be.at.most(3);
      expect(sandbox.counters.errorsByCode()['606'] ?? 0).to.equal(0);
      expect(sandbox.counters.errorsByCode()['615'] ?? 0).to.equal(0);
    } finally {
      await sandbox.close();
    }
  });
});

describe('source-marketo: a sync that starts in a rate window others filled', function () {
  this.timeout(120_000);
  it('waits for the window on a 606 (the refused call a quarter of it, whatever the retry knobs say; the others one at a time), and loses nothing', async () => {
    // A 2 s window stands in for Marketo's 20 s. Another integration (or the previous sync, whose
    // process had its own throttle) spent 11 of the 12 calls just before the sync starts.
    const sandbox = await startSandbox({ seed: 4, activityCount: 1500, leadCount: 50, rateLimit: { calls: 12, windowMs: 2000 }, concurrencyLimit: 3 });
    try {
      const config = sourceConfig(sandbox, { max_calls_per_20s: 12, max_concurrent_calls: 3 });
      const discovered = await discover(config);
      await new Promise((r) => setTimeout(r, 2300)); // let discover's calls leave the window
      const other = await SandboxClient.connect(sandbox);
      for (let i = 0; i < 11; i++) await other.get('/rest/v1/activities/types.json');
      sandbox.counters.reset();
      const result = await read(config, catalogFor(discovered, ['activities']), undefined, { env: { MARKETO_RATE_WINDOW_MS: '2000' } });
      expect(result.exitCode, result.stderr).to.equal(0);
      expect(uniqueSorted(guids(result, 'activities'))).to.deep.equal(expected(sandbox).activities);
      const refused = sandbox.counters.errorsByCode()['606'];
      expect(refused).to.be.within(1, 7);
      const waits = result
        .logs()
        .map((l: any) => /^Marketo: 606 .* retry \d+ in ([\d.]+) s\.$/.exec(l.message))
        .filter(Boolean)
        .map((m: any) => Number(m[1]));
      expect(waits).to.have.length(refused);
      for (const wait of waits) expect(wait).to.be.at.least(0.5); // a quarter of the window, though FAST_ENV caps backoffs at 0.2 s
    } finally {
      await sandbox.close();
    }
  });
});

/**
 * A sync of `activities` killed mid-way, resumed from its last STATE: the resumed one emits nothing
 * the killed one committed and everything else of `want`; the sync after it nothing, and every window is finished.
 */
async function expectResumedExactly(config: Record<string, unknown>, catalog: unknown, killed: RunResult, want: string[]): Promise<void> {
  const resumed = await read(config, catalog, nextState(killed));
  expect(resumed.exitCode, resumed.stderr).to.equal(0);
  const committed = committedRecords(killed, 'activities').map((r) => r.data.marketoGUID);
  expect(guids(resumed, 'activities').filter((g) => committed.includes(g))).to.deep.equal([]);
  expect(uniqueSorted([...committed, ...guids(resumed, 'activities')])).to.deep.equal(want);
  const again = await read(config, catalog, nextState(resumed));
  expect(again.records()).to.deep.equal([]);
  expect((nextState(resumed)[0] as any).stream.stream_state.windows).to.equal(undefined);
}

describe('source-marketo: a long history read in parallel time windows', function () {
  this.timeout(120_000);
  it('splits months of history into windows, checkpoints each, and a killed sync resumes every window exactly', async () => {
    const sandbox = await startSandbox({ seed: 5, activityCount: 0, leadCount: 80, startDate: recent(120 * 86400) });
    try {
      // Spread activities over four months, so that each window has pages of its own.
      for (let day = 110; day > 0; day -= 15) sandbox.addActivities(350, { at: recent(day * 86400), typeIds: [1, 2, 6, 10] });
      const config = sourceConfig(sandbox, { activity_type_ids: [1, 2, 6, 10], max_concurrent_calls: 4 });
      const discovered = await discover(config);
      const catalog = catalogFor(discovered, ['activities']);
      const want = [...sandbox.activities()]
        .filter((a) => [1, 2, 6, 10].includes(a.activityTypeId))
        .map((a) => a.marketoGUID)
        .sort();

      const full = await read(config, catalog);
      expect(full.exitCode, full.stderr).to.equal(0);
      expect(
        full
          .logs()
          .map((l: any) => l.message)
          .filter((m: string) => /time windows/.test(m)),
      ).to.deep.equal(['activities: reading 4 time windows in parallel, 1 type group(s) each.']);
      expect(uniqueSorted(guids(full, 'activities'))).to.deep.equal(want);
      expect(checkSequentialSlices(full.messages)).to.deep.equal([]);

      let states = 0;
      const killed = await read(config, catalog, undefined, { killAfter: (m) => m.type === 'STATE' && ++states === 5 });
      expect(killed.signal).to.equal('SIGKILL');
      const midState: any = nextState(killed)[0];
      // Windows finish in any order; the ones not finished at the kill are all in the state.
      expect(midState.stream.stream_state.windows, 'windows saved in the state').to.have.length.within(1, 3);
      await expectResumedExactly(config, catalog, killed, want);
    } finally {
      await sandbox.close();
    }
  });

  it('splits the rest of a window again when its walk is left alone, and a sync killed after that resumes every part exactly', async () => {
    // 30 pages over two hours: too few for two windows of 25 pages, so one walk reads them, fewer than the rate needs.
    const sandbox = await startSandbox({ seed: 8, activityCount: 0, leadCount: 200, startDate: recent(86400), rateLimit: null });
    try {
      sandbox.addActivities(9000, { at: recent(7500), typeIds: [1, 10] });
      const config = sourceConfig(sandbox, { activity_type_ids: [1, 10], extraction_method: 'rest' });
      const catalog = catalogFor(await discover(config), ['activities']);
      const want = [...sandbox.activities()]
        .filter((a) => [1, 10].includes(a.activityTypeId))
        .map((a) => a.marketoGUID)
        .sort();
      const splits = (result: RunResult) =>
        result
          .logs()
          .map((l: any) =>
            /^activities: \d walk\(s\) left reading a window, at \S+; (\d+) more window\(s\) split off its rest, read in parallel\.$/.exec(l.message),
          )
          .filter((m): m is RegExpExecArray => m !== null)
          .map((m) => Number(m[1]));

      sandbox.counters.reset();
      const full = await read(config, catalog);
      expect(full.exitCode, full.stderr).to.equal(0);
      expect(uniqueSorted(guids(full, 'activities'))).to.deep.equal(want);
      expect(guids(full, 'activities')).to.have.length(want.length); // nothing emitted twice
      expect(full.logs().filter((l: any) => /time windows/.test(l.message))).to.deep.equal([]);
      const splitOff = splits(full).reduce((n, k) => n + k, 0);
      expect(splitOff).to.be.within(1, 3);
      expect((nextState(full)[0] as any).stream.stream_state.windows).to.equal(undefined);
      const tokens = () => sandbox.counters.byEndpoint()['GET /rest/v1/activities/pagingtoken.json'];
      const pages = () => sandbox.counters.byEndpoint()['GET /rest/v1/activities.json'];
      const [splitTokens, splitPages] = [tokens(), pages()];
      // The split's cost, against the same sync with one call at a time (nothing to split for): a paging token per part, at most one part-filled page each.
      sandbox.counters.reset();
      const alone = await read({ ...config, max_concurrent_calls: 1 }, catalog);
      expect(uniqueSorted(guids(alone, 'activities'))).to.deep.equal(want);
      expect(splits(alone)).to.deep.equal([]);
      expect(splitTokens - tokens()).to.equal(splitOff);
      expect(splitPages - pages()).to.be.within(0, splitOff);

      let split = false;
      let statesAfter = 0;
      const killed = await read(config, catalog, undefined, {
        killAfter: (m) => {
          if (m.type === 'LOG' && /split off its rest/.test(m.log.message)) split = true;
          return split && m.type === 'STATE' && ++statesAfter === 3;
        },
      });
      expect(killed.signal).to.equal('SIGKILL');
      const midState: any = nextState(killed)[0];
      expect(midState.stream.stream_state.windows.length, 'the split-off windows are saved').to.be.at.least(2);
      await expectResumedExactly(config, catalog, killed, want);
    } finally {
      await sandbox.close();
    }
  });
});

describe('source-marketo: progress on long syncs', function () {
  this.timeout(120_000);
  it('reports progress at a steady interval (not per page) and an estimate of the rows ahead', async () => {
    const sandbox = await startSandbox({ seed: 9, activityCount: 12_000, leadCount: 100, latencyMs: 15, startDate: recent(12_000 / 1.2) });
    try {
      const config = sourceConfig(sandbox, { max_concurrent_calls: 2 });
      const catalog = catalogFor(await discover(config), ['activities']);
      sandbox.counters.reset();
      const result = await read(config, catalog, undefined, { env: { MARKETO_PROGRESS_INTERVAL_MS: '400' } });
      expect(result.exitCode, result.stderr).to.equal(0);
      const progress = result
        .logs()
        .map((l: any) => l.message)
        .filter((m: string) => m.startsWith('Progress: '));
      const pages = sandbox.counters.byEndpoint()['GET /rest/v1/activities.json'];
      // One line per interval elapsed while the stream ran, far fewer than pages. The span is taken
      // from the connector's own STREAM_STATUS timestamps, so a slow process start on a loaded
      // machine does not count as time in which lines were due.
      const statusAt = (status: string) => result.traces('STREAM_STATUS').find((t: any) => t.stream_status.status === status).emitted_at;
      const seconds = (statusAt('COMPLETE') - statusAt('RUNNING')) / 1000;
      expect(progress.length).to.be.within(Math.max(1, Math.floor(seconds / 0.4) - 1), Math.ceil(seconds / 0.4) + 1);
      expect(progress.length).to.be.below(pages / 2);
      for (const line of progress)
        expect(line).to.match(/^Progress: \d+ records in \d+ s \(\d+ records\/s\), now on activities; \d+ API calls used; memory \d+ MB$/);
      // A first estimate, and a new one only when reading moved it by more than a fifth (progress-estimates.test.ts).
      const estimates = result.traces('ESTIMATE');
      expect(estimates.length).to.be.within(1, 3);
      for (const estimate of estimates) {
        expect(estimate.estimate.name).to.equal('activities');
        expect(estimate.estimate.row_estimate).to.be.within(12_000 * 0.5, 12_000 * 2);
      }
    } finally {
      await sandbox.close();
    }
  });
});
