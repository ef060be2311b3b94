import { expect } from 'chai';
import { startSandbox, Sandbox, SandboxOptions } from '../../sandbox';
import { checkRecords } from '../harness/acceptance';
import { RunResult } from '../harness/run-connector';
import { catalogFor, committedRecords, discover, nextState, read, sourceConfig, ascending, recordIds, sandboxPerTest } from './support';
import { textOf } from '../../protocol/text';

const SELECTED = [
  'id',
  'email',
  'firstName',
  'lastName',
  'title',
  'leadScore',
  'unsubscribed',
  'segmentation_region',
  'leadPartitionId',
  'externalCompanyId',
  'company',
  'createdAt',
  'updatedAt',
  '_ab_cdc_deleted_at',
];
const COMPARED = SELECTED.filter((f) => f !== '_ab_cdc_deleted_at');
/** The selected lead columns a linked lead reads from its company. */
const COMPANY_COLUMNS = ['company'];

function iso(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

function recent(seconds: number): string {
  return iso(Date.now() - seconds * 1000);
}

/** The catalog a user gets by selecting a few columns of `leads` in Airbyte (and other streams whole). */
function leadsCatalog(discovered: any, columns: string[] | undefined = SELECTED, others: string[] = []): any {
  const catalog = catalogFor(discovered, ['leads', ...others]);
  const stream = catalog.streams.find((s: any) => s.stream.name === 'leads').stream;
  if (columns) stream.json_schema = { ...stream.json_schema, properties: Object.fromEntries(columns.map((c) => [c, stream.json_schema.properties[c]])) };
  return catalog;
}

/** A record as extracted: its data and its extraction order (Airbyte's `_airbyte_extracted_at`). */
interface Extracted {
  data: any;
  seq: number;
}

/** The records of several syncs, numbered in the order they were extracted. */
function extracted(...results: any[][]): Extracted[] {
  return results.flatMap((records, sync) => records.map((r, i) => ({ data: r.data, seq: sync * 1_000_000 + i })));
}

/**
 * A warehouse table keyed by id, deduplicated as Airbyte's destinations do: per id, the row with
 * the greatest cursor (`updatedAt`), ties to the latest extracted; an id whose winning row has
 * `_ab_cdc_deleted_at` is deleted. The order rows arrive in does not matter.
 */
class Table {
  private readonly latest = new Map<number, Extracted>();

  apply(records: Extracted[]): this {
    for (const record of records) {
      const current = this.latest.get(record.data.id);
      const newer =
        !current || record.data.updatedAt > current.data.updatedAt || (record.data.updatedAt === current.data.updatedAt && record.seq > current.seq);
      if (newer) this.latest.set(record.data.id, record);
    }
    return this;
  }

  get rows(): Map<number, Record<string, unknown>> {
    return new Map([...this.latest].filter(([, r]) => !r.data._ab_cdc_deleted_at).map(([id, r]) => [id, r.data]));
  }
}

async function accessToken(sandbox: Sandbox): Promise<string> {
  const token = (await (
    await fetch(`${sandbox.url}/identity/oauth/token?grant_type=client_credentials&client_id=${sandbox.clientId}&client_secret=${sandbox.clientSecret}`)
  ).json()) as any;
  return token.access_token;
}

/** Sync Companies through the REST API, as a CRM integration would. */
async function syncCompanies(sandbox: Sandbox, input: Record<string, unknown>[]): Promise<void> {
  const response = await fetch(`${sandbox.url}/rest/v1/companies.json`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${await accessToken(sandbox)}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ input }),
  });
  const body = (await response.json()) as any;
  expect(body.result.map((r: any) => r.status)).to.not.include('skipped');
}

