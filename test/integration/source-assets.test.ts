import { expect } from 'chai';
import { startSandbox, Sandbox } from '../../sandbox';
import { checkRecords } from '../harness/acceptance';
import { RunResult } from '../harness/run-connector';
import { catalogFor, discover, nextState, read, sourceConfig, fullReadOf, laggingSandbox } from './support';

const HOUR = 3600_000;

/** An asset as the source emits it: what the API gives, dates as ISO 8601 UTC. */
function normalised(asset: Record<string, unknown>): Record<string, unknown> {
  const iso = (v: unknown) => (typeof v === 'string' ? v.replace('Z+0000', 'Z') : v);
  return { ...asset, createdAt: iso(asset.createdAt), updatedAt: iso(asset.updatedAt) };
}

function byId(records: Record<string, unknown>[]): Map<number, Record<string, unknown>> {
  return new Map(records.map((r) => [r.id as number, r]));
}

function emitted(result: RunResult, stream: string): Record<string, unknown>[] {
  expect(result.exitCode, result.stderr).to.equal(0);
  return result.records(stream).map((r: any) => r.data);
}

function calls(sandbox: Sandbox, endpoint: string | RegExp): number {
  const counts = sandbox.counters.byEndpoint();
  return Object.entries(counts)
    .filter(([k]) => (typeof endpoint === 'string' ? k === endpoint : endpoint.test(k)))
    .reduce((sum, [, v]) => sum + v, 0);
}

