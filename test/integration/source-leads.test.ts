import { expect } from 'chai';
import { startSandbox, Sandbox } from '../../sandbox';
import { checkRecords } from '../harness/acceptance';
import { RunResult } from '../harness/run-connector';
import { catalogFor, committedRecords, discover, nextState, read, sourceConfig } from './support';

const SELECTED = ['id', 'email', 'firstName', 'lastName', 'leadScore', 'unsubscribed', 'createdAt', 'updatedAt', '_ab_cdc_deleted_at'];
const COMPARED = SELECTED.filter((f) => f !== '_ab_cdc_deleted_at');

function recent(seconds: number): string {
  return new Date(Math.floor(Date.now() / 1000 - seconds) * 1000).toISOString().replace('.000Z', 'Z');
}

/** The catalog a user gets by selecting a few columns of `leads` in Airbyte. */
function leadsCatalog(discovered: any, columns: string[] | undefined = SELECTED): any {
  const catalog = catalogFor(discovered, ['leads']);
  const stream = catalog.streams[0].stream;
  if (columns) stream.json_schema = { ...stream.json_schema, properties: Object.fromEntries(columns.map((c) => [c, stream.json_schema.properties[c]])) };
  return catalog;
}

/** A warehouse table keyed by id, deduplicated as Airbyte's destinations do: upsert, and delete on _ab_cdc_deleted_at. */
class Table {
  readonly rows = new Map<number, Record<string, unknown>>();

  apply(records: any[]): this {
    for (const { data } of records) {
      if (data._ab_cdc_deleted_at) this.rows.delete(data.id);
      else this.rows.set(data.id, data);
    }
    return this;
  }
}

/** What Marketo answers for every lead it holds, through its REST API, for the compared fields. */
async function marketoLeads(sandbox: Sandbox): Promise<Map<number, Record<string, unknown>>> {
  const token = (await (await fetch(`${sandbox.url}/identity/oauth/token?grant_type=client_credentials&client_id=${sandbox.clientId}&client_secret=${sandbox.clientSecret}`)).json()) as any;
  const ids = sandbox.leads().map((l) => l.id);
  const out = new Map<number, Record<string, unknown>>();
  for (let i = 0; i < ids.length; i += 300) {
    const query = new URLSearchParams({ filterType: 'id', filterValues: ids.slice(i, i + 300).join(','), fields: COMPARED.join(',') });
    const body = (await (await fetch(`${sandbox.url}/rest/v1/leads.json?${query}`, { headers: { Authorization: `Bearer ${token.access_token}` } })).json()) as any;
    for (const lead of body.result) out.set(lead.id, lead);
  }
  return out;
}

async function expectTableMirrorsMarketo(table: Table, sandbox: Sandbox): Promise<void> {
  const marketo = await marketoLeads(sandbox);
  expect([...table.rows.keys()].sort((a, b) => a - b)).to.deep.equal([...marketo.keys()].sort((a, b) => a - b));
  for (const [id, lead] of marketo) {
    const row = table.rows.get(id)!;
    for (const field of COMPARED) expect(row[field], `lead ${id} ${field}`).to.deep.equal(lead[field] ?? null);
  }
}

function leadRecords(result: RunResult): any[] {
  expect(result.exitCode, result.stderr).to.equal(0);
  return result.records('leads');
}