/** What Marketo answers for every lead it holds, through its REST API, for the compared fields. */
async function marketoLeads(sandbox: Sandbox): Promise<Map<number, Record<string, unknown>>> {
  const token = await accessToken(sandbox);
  const ids = sandbox.leads().map((l) => l.id);
  const out = new Map<number, Record<string, unknown>>();
  for (let i = 0; i < ids.length; i += 300) {
    const query = new URLSearchParams({ filterType: 'id', filterValues: ids.slice(i, i + 300).join(','), fields: COMPARED.join(',') });
    const body = (await (
      await fetch(`${sandbox.url}/rest/v1/leads.json?${query.toString()}`, { headers: { Authorization: `Bearer ${token}` } })
    ).json()) as any;
    for (const lead of body.result) out.set(lead.id, lead);
  }
  return out;
}

/**
 * Compares the warehouse with what Marketo serves, field for field. With a companies table, a
 * linked lead's company columns come from its company, joined on externalCompanyId, as the docs
 * tell users to model it.
 */
async function expectTableMirrorsMarketo(table: Table, sandbox: Sandbox, companies?: Table): Promise<void> {
  const marketo = await marketoLeads(sandbox);
  expect([...table.rows.keys()].sort((a, b) => a - b)).to.deep.equal([...marketo.keys()].sort((a, b) => a - b));
  const byKey = new Map([...(companies?.rows.values() ?? [])].map((c) => [c.externalCompanyId, c]));
  for (const [id, lead] of marketo) {
    const stored = table.rows.get(id)!;
    const company = companies && byKey.get(stored.externalCompanyId);
    const row = company ? { ...stored, ...Object.fromEntries(COMPANY_COLUMNS.map((c) => [c, company[c]])) } : stored;
    for (const field of COMPARED) expect(row[field], `lead ${id} ${field}`).to.deep.equal(asDeclared(field, lead[field]));
  }
}

/** Marketo's value as the leads schema declares it: reference ids (leadPartitionId) are text. */
function asDeclared(field: string, value: unknown): unknown {
  if (value === undefined || value === null) return null;
  return field === 'leadPartitionId' ? textOf(value) : value;
}

/** Get Leads calls the highest-id probe makes on the 180-lead sandbox of seed 21. */
const PROBE_CALLS_180 = 3;

/** The state of a connection paused for `days`: every walk cursor moved back that far. */
function agedState(states: unknown[], days: number): unknown[] {
  const copy: any[] = JSON.parse(JSON.stringify(states));
  const then = recent(days * 86400);
  const state = copy[0].stream.stream_state;
  state.activityDate = then;
  for (const partition of Object.values<any>(state.partitions)) {
    partition.activityDate = then;
    partition.marketoGUIDs = [];
    partition.recentGUIDs = {};
    delete partition.floor;
  }
  return copy;
}

function leadRecords(result: RunResult): any[] {
  expect(result.exitCode, result.stderr).to.equal(0);
  return result.records('leads');
}

