import { expect } from 'chai';
import { RunResult } from '../harness/run-connector';
import { catalogFor, guids, nextState, read, recent, sourceConfig, uniqueSorted, recordIds, sandboxPerTest } from './support';

const INCREMENTAL = ['activities', 'lead_changes', 'deleted_leads', 'leads'];

/** Every stream of the source, as a user selects them for a five-minute poll. */
function allStreamsCatalog(discovered: any): any {
  return { streams: [...catalogFor(discovered, INCREMENTAL).streams, ...catalogFor(discovered, ['activity_types'], 'full_refresh').streams] };
}

function summary(result: RunResult): string {
  return result
    .logs()
    .map((l: any) => l.message)
    .find((m: string) => m.startsWith('Sync summary:'));
}

/**
 * The API's minimum for a poll that finds nothing: Get Activity Types, one Get Lead Activities
 * page per group of ten types (19 default types: 2), one Get Lead Changes page, one Get Deleted
 * Leads page; plus the one paging token every walk starts from and the Describe Lead `leads` needs.
 */
const QUIET_POLL = {
  'GET /rest/v1/activities/types.json': 1,
  'GET /rest/v1/activities/pagingtoken.json': 1,
  'GET /rest/v1/activities.json': 2,
  'GET /rest/v1/activities/leadchanges.json': 1,
  'GET /rest/v1/activities/deletedleads.json': 1,
  'GET /rest/v1/leads/describe.json': 1,
};

describe('source-marketo: a quiet five-minute poll at the API minimum', function () {
  this.timeout(120_000);
  // A history that ended a few hours ago: the first sync reads it, the polls find it quiet.
  const env = sandboxPerTest(() => ({ seed: 31, activityCount: 1500, leadCount: 150, startDate: recent(3 * 3600) }));

  it('costs 7 calls for all five streams, the minimum plus one paging token and Describe Lead, and says what that costs a day', async () => {
    const config = sourceConfig(env.sandbox, { expected_syncs_per_day: 288 });
    const catalog = allStreamsCatalog(env.discovered);
    const first = await read(config, catalog);
    expect(first.exitCode, first.stderr).to.equal(0);
    expect(first.records('leads').length).to.equal(env.sandbox.leads().length);

    env.sandbox.counters.reset();
    const quiet = await read(config, catalog, nextState(first));
    expect(quiet.exitCode, quiet.stderr).to.equal(0);
    expect(env.sandbox.counters.byEndpoint()).to.deep.equal(QUIET_POLL);
    expect(env.sandbox.counters.total()).to.equal(7);
    expect(quiet.records().map((r: any) => r.stream)).to.deep.equal(Array(env.sandbox.activityTypes().length).fill('activity_types'));
    expect(summary(quiet)).to.match(
      /^Sync summary: \d+ records; API calls: 7 \((?=.*Get Activity Types 1)(?=.*Get Paging Token 1)(?=.*Get Lead Activities 2)(?=.*Get Lead Changes 1)(?=.*Get Deleted Leads 1)(?=.*Describe Lead 1)[^)]*\)\. At 288 syncs a day \(expected_syncs_per_day\), syncs like this one cost 2,016 calls a day: 4\.0 % of Marketo's default daily quota of 50,000\./,
    );

    // And the next poll costs the same: the quiet cursors stay together.
    env.sandbox.counters.reset();
    const again = await read(config, catalog, nextState(quiet));
    expect(again.exitCode, again.stderr).to.equal(0);
    expect(env.sandbox.counters.byEndpoint()).to.deep.equal(QUIET_POLL);
  });

  it('with new activities in one type group, only that group walks past its first page', async () => {
    const config = sourceConfig(env.sandbox);
    const catalog = allStreamsCatalog(env.discovered);
    const first = await read(config, catalog);
    const quiet = await read(config, catalog, nextState(first));
    expect(quiet.exitCode, quiet.stderr).to.equal(0);

    // 310 web visits, form fills, sends and deliveries (all in the first group of ten types): two pages.
    const added = env.sandbox.addActivities(310, { at: recent(240), typeIds: [1, 2, 6, 7] });
    env.sandbox.counters.reset();
    const busy = await read(config, catalog, nextState(quiet));
    expect(busy.exitCode, busy.stderr).to.equal(0);
    expect(env.sandbox.counters.byEndpoint()).to.deep.equal({ ...QUIET_POLL, 'GET /rest/v1/activities.json': 3 });
    expect(uniqueSorted(guids(busy, 'activities'))).to.deep.equal(added.map((a) => a.marketoGUID).sort());
    for (const stream of ['lead_changes', 'deleted_leads', 'leads']) expect(busy.records(stream), stream).to.deep.equal([]);
  });
});