describe('source-marketo leads: the warehouse mirrors Marketo', function () {
  this.timeout(120_000);
  let sandbox: Sandbox;
  let discovered: any;

  beforeEach(async () => {
    sandbox = await startSandbox({ seed: 21, leadCount: 180, activityCount: 1500, startDate: recent(2 * 86400) });
    discovered = await discover(sourceConfig(sandbox));
  });
  afterEach(() => sandbox.close());

  it('one full and two incremental syncs, applied to a table keyed by id, give exactly the sandbox leads, field for field', async () => {
    const config = sourceConfig(sandbox);
    const catalog = leadsCatalog(discovered);
    const table = new Table();

    const full = await read(config, catalog);
    expect(checkRecords(full.messages, catalog)).to.deep.equal([]);
    table.apply(leadRecords(full));
    await expectTableMirrorsMarketo(table, sandbox);

    // Creates, changes, a merge and deletes, each leaving the activities Marketo writes.
    const created = [1, 2, 3, 4, 5].map((i) => sandbox.createLead({ email: `new.lead.${i}@example.com`, firstName: `New${i}`, leadScore: i }));
    const existing = sandbox.leads().map((l) => l.id).filter((id) => !created.some((c) => c.id === id));
    for (const id of existing.slice(0, 10)) sandbox.updateLead(id, { firstName: `Changed${id}`, leadScore: id % 50 });
    sandbox.mergeLeads(existing[20], [existing[21], existing[22]]);
    for (const id of existing.slice(30, 33)) sandbox.deleteLead(id);
    const first = await read(config, catalog, nextState(full));
    expect(checkRecords(first.messages, catalog)).to.deep.equal([]);
    const firstRecords = leadRecords(first);
    const tombstones = firstRecords.filter((r) => r.data._ab_cdc_deleted_at).map((r) => r.data.id).sort((a, b) => a - b);
    expect(tombstones).to.deep.equal([existing[21], existing[22], ...existing.slice(30, 33)].sort((a, b) => a - b));
    table.apply(firstRecords);
    await expectTableMirrorsMarketo(table, sandbox);

    sandbox.updateLead(created[0].id, { lastName: 'Later' });
    sandbox.updateLead(existing[40], { unsubscribed: true });
    sandbox.deleteLead(created[1].id);
    sandbox.mergeLeads(created[2].id, [existing[41]]);
    const second = await read(config, catalog, nextState(first));
    table.apply(leadRecords(second));
    await expectTableMirrorsMarketo(table, sandbox);
    // Only what changed came back: the two changed leads, the merge winner, and the tombstones.
    expect(second.records('leads').map((r: any) => r.data.id).sort((a: number, b: number) => a - b)).to.deep.equal(
      [created[0].id, existing[40], created[1].id, created[2].id, existing[41]].sort((a, b) => a - b),
    );
  });

  it('emit_lead_tombstones: false keeps deleted and merged-away leads out of the leads stream', async () => {
    const config = sourceConfig(sandbox, { emit_lead_tombstones: false });
    const catalog = leadsCatalog(discovered);
    const full = await read(config, catalog);
    const ids = sandbox.leads().map((l) => l.id);
    sandbox.deleteLead(ids[0]);
    sandbox.mergeLeads(ids[1], [ids[2]]);
    const next = await read(config, catalog, nextState(full));
    expect(leadRecords(next).map((r: any) => r.data.id)).to.deep.equal([ids[1]]);
  });

  it('a field added and a selected one hidden between discover and read: green, new field absent, hidden one reported', async () => {
    const catalog = leadsCatalog(discovered, [...SELECTED, 'department']);
    sandbox.addLeadField({ name: 'loyaltyTier', displayName: 'Loyalty Tier', dataType: 'string', length: 50 });
    sandbox.hideLeadField('department');
    const result = await read(sourceConfig(sandbox), catalog);
    const records = leadRecords(result);
    expect(records.length).to.equal(sandbox.leads().length);
    expect(records.every((r: any) => !('loyaltyTier' in r.data) && !('department' in r.data))).to.equal(true);
    const warnings = result.logs().filter((l: any) => l.level === 'WARN').map((l: any) => l.message);
    expect(warnings).to.deep.equal([
      'leads: these selected fields no longer exist in Marketo (hidden or deleted) and are left out of this sync: department. Refresh the source schema to drop them.',
    ]);
    const statuses = result.traces('STREAM_STATUS').map((t: any) => t.stream_status.status);
    expect(statuses).to.deep.equal(['STARTED', 'RUNNING', 'COMPLETE']);
    // The next discover shows the new field and no longer the hidden one.
    const again = await discover(sourceConfig(sandbox));
    const properties = again.streams.find((s: any) => s.name === 'leads').json_schema.properties;
    expect(properties).to.have.property('loyaltyTier');
    expect(properties).not.to.have.property('department');
  });

  it('a selected field hidden in the middle of a sync: the sync stays green, says so once, and goes on without it', async () => {
    await sandbox.close();
    sandbox = await startSandbox({ seed: 22, leadCount: 700, activityCount: 300, startDate: recent(86400) });
    const catalog = leadsCatalog(await discover(sourceConfig(sandbox)), [...SELECTED, 'department']);
    let hidden = false;
    const result = await read(sourceConfig(sandbox, { max_concurrent_calls: 1 }), catalog, undefined, {
      killAfter: (m) => {
        if (!hidden && m.type === 'STATE') {
          hidden = true;
          sandbox.hideLeadField('department');
        }
        return false;
      },
    });
    const records = leadRecords(result);
    expect(records.length).to.equal(sandbox.leads().length);
    expect(records[0].data).to.have.property('department');
    expect(records[records.length - 1].data).not.to.have.property('department');
    expect(result.logs().filter((l: any) => l.level === 'WARN').map((l: any) => l.message)).to.deep.equal([
      "leads: the lead field 'department' disappeared from Marketo during the sync (hidden or deleted); it is left out from here on. Refresh the source schema to drop it.",
    ]);
  });

  it('a killed full read and a killed incremental read resume without losing a lead', async () => {
    const config = sourceConfig(sandbox, { max_concurrent_calls: 1 });
    const catalog = leadsCatalog(discovered);
    const table = new Table();
    let states = 0;
    const killedScan = await read(config, catalog, undefined, { killAfter: (m) => m.type === 'STATE' && ++states === 1 });
    expect(killedScan.signal).to.equal('SIGKILL');
    expect((nextState(killedScan)[0] as any).stream.stream_state.scan.nextId).to.equal(301);
    table.apply(committedRecords(killedScan, 'leads'));
    const resumed = await read(config, catalog, nextState(killedScan));
    table.apply(leadRecords(resumed));
    await expectTableMirrorsMarketo(table, sandbox);

    for (const id of sandbox.leads().map((l) => l.id).slice(0, 120)) sandbox.updateLead(id, { firstName: `Renamed${id}` });
    states = 0;
    const killedIncremental = await read(config, catalog, nextState(resumed), { killAfter: (m) => m.type === 'STATE' && ++states === 2 });
    table.apply(committedRecords(killedIncremental, 'leads'));
    const finished = await read(config, catalog, nextState(killedIncremental.signal ? killedIncremental : resumed));
    table.apply(leadRecords(finished));
    await expectTableMirrorsMarketo(table, sandbox);
  });
});