describe('source-marketo leads: the warehouse mirrors Marketo', function () {
  this.timeout(120_000);
  const env = sandboxPerTest(() => ({ seed: 21, leadCount: 180, activityCount: 1500, startDate: recent(2 * 86400) }));

  it('one full and two incremental syncs, applied by cursor to a table keyed by id, give exactly the env.sandbox leads, field for field', async () => {
    const config = sourceConfig(env.sandbox);
    const catalog = leadsCatalog(env.discovered, SELECTED, ['companies']);
    await syncCompanies(env.sandbox, [
      { externalCompanyId: 'C-1', company: 'Acme Holdings' },
      { externalCompanyId: 'C-2', company: 'Globex' },
    ]);

    const beforeFull = Date.now();
    const full = await read(config, catalog);
    expect(checkRecords(full.messages, catalog)).to.deep.equal([]);
    const table = new Table().apply(extracted(leadRecords(full)));
    const companies = new Table().apply(extracted(full.records('companies')));
    expect([...companies.rows.values()].map((c) => c.company)).to.deep.equal(['Acme Holdings', 'Globex']);
    await expectTableMirrorsMarketo(table, env.sandbox, companies);

    // Creates, changes of every kind that moves a lead value, a company link, a merge and deletes,
    // each leaving the activities Marketo writes; one change committed late, dated 4 minutes
    // before the full read began.
    const created = [1, 2, 3, 4, 5].map((i) => env.sandbox.createLead({ email: `new.lead.${i}@example.com`, firstName: `New${i}`, leadScore: i }));
    const existing = env.sandbox
      .leads()
      .map((l) => l.id)
      .filter((id) => !created.some((c) => c.id === id));
    for (const id of existing.slice(0, 10)) env.sandbox.updateLead(id, { firstName: `Changed${id}` });
    for (const id of existing.slice(50, 56)) env.sandbox.changeScore(id, 15);
    expect(existing.slice(60, 63).map((id) => env.sandbox.changeSegment(id, 'EMEA'))).to.deep.equal([true, true, true]);
    expect(existing.slice(70, 72).map((id) => env.sandbox.changeLeadPartition(id, 2))).to.deep.equal([true, true]);
    env.sandbox.updateLead(existing[80], { externalCompanyId: 'C-1' });
    env.sandbox.updateLead(existing[82], { externalCompanyId: 'C-1' });
    env.sandbox.updateLead(existing[81], { title: 'Committed late' }, { at: iso(beforeFull - 240_000) });
    env.sandbox.mergeLeads(existing[20], [existing[21], existing[22]]);
    for (const id of existing.slice(30, 33)) env.sandbox.deleteLead(id);
    const beforeFirst = Date.now();
    const first = await read(config, catalog, nextState(full));
    expect(checkRecords(first.messages, catalog)).to.deep.equal([]);
    const firstRecords = leadRecords(first);
    const tombstones = firstRecords.filter((r) => r.data._ab_cdc_deleted_at);
    expect(tombstones.map((r) => r.data.id).sort((a, b) => a - b)).to.deep.equal([existing[21], existing[22], ...existing.slice(30, 33)].sort((a, b) => a - b));
    // A tombstone's cursor is the deletion time, later than the deleted lead's last row.
    for (const { data } of tombstones) {
      expect(data.updatedAt).to.equal(data._ab_cdc_deleted_at);
      expect(data.updatedAt >= full.records('leads').find((r: any) => r.data.id === data.id).data.updatedAt).to.equal(true);
    }
    table.apply(extracted([], leadRecords(first)));
    companies.apply(extracted([], first.records('companies')));
    await expectTableMirrorsMarketo(table, env.sandbox, companies);
    expect(table.rows.get(existing[80])!.company).to.equal('Acme Holdings');
    expect(table.rows.get(existing[60])!.segmentation_region).to.equal('EMEA');
    expect(table.rows.get(existing[70])!.leadPartitionId).to.equal('2');

    // Second round: a score change, a segment move, a partition move, a company switch, a change
    // of the company record itself (no lead activity: only the companies stream sees it), a merge,
    // a deletion, and a change committed late (dated before the first incremental began).
    await syncCompanies(env.sandbox, [{ externalCompanyId: 'C-1', company: 'Acme Group' }]);
    env.sandbox.updateLead(created[0].id, { lastName: 'Later' });
    env.sandbox.changeScore(existing[90], -7);
    env.sandbox.changeSegment(existing[60], 'APAC');
    env.sandbox.changeLeadPartition(existing[91], 3);
    env.sandbox.updateLead(existing[80], { externalCompanyId: 'C-2' });
    env.sandbox.updateLead(existing[40], { unsubscribed: true }, { at: iso(beforeFirst - 120_000) });
    env.sandbox.deleteLead(created[1].id);
    env.sandbox.mergeLeads(created[2].id, [existing[41]]);
    const second = await read(config, catalog, nextState(first));
    table.apply(extracted([], [], leadRecords(second)));
    companies.apply(extracted([], [], second.records('companies')));
    expect(second.records('companies').map((r: any) => r.data.company)).to.include('Acme Group');
    expect([...companies.rows.values()].map((c) => c.company)).to.deep.equal(['Acme Group', 'Globex']);
    await expectTableMirrorsMarketo(table, env.sandbox, companies);
    // The lead linked before the company changed still holds the old name in `leads`: the join gives the new one.
    expect(table.rows.get(existing[82])!.company).to.equal('Acme Holdings');
    // Only what changed came back: the changed leads, the merge winner, and the tombstones.
    expect(recordIds(second, 'leads')).to.deep.equal(
      [created[0].id, existing[90], existing[60], existing[91], existing[80], existing[40], created[1].id, created[2].id, existing[41]].sort((a, b) => a - b),
    );

    // Applied in any order, by cursor as Airbyte's deduplication does, the rows give the same table.
    const all = extracted(leadRecords(full), leadRecords(first), leadRecords(second));
    const reversed = new Table().apply([...all].reverse());
    expect(reversed.rows).to.deep.equal(table.rows);
  });

  it('a state older than Marketo keeps changes and deletions: a re-scan, said in a LOG with its cost, and the table is still exact', async () => {
    const config = sourceConfig(env.sandbox);
    const catalog = leadsCatalog(env.discovered);
    const full = await read(config, catalog);
    const table = new Table().apply(extracted(leadRecords(full)));
    const highestId = Math.max(...leadRecords(full).map((r: any) => r.data.id));

    // The connection was paused for 100 days. Meanwhile a lead changed 95 days ago and another was
    // deleted 20 days ago: Marketo has pruned both activities (90 and 14 days).
    const paused = agedState(nextState(full), 100);
    const ids = env.sandbox.leads().map((l) => l.id);
    env.sandbox.updateLead(ids[5], { firstName: 'Pruned' }, { at: recent(95 * 86400) });
    env.sandbox.deleteLead(ids[6], { at: recent(20 * 86400) });
    env.sandbox.changeScore(ids[7], 9);
    env.sandbox.counters.reset();
    const rescan = await read(config, catalog, paused);
    const records = leadRecords(rescan);
    const since = recent(100 * 86400).slice(0, 10);
    const warnings = rescan.logMessages('WARN').map((m) => m.replace(/\d{4}-\d{2}-\d{2}T[\d:]+Z/g, (d: string) => d.slice(0, 10)));
    const calls = Math.ceil(highestId / 300) + 2;
    expect(warnings).to.deep.equal([
      `leads: the saved state is older than Marketo's retention: lead changes since ${since} (Marketo keeps them 90 days); score, segment, partition and merge activities since ${since} (Marketo keeps them 90 days); deletions since ${since} (Marketo keeps them 14 days). ` +
        `Some changes or deletions may be gone, so every lead is read again to keep the table exact, with a tombstone for each id up to ${highestId} that no longer exists: ` +
        `about ${calls} Get Leads calls for ids 1 to ${highestId} and past it, after ${PROBE_CALLS_180} to find the highest lead id (${highestId}). Sync more often than every 14 days to avoid this.`,
    ]);
    // Plus one: the walks then start ten minutes before the re-scan began, where the score change is.
    expect(env.sandbox.counters.byEndpoint()['GET /rest/v1/leads.json']).to.equal(PROBE_CALLS_180 + calls + 1);
    // Every id up to the highest that Marketo no longer holds comes as a tombstone dated when the re-scan began.
    const live = new Set(env.sandbox.leads().map((l) => l.id));
    const gone = records.filter((r: any) => r.data._ab_cdc_deleted_at);
    expect(gone.map((r: any) => r.data.id)).to.deep.equal(Array.from({ length: highestId }, (_, i) => i + 1).filter((id) => !live.has(id)));
    expect(gone.map((r: any) => r.data.id)).to.include(ids[6]);
    table.apply(extracted([], records));
    await expectTableMirrorsMarketo(table, env.sandbox);
    expect(table.rows.get(ids[5])!.firstName).to.equal('Pruned');

    // The next sync follows changes again, from where the re-scan began.
    env.sandbox.updateLead(ids[8], { title: 'After the re-scan' });
    const next = await read(config, catalog, nextState(rescan));
    expect(next.logMessages('WARN')).to.deep.equal([]);
    expect(leadRecords(next).map((r: any) => r.data.id)).to.deep.equal([ids[8]]);
    table.apply(extracted([], [], leadRecords(next)));
    await expectTableMirrorsMarketo(table, env.sandbox);
  });

  it('emit_lead_tombstones: false keeps deleted and merged-away leads out of the leads stream', async () => {
    const config = sourceConfig(env.sandbox, { emit_lead_tombstones: false });
    const catalog = leadsCatalog(env.discovered);
    const full = await read(config, catalog);
    const ids = env.sandbox.leads().map((l) => l.id);
    env.sandbox.deleteLead(ids[0]);
    env.sandbox.mergeLeads(ids[1], [ids[2]]);
    const next = await read(config, catalog, nextState(full));
    expect(leadRecords(next).map((r: any) => r.data.id)).to.deep.equal([ids[1]]);
  });

  it('a field added and a selected one hidden between discover and read: green, new field absent, hidden one reported', async () => {
    const catalog = leadsCatalog(env.discovered, [...SELECTED, 'department']);
    env.sandbox.addLeadField({ name: 'loyaltyTier', displayName: 'Loyalty Tier', dataType: 'string', length: 50 });
    env.sandbox.hideLeadField('department');
    const result = await read(sourceConfig(env.sandbox), catalog);
    const records = leadRecords(result);
    expect(records.length).to.equal(env.sandbox.leads().length);
    expect(records.every((r: any) => !('loyaltyTier' in r.data) && !('department' in r.data))).to.equal(true);
    const warnings = result.logMessages('WARN');
    expect(warnings).to.deep.equal([
      'leads: these selected fields no longer exist in Marketo (hidden or deleted) and are left out of this sync: department. Refresh the source schema to drop them.',
    ]);
    const statuses = result.traces('STREAM_STATUS').map((t: any) => t.stream_status.status);
    expect(statuses).to.deep.equal(['STARTED', 'RUNNING', 'COMPLETE']);
    // The next discover shows the new field and no longer the hidden one.
    const again = await discover(sourceConfig(env.sandbox));
    const properties = again.streams.find((s: any) => s.name === 'leads').json_schema.properties;
    expect(properties).to.have.property('loyaltyTier');
    expect(properties).not.to.have.property('department');
  });

  it('a selected field hidden in the middle of a sync: the sync stays green, says so once, and goes on without it', async () => {
    await env.sandbox.close();
    env.sandbox = await startSandbox({ seed: 22, leadCount: 700, activityCount: 300, startDate: recent(86400) });
    const catalog = leadsCatalog(await discover(sourceConfig(env.sandbox)), [...SELECTED, 'department']);
    let hidden = false;
    const result = await read(sourceConfig(env.sandbox, { max_concurrent_calls: 1 }), catalog, undefined, {
      killAfter: (m) => {
        if (!hidden && m.type === 'STATE') {
          hidden = true;
          env.sandbox.hideLeadField('department');
        }
        return false;
      },
    });
    const records = leadRecords(result);
    expect(records.length).to.equal(env.sandbox.leads().length);
    expect(records[0].data).to.have.property('department');
    expect(records[records.length - 1].data).not.to.have.property('department');
    expect(result.logMessages('WARN')).to.deep.equal([
      "leads: the lead field 'department' disappeared from Marketo during the sync (hidden or deleted); it is left out from here on. Refresh the source schema to drop it.",
    ]);
  });

  it('a killed full read and a killed incremental read resume without losing a lead', async () => {
    const config = sourceConfig(env.sandbox, { max_concurrent_calls: 1 });
    const catalog = leadsCatalog(env.discovered);
    const table = new Table();
    let states = 0;
    const killedScan = await read(config, catalog, undefined, { killAfter: (m) => m.type === 'STATE' && ++states === 1 });
    expect(killedScan.signal).to.equal('SIGKILL');
    expect((nextState(killedScan)[0] as any).stream.stream_state.scan.nextId).to.equal(301);
    table.apply(extracted(committedRecords(killedScan, 'leads')));
    const resumed = await read(config, catalog, nextState(killedScan));
    table.apply(extracted([], leadRecords(resumed)));
    await expectTableMirrorsMarketo(table, env.sandbox);

    for (const id of env.sandbox
      .leads()
      .map((l) => l.id)
      .slice(0, 120))
      env.sandbox.updateLead(id, { firstName: `Renamed${id}` });
    states = 0;
    const killedIncremental = await read(config, catalog, nextState(resumed), { killAfter: (m) => m.type === 'STATE' && ++states === 2 });
    table.apply(extracted([], [], committedRecords(killedIncremental, 'leads')));
    const finished = await read(config, catalog, nextState(killedIncremental.signal ? killedIncremental : resumed));
    table.apply(extracted([], [], [], leadRecords(finished)));
    await expectTableMirrorsMarketo(table, env.sandbox);
  });
});