describe('source-marketo programs, smart campaigns, segmentations and segments (Asset API)', function () {
  this.timeout(180_000);
  let sandbox: Sandbox;
  const lag = { ms: 2 * HOUR };
  let discovered: any;

  before(async () => {
    sandbox = await laggingSandbox(lag, 2 * HOUR, {
      seed: 44,
      leadCount: 50,
      activityCount: 300,
      programCount: 205,
      smartCampaignCount: 230,
      segmentationCount: 3,
      staticListCount: 240,
      rateLimit: null,
    });
    discovered = await discover(sourceConfig(sandbox));
  });
  after(() => sandbox.close());

  it('programs: a full read pages by 200; without the tags and costs columns it makes no Get Program by Id call', async () => {
    const catalog = catalogFor(discovered, ['programs']);
    const schema = structuredClone(catalog.streams[0].stream.json_schema); // the discovered catalog's own object
    delete schema.properties.tags;
    delete schema.properties.costs;
    catalog.streams[0].stream.json_schema = schema;
    sandbox.counters.reset();
    const full = await read(sourceConfig(sandbox), catalog);
    expect(checkRecords(full.messages, catalog)).to.deep.equal([]);
    const browseView = (p: Record<string, unknown>) => {
      const { tags: _tags, costs: _costs, ...rest } = normalised(p);
      return rest;
    };
    expect(byId(emitted(full, 'programs'))).to.deep.equal(byId(sandbox.assets.programs().map(browseView)));
    expect(sandbox.counters.byEndpoint()).to.deep.equal({ 'GET /rest/asset/v1/programs.json': 2 }); // 200 + 5
  });

  it('programs: tags and costs by id for every program emitted; incremental reads ask the server for what changed and emit exactly that', async () => {
    const catalog = catalogFor(discovered, ['programs']);
    // A cursor with 60 programs updated after it: one filtered browse and one Get Program by Id
    // each (fewer than the 100 calls per 20 s the config allows, so the test does not wait).
    const programs = sandbox.assets.programs().map(normalised);
    const cursor = programs
      .map((p) => p.updatedAt as string)
      .sort()
      .reverse()[60];
    const newer = programs.filter((p) => (p.updatedAt as string) > cursor);
    expect(newer.length).to.be.within(55, 60);
    const state = [{ type: 'STREAM', stream: { stream_descriptor: { name: 'programs' }, stream_state: { updatedAt: cursor } } }];
    sandbox.counters.reset();
    const recent = await read(sourceConfig(sandbox), catalog, state);
    expect(checkRecords(recent.messages, catalog)).to.deep.equal([]);
    expect(byId(emitted(recent, 'programs'))).to.deep.equal(byId(newer));
    expect(newer.some((p) => p.tags !== null) && newer.some((p) => p.costs !== null)).to.equal(true);
    expect(calls(sandbox, 'GET /rest/asset/v1/programs.json')).to.equal(1);
    expect(calls(sandbox, /^GET \/rest\/asset\/v1\/program\/\d+\.json$/)).to.equal(newer.length);

    sandbox.counters.reset();
    const idle = await read(sourceConfig(sandbox), catalog, nextState(recent));
    expect(emitted(idle, 'programs')).to.deep.equal([]);
    expect(sandbox.counters.byEndpoint()).to.deep.equal({ 'GET /rest/asset/v1/programs.json': 1 }); // "No assets found" is an empty answer

    lag.ms = HOUR;
    sandbox.assets.updateProgram(1201, { tags: [{ tagType: 'Region', tagValue: 'APAC' }], costs: [{ startDate: '2026-01-01', cost: 900, note: 'Venue' }] });
    sandbox.assets.updateProgram(1400, { name: 'Renamed' });
    const created = sandbox.assets.createProgram('Launch 2027');
    sandbox.counters.reset();
    const incremental = await read(sourceConfig(sandbox), catalog, nextState(idle));
    const now = byId(sandbox.assets.programs().map(normalised));
    expect(byId(emitted(incremental, 'programs'))).to.deep.equal(new Map([1201, 1400, created.id as number].map((id) => [id, now.get(id)])));
    expect(now.get(1201)!.tags).to.deep.equal([{ tagType: 'Region', tagValue: 'APAC' }]);
    expect(calls(sandbox, /^GET \/rest\/asset\/v1\/program\/\d+\.json$/)).to.equal(3);
  });

  it('smart_campaigns: full, then only what changed', async () => {
    lag.ms = 2 * HOUR;
    const { full, catalog } = await fullReadOf(sandbox, discovered, 'smart_campaigns');
    expect(byId(emitted(full, 'smart_campaigns'))).to.deep.equal(byId(sandbox.assets.smartCampaigns().map(normalised)));
    expect(calls(sandbox, 'GET /rest/asset/v1/smartCampaigns.json')).to.equal(2);

    lag.ms = HOUR / 2;
    sandbox.assets.updateSmartCampaign(3101, { isActive: true, status: 'Active' });
    const incremental = await read(sourceConfig(sandbox), catalog, nextState(full));
    expect(emitted(incremental, 'smart_campaigns')).to.deep.equal([normalised(sandbox.assets.smartCampaigns().find((c) => c.id === 3101)!)]);
  });

  it('static_lists: full, then only the lists edited since (membership changes do not touch a list)', async () => {
    lag.ms = 2 * HOUR;
    const { full, catalog } = await fullReadOf(sandbox, discovered, 'static_lists');
    expect(byId(emitted(full, 'static_lists'))).to.deep.equal(byId(sandbox.assets.staticLists().map(normalised)));
    expect(calls(sandbox, 'GET /rest/asset/v1/staticLists.json')).to.equal(2); // 200 + 40

    lag.ms = HOUR / 4;
    sandbox.assets.renameStaticList(2002, 'Newsletter Subscribers (EU)');
    sandbox.counters.reset();
    const incremental = await read(sourceConfig(sandbox), catalog, nextState(full));
    expect(emitted(incremental, 'static_lists')).to.deep.equal([normalised(sandbox.assets.staticLists().find((l) => l.id === 2002)!)]);
    expect(calls(sandbox, 'GET /rest/asset/v1/staticLists.json')).to.equal(1);
  });

  it('segmentations and segments: read whole; a 702 "No data found" is an empty list, not a failure', async () => {
    const catalog = catalogFor(discovered, ['segmentations', 'segments'], 'full_refresh');
    const full = await read(sourceConfig(sandbox), catalog);
    expect(checkRecords(full.messages, catalog)).to.deep.equal([]);
    expect(byId(emitted(full, 'segmentations'))).to.deep.equal(byId(sandbox.assets.segmentations().map(normalised)));
    expect(byId(emitted(full, 'segments'))).to.deep.equal(byId(sandbox.assets.segments().map(normalised)));
    expect(emitted(full, 'segments')).to.have.length(12);

    sandbox.faults.inject({ kind: 'error', code: '702', message: 'No data found', times: 1, path: /segmentation\/1002\/segments/ });
    const withGap = await read(sourceConfig(sandbox), catalog);
    expect(withGap.traces('ERROR')).to.deep.equal([]);
    expect(emitted(withGap, 'segments').map((s) => s.segmentationId)).to.deep.equal([1001, 1001, 1001, 1001, 1003, 1003, 1003, 1003]);
  });

  it('a user without Read-Only Assets: the asset streams fail alone, naming the permission', async () => {
    sandbox.faults.inject({ kind: 'error', code: '603', message: 'Access denied', times: 100, path: /\/rest\/asset\// });
    const result = await read(sourceConfig(sandbox), catalogFor(discovered, ['programs', 'activity_types'], 'full_refresh'));
    sandbox.faults.clear();
    expect(result.traces('ERROR').map((e: any) => e.error.stream_descriptor?.name)).to.deep.equal(['programs']);
    expect(result.traces('ERROR')[0].error.message).to.contain("'Read-Only Assets' permission");
    expect(result.records('activity_types').length).to.be.greaterThan(0);
  });
});

describe('source-marketo static_list_members: membership with tombstones, kept exact from Add to List / Remove from List', function () {
  this.timeout(180_000);
  let sandbox: Sandbox;

  before(async () => {
    sandbox = await startSandbox({ seed: 45, leadCount: 400, activityCount: 3000, rateLimit: null });
  });
  after(() => sandbox.close());

  /** The warehouse table keyed by (listId, leadId), deduplicated as Airbyte's destinations do. */
  function apply(table: Set<string>, records: Record<string, unknown>[]): void {
    for (const r of records) {
      const key = `${Number(r.listId)}:${Number(r.leadId)}`;
      if (r._ab_cdc_deleted_at) table.delete(key);
      else table.add(key);
    }
  }

  function marketo(): Set<string> {
    return new Set(sandbox.assets.staticLists().flatMap((l) => sandbox.assets.listMembers(l.id as number).map((lead) => `${Number(l.id)}:${lead}`)));
  }

  it('a full read, then an incremental read that re-reads only the lists that changed, give exactly the sandbox membership', async () => {
    const discovered = await discover(sourceConfig(sandbox));
    const { full, catalog } = await fullReadOf(sandbox, discovered, 'static_list_members');
    const table = new Set<string>();
    apply(table, emitted(full, 'static_list_members'));
    expect(table).to.deep.equal(marketo());
    expect(table.size).to.be.greaterThan(20);
    // One Get Static Lists browse, then one Get Leads by List Id per list (each holds fewer than 300).
    expect(calls(sandbox, 'GET /rest/asset/v1/staticLists.json')).to.equal(1);
    expect(calls(sandbox, /^GET \/rest\/v1\/lists\/\d+\/leads\.json$/)).to.equal(4);

    const members = (id: number) => sandbox.assets.listMembers(id);
    const outside = (id: number) =>
      sandbox
        .leads()
        .map((l) => l.id)
        .filter((lead) => !members(id).includes(lead));
    const [a, b] = outside(2001);
    expect(sandbox.assets.addToList(2001, [a, b])).to.deep.equal([a, b]);
    const gone = members(2002)[0];
    sandbox.assets.removeFromList(2002, [gone]);
    const passing = outside(2003)[0];
    sandbox.assets.addToList(2003, [passing]);
    sandbox.assets.removeFromList(2003, [passing]);

    sandbox.counters.reset();
    const incremental = await read(sourceConfig(sandbox), catalog, nextState(full));
    const changed = emitted(incremental, 'static_list_members').map((r) => [r.listId, r.leadId, r._ab_cdc_deleted_at ? 'deleted' : 'member']);
    expect(changed).to.have.deep.members([
      [2001, a, 'member'],
      [2001, b, 'member'],
      [2002, gone, 'deleted'],
      [2003, passing, 'deleted'],
    ]);
    expect(calls(sandbox, /^GET \/rest\/v1\/lists\/\d+\/leads\.json$/)).to.equal(3); // only the changed lists
    apply(table, emitted(incremental, 'static_list_members'));
    expect(table).to.deep.equal(marketo());
  });
});