describe('source-marketo leads: calls', function () {
  this.timeout(120_000);
  it('a sync with nothing new emits no lead and walks only from its cursors (3 tokens, 3 pages, no Get Leads)', async () => {
    const sandbox = await startSandbox({ seed: 4, leadCount: 50, activityCount: 400, startDate: recent(3600) });
    try {
      const config = sourceConfig(sandbox);
      const catalog = leadsCatalog(await discover(config));
      const full = await read(config, catalog);
      const second = await read(config, catalog, nextState(full));
      sandbox.counters.reset();
      const third = await read(config, catalog, nextState(second));
      expect(leadRecords(third)).to.deep.equal([]);
      const calls = sandbox.counters.byEndpoint();
      expect(calls['GET /rest/v1/activities/pagingtoken.json']).to.equal(3);
      expect(calls['GET /rest/v1/leads.json'] ?? 0).to.equal(0);
    } finally {
      await sandbox.close();
    }
  });

  it('fetches N changed leads in ceil(N / 300) Get Leads calls', async () => {
    const sandbox = await startSandbox({ seed: 8, leadCount: 900, activityCount: 300, startDate: recent(86400) });
    try {
      const config = sourceConfig(sandbox);
      const catalog = leadsCatalog(await discover(config));
      const full = await read(config, catalog);
      const changed = sandbox.leads().map((l) => l.id).slice(0, 650);
      for (const id of changed) expect(sandbox.updateLead(id, { firstName: `Changed ${id}` })).to.deep.equal(['firstName']);
      sandbox.counters.reset();
      const incremental = await read(config, catalog, nextState(full));
      expect(leadRecords(incremental).map((r: any) => r.data.id).sort((a: number, b: number) => a - b)).to.deep.equal(changed);
      expect(sandbox.counters.byEndpoint()['GET /rest/v1/leads.json']).to.equal(Math.ceil(650 / 300));
    } finally {
      await sandbox.close();
    }
  });
});