/** The company columns the company-change test moves (strings: Change Data Value carries text). */
const COMPANY_TEXT_FIELDS = ['company', 'industry', 'billingCity', 'billingCountry', 'mainPhone'];

/**
 * A warehouse's companies table, keyed by externalCompanyId, updated from the deduplicated
 * lead_changes table as the docs say: a change that carries an externalCompanyId naming a company,
 * no older than the company's row, sets the company columns it changed.
 */
function applyCompanyChanges(companies: Map<string, Record<string, unknown>>, changes: any[]): void {
  const latest = new Map<string, any>();
  for (const change of changes) latest.set(change.marketoGUID, change); // Append + Deduped on marketoGUID
  const ordered = [...latest.values()].sort((a, b) => (a.activityDate < b.activityDate ? -1 : a.activityDate > b.activityDate ? 1 : 0));
  for (const change of ordered) {
    const company = change.externalCompanyId ? companies.get(change.externalCompanyId) : undefined;
    if (!company || change.activityDate < (company.updatedAt as string)) continue;
    for (const field of change.fields ?? [])
      if (field.name in company && field.name !== 'externalCompanyId' && field.name !== 'id') company[field.name] = field.newValue;
  }
}

describe('source-marketo lead_changes: changes of company fields carry the company', function () {
  this.timeout(120_000);

  it('a company field changed on linked leads ends in the companies table through externalCompanyId, also for a lead that moved company later in the sync', async () => {
    const sandbox = await startSandbox({ seed: 21, leadCount: 400, activityCount: 300, startDate: recent(2 * 86400) });
    try {
      const config = sourceConfig(sandbox);
      const catalog = catalogFor(await discover(config), ['lead_changes', 'companies']);
      await syncCompanies(sandbox, [
        { externalCompanyId: 'C-1', company: 'Acme Holdings', industry: 'Retail', billingCity: 'Paris' },
        { externalCompanyId: 'C-2', company: 'Globex', industry: 'Utilities' },
      ]);
      const ids = sandbox.leads().map((l) => l.id);
      const [a, b, d, e, f, g] = ids;
      for (const id of [a, b, f]) sandbox.updateLead(id, { externalCompanyId: 'C-1' });
      sandbox.updateLead(d, { externalCompanyId: 'C-2' });
      const full = await read(config, catalog);
      expect(full.exitCode, full.stderr).to.equal(0);
      const companies = new Map<string, Record<string, unknown>>(full.records('companies').map((r: any) => [r.data.externalCompanyId, { ...r.data }]));

      // People edit company fields on lead detail pages: each edit changes the company record the
      // lead is linked to, and Marketo logs the Change Data Value on that lead alone.
      sandbox.updateLead(a, { company: 'Acme Group' }); // C-1, found through Get Leads
      sandbox.updateLead(d, { industry: 'Energy' }); // C-2, found through Get Leads
      sandbox.updateLead(b, { billingCity: 'Lyon' }); // C-1: B moves to C-2 later in the same page
      sandbox.updateLead(b, { externalCompanyId: 'C-2' });
      sandbox.updateLead(e, { company: 'Own Company Ltd' }); // not linked: no company record to change
      sandbox.updateLead(g, { externalCompanyId: 'C-2' });
      sandbox.updateLead(g, { mainPhone: '+1 555 0100' }); // C-2: its link was read earlier in the sync
      sandbox.updateLead(f, { billingCountry: 'Norway' }); // C-1, though F belongs to C-2 when the sync reads it...
      for (const id of ids.slice(100, 260)) sandbox.updateLead(id, { firstName: `Busy${id}`, title: 'Filler' });
      sandbox.updateLead(f, { externalCompanyId: 'C-2' }); // ...as a later page shows
      expect(sandbox.companies().map((c) => [c.externalCompanyId, c.company, c.industry, c.billingCity, c.billingCountry, c.mainPhone])).to.deep.equal([
        ['C-1', 'Acme Group', 'Retail', 'Lyon', 'Norway', undefined],
        ['C-2', 'Globex', 'Energy', undefined, undefined, '+1 555 0100'],
      ]);

      const changesOnly = catalogFor(await discover(config), ['lead_changes']);
      sandbox.counters.reset();
      const next = await read(config, changesOnly, nextState(full));
      expect(next.exitCode, next.stderr).to.equal(0);
      const changes = next.records('lead_changes').map((r: any) => r.data);
      const companyOf = (lead: number, field: string) =>
        changes.filter((c: any) => c.leadId === lead && c.fields?.[0]?.name === field).map((c: any) => c.externalCompanyId);
      expect({
        a: companyOf(a, 'company'),
        d: companyOf(d, 'industry'),
        b: companyOf(b, 'billingCity'),
        e: companyOf(e, 'company'),
        g: companyOf(g, 'mainPhone'),
        f: companyOf(f, 'billingCountry'),
      }).to.deep.equal({ a: ['C-1'], d: ['C-2'], b: ['C-1'], e: [null], g: ['C-2'], f: ['C-2', 'C-1'] });
      // Other changes carry no company column.
      expect(changes.filter((c: any) => c.fields?.[0]?.name === 'firstName').every((c: any) => !('externalCompanyId' in c))).to.equal(true);
      // One Get Leads call found the companies of the first page's leads; Describe Company said which fields are company fields.
      expect(sandbox.counters.byEndpoint()['GET /rest/v1/leads.json']).to.equal(1);
      expect(sandbox.counters.byEndpoint()['GET /rest/v1/companies/describe.json']).to.equal(1);

      applyCompanyChanges(companies, changes);
      const expected = new Map(sandbox.companies().map((c) => [c.externalCompanyId as string, c]));
      for (const [key, row] of companies)
        for (const field of COMPANY_TEXT_FIELDS) expect(row[field] ?? null, `${key} ${field}`).to.equal(expected.get(key)![field] ?? null);
    } finally {
      await sandbox.close();
    }
  });
});