describe('source-marketo: one walk serves several streams', function () {
  this.timeout(120_000);
  const env = sandboxPerTest(() => ({ seed: 33, activityCount: 1200, leadCount: 120, startDate: recent(3 * 3600) }));

  it('leads with lead_changes and deleted_leads reads each change page once (one Get Lead Activities walk for both); each stream alone costs what it costs', async () => {
    const config = sourceConfig(env.sandbox);
    const together = catalogFor(env.discovered, ['lead_changes', 'deleted_leads', 'leads']);
    const first = await read(config, together);
    expect(first.exitCode, first.stderr).to.equal(0);
    const state = nextState(first);

    // Changes made in Marketo since: a few leads edited, one merged, one deleted.
    const ids = env.sandbox.leads().map((l) => l.id);
    for (const id of ids.slice(0, 5)) env.sandbox.updateLead(id, { firstName: `Renamed${id}` });
    env.sandbox.mergeLeads(ids[6], [ids[7]]);
    env.sandbox.deleteLead(ids[8]);

    env.sandbox.counters.reset();
    const both = await read(config, together, state);
    expect(both.exitCode, both.stderr).to.equal(0);
    const shared = env.sandbox.counters.byEndpoint();
    // One page of each change endpoint and one token; Describe Lead and Get Activity Types once;
    // Get Leads once for the changed and merged-into leads; Describe Company once, as lead_changes
    // read Change Data Values (are they of company fields?). One Get Lead Activities page: with
    // `leads` in the sync, lead_changes' Merge Leads walk asks for every field-changing type, and
    // leads' walk over them is served from its page (with `activities` too, its groups serve both).
    expect(shared).to.deep.equal({
      'GET /rest/v1/activities/types.json': 1,
      'GET /rest/v1/activities/pagingtoken.json': 1,
      'GET /rest/v1/activities.json': 1,
      'GET /rest/v1/activities/leadchanges.json': 1,
      'GET /rest/v1/activities/deletedleads.json': 1,
      'GET /rest/v1/leads/describe.json': 1,
      'GET /rest/v1/companies/describe.json': 1,
      'GET /rest/v1/leads.json': 1,
    });
    expect(both.records('lead_changes').filter((r: any) => r.data.activityTypeId === 13)).to.have.length(5);
    expect(both.records('deleted_leads').map((r: any) => r.data.leadId)).to.deep.equal([ids[8]]);
    expect(recordIds(both, 'leads', (d: any) => d._ab_cdc_deleted_at)).to.deep.equal([ids[7], ids[8]]);
    expect(recordIds(both, 'leads', (d: any) => !d._ab_cdc_deleted_at)).to.deep.equal([...ids.slice(0, 5), ids[6]]);

    // The same syncs one stream at a time read the pages again.
    const alone: Record<string, number> = {};
    for (const stream of ['lead_changes', 'deleted_leads', 'leads']) {
      const own = state.filter((s: any) => s.stream.stream_descriptor.name === stream);
      env.sandbox.counters.reset();
      const result = await read(config, catalogFor(env.discovered, [stream]), own);
      expect(result.exitCode, result.stderr).to.equal(0);
      for (const [endpoint, n] of Object.entries(env.sandbox.counters.byEndpoint())) alone[endpoint] = (alone[endpoint] ?? 0) + n;
    }
    expect(alone['GET /rest/v1/activities/leadchanges.json']).to.equal(2);
    expect(alone['GET /rest/v1/activities.json']).to.equal(2); // the Merge Leads walk and leads' own
    expect(alone['GET /rest/v1/activities/deletedleads.json']).to.equal(2);
  });
});