/** Runs `body` with a sandbox of its own (closed afterwards, whatever happens), the source's config for it and the leads catalog. */
async function withLeadsSandbox(
  options: SandboxOptions,
  body: (sandbox: Sandbox, config: Record<string, unknown>, catalog: any) => Promise<void>,
): Promise<void> {
  const sandbox = await startSandbox(options);
  try {
    const config = sourceConfig(sandbox);
    await body(sandbox, config, leadsCatalog(await discover(config)));
  } finally {
    await sandbox.close();
  }
}

describe('source-marketo leads: calls', function () {
  this.timeout(120_000);
  it('a sync with nothing new emits no lead and walks only from its cursors (one token for the 3 walks, 3 pages, no Get Leads)', async () => {
    await withLeadsSandbox({ seed: 4, leadCount: 50, activityCount: 400, startDate: recent(3600) }, async (sandbox, config, catalog) => {
      const full = await read(config, catalog);
      const second = await read(config, catalog, nextState(full));
      sandbox.counters.reset();
      const third = await read(config, catalog, nextState(second));
      expect(leadRecords(third)).to.deep.equal([]);
      const calls = sandbox.counters.byEndpoint();
      expect(calls['GET /rest/v1/activities/pagingtoken.json']).to.equal(1);
      expect(calls['GET /rest/v1/activities/leadchanges.json']).to.equal(1);
      expect(calls['GET /rest/v1/activities.json']).to.equal(1);
      expect(calls['GET /rest/v1/activities/deletedleads.json']).to.equal(1);
      expect(calls['GET /rest/v1/leads.json'] ?? 0).to.equal(0);
    });
  });

  it('fetches N changed leads in ceil(N / 300) Get Leads calls', async () => {
    await withLeadsSandbox({ seed: 8, leadCount: 900, activityCount: 300, startDate: recent(86400) }, async (sandbox, config, catalog) => {
      const full = await read(config, catalog);
      const changed = sandbox
        .leads()
        .map((l) => l.id)
        .slice(0, 650);
      for (const id of changed) expect(sandbox.updateLead(id, { firstName: `Changed ${id}` })).to.deep.equal(['firstName']);
      sandbox.counters.reset();
      const incremental = await read(config, catalog, nextState(full));
      expect(ascending(leadRecords(incremental).map((r: any) => r.data.id))).to.deep.equal(changed);
      expect(sandbox.counters.byEndpoint()['GET /rest/v1/leads.json']).to.equal(Math.ceil(650 / 300));
    });
  });

  it('a first read finds the highest lead id in 4 Get Leads calls, then reads ceil(M / 300) + 2 id ranges, and reads no activity history', async () => {
    await withLeadsSandbox({ seed: 12, leadCount: 3000, activityCount: 300, startDate: recent(86400) }, async (sandbox, config, catalog) => {
      sandbox.counters.reset();
      const full = await read(config, catalog);
      expect(leadRecords(full)).to.have.length(3000);
      expect(
        full
          .logs()
          .filter((l: any) => /^leads: full read/.test(l.message))
          .map((l: any) => l.message),
      ).to.deep.equal(['leads: full read of every lead: about 12 Get Leads calls for ids 1 to 3000 and past it, after 4 to find the highest lead id (3000).']);
      // The walks then start ten minutes before the read began: one page each, from one token.
      expect(sandbox.counters.byEndpoint()).to.deep.equal({
        'GET /rest/v1/leads/describe.json': 1,
        'GET /rest/v1/activities/types.json': 1,
        'GET /rest/v1/leads.json': 4 + 12,
        'GET /rest/v1/activities/pagingtoken.json': 1,
        'GET /rest/v1/activities/leadchanges.json': 1,
        'GET /rest/v1/activities.json': 1,
        'GET /rest/v1/activities/deletedleads.json': 1,
      });
    });
  });

  it('a day of 9,000 activities: the walks over rare types page through sparse blocks (exact calls)', async () => {
    await withLeadsSandbox({ seed: 13, leadCount: 200, activityCount: 9000, startDate: recent(4 * 3600) }, async (sandbox, config, catalog) => {
      const full = await read(config, catalog);
      sandbox.counters.reset();
      // A daily sync: every walk cursor a day back, so the walks read the whole history.
      const daily = await read(config, catalog, agedState(nextState(full), 1));
      const records = leadRecords(daily);
      const rows = {
        live: records.filter((r: any) => !r.data._ab_cdc_deleted_at).length,
        tombstones: records.filter((r: any) => r.data._ab_cdc_deleted_at).length,
      };
      expect({ rows, calls: sandbox.counters.byEndpoint() }).to.deep.equal({ rows: SPARSE_ROWS, calls: SPARSE_CALLS });
    });
  });
});

/**
 * Rows and calls of the daily sync of seed 13: 9,000 activities are 5 blocks of 2,000, so each
 * walk takes 5 pages, short ones (the deletions walk finds about 30 per block), where one page
 * each would do without sparse blocks; every lead changed, and 200 leads are one Get Leads call.
 * The three walks start from the same second, so from one paging token.
 */
const SPARSE_ROWS = { live: 200, tombstones: 160 };
const SPARSE_CALLS = {
  'GET /rest/v1/leads/describe.json': 1,
  'GET /rest/v1/activities/types.json': 1,
  'GET /rest/v1/activities/pagingtoken.json': 1,
  'GET /rest/v1/activities/leadchanges.json': 5,
  'GET /rest/v1/activities.json': 5,
  'GET /rest/v1/activities/deletedleads.json': 5,
  'GET /rest/v1/leads.json': 1,
};
