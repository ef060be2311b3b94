import { expect } from 'chai';
import { Activity, Sandbox, startSandbox } from '../../sandbox';
import { RunResult, writeJsonTemp } from '../harness/run-connector';
import { catalogFor, DESTINATION, discover, read, run, sourceConfig } from './support';

// Two-way synchronisation (issue 7), both connectors as processes against one sandbox: the
// destination writes only what changed (write_only_changes, on by default), the source leaves out
// what the destination's API user changed (ignore_changes_by_api_users), and conflict_policy
// decides between a warehouse row and a later change made in the Marketo UI.

type Row = Record<string, unknown>;

const SYNC_LEADS = 'POST /rest/v1/leads.json';
const GET_LEADS = 'GET /rest/v1/leads.json';
const CHANGE_DATA_VALUE = 13;

/** The destination's `write` over `rows` of the leads stream, ending with one STATE. */
async function writeLeads(sandbox: Sandbox, rows: Row[], extra: Row = {}): Promise<RunResult> {
  const config = {
    domain_url: sandbox.url,
    client_id: sandbox.clientId,
    client_secret: sandbox.clientSecret,
    max_calls_per_20s: 100,
    max_concurrent_calls: 10,
    ...extra,
  };
  const catalog = {
    streams: [
      {
        stream: { name: 'leads', json_schema: { type: 'object', properties: {} }, supported_sync_modes: ['incremental'] },
        sync_mode: 'incremental',
        destination_sync_mode: 'append_dedup',
      },
    ],
  };
  const lines = rows.map((data) => JSON.stringify({ type: 'RECORD', record: { stream: 'leads', data, emitted_at: 1_767_225_600_000 } }));
  lines.push(JSON.stringify({ type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: 'leads' }, stream_state: { cursor: 'end' } } } }));
  const result = await run(DESTINATION, ['write', '--config', writeJsonTemp(config), '--catalog', writeJsonTemp(catalog)], { stdin: lines.join('\n') + '\n' });
  expect(result.exitCode, [...result.traces('ERROR').map((t: any) => t.error.message), result.stderr].join('\n')).to.equal(0);
  expect(result.states().map((s: any) => s.destinationStats)).to.deep.equal([{ recordCount: rows.length, rejectedRecordCount: 0 }]);
  return result;
}

const changeActivities = (sandbox: Sandbox): Activity[] => [...sandbox.activities()].filter((a) => a.activityTypeId === CHANGE_DATA_VALUE);
const attribute = (activity: Activity, name: string): unknown => activity.attributes?.find((a) => a.name === name)?.value;
const isoSecondsAgo = (seconds: number): string => new Date(Math.floor(Date.now() / 1000 - seconds) * 1000).toISOString();

describe('two-way synchronisation against the sandbox', function () {
  this.timeout(120_000);
  let sandbox: Sandbox;
  beforeEach(async () => (sandbox = await startSandbox({ seed: 17, leadCount: 60, activityCount: 300 })));
  afterEach(() => sandbox.close());

  /** Existing leads with an email, ascending id. */
  const existing = (n: number) =>
    sandbox
      .leads()
      .filter((l) => typeof l.email === 'string')
      .slice(0, n);

  it('a full loop: the second write sends nothing and the source extracts only the changes made in the UI', async () => {
    const leads = existing(25);
    const rows = leads.map((l) => ({ email: l.email, firstName: `Warehouse${l.id}`, title: 'Data Steward', _ab_cdc_updated_at: isoSecondsAgo(60) }));

    // 1. The destination writes the warehouse rows: updates, each field a Change Data Value by our API user.
    const changesBefore = changeActivities(sandbox).length;
    await writeLeads(sandbox, rows);
    const ourRequests = new Set(sandbox.writeLog().map((w) => w.requestId));
    const ours = changeActivities(sandbox).slice(changesBefore);
    expect(ours).to.have.length(50);
    for (const a of ours) {
      expect(attribute(a, 'Modifying User')).to.equal(sandbox.apiUser);
      expect(ourRequests.has(String(attribute(a, 'Request Id')))).to.equal(true);
    }

    // 2. Someone edits three of these leads in the Marketo UI.
    const uiEdits: Array<[number, Row]> = [
      [leads[0].id, { lastName: 'Edited' }],
      [leads[1].id, { city: 'Lyon' }],
      [leads[2].id, { firstName: 'FromUi' }],
    ];
    for (const [id, values] of uiEdits) sandbox.updateLead(id, values, { source: 'ui' });
    const ui = changeActivities(sandbox).slice(changesBefore + ours.length);
    expect(ui.map((a) => attribute(a, 'Source'))).to.deep.equal(['Person Detail Page', 'Person Detail Page', 'Person Detail Page']);

    // 3. The source reads the changes back, leaving out those of the destination's API user.
    const config = sourceConfig(sandbox, { ignore_changes_by_api_users: [sandbox.apiUser] });
    const read1 = await read(config, catalogFor(await discover(config), ['lead_changes']));
    expect(read1.exitCode, read1.stderr).to.equal(0);
    const extracted = new Set(read1.records('lead_changes').map((r: any) => r.data.marketoGUID));
    expect(
      ours.filter((a) => extracted.has(a.marketoGUID)).map((a) => a.marketoGUID),
      'our own writes read back',
    ).to.deep.equal([]);
    expect(
      ui.filter((a) => !extracted.has(a.marketoGUID)).map((a) => a.marketoGUID),
      'UI changes missed',
    ).to.deep.equal([]);

    // 4. The destination writes the same rows again (lead 3's UI change wins in the warehouse, as the source brought it).
    rows[2] = { ...rows[2], firstName: 'FromUi' };
    const writesBefore = sandbox.writeLog().length;
    const activitiesBefore = [...sandbox.activities()].length;
    sandbox.counters.reset();
    const again = await writeLeads(sandbox, rows);
    expect(sandbox.counters.byEndpoint()[SYNC_LEADS], 'Sync Leads calls').to.equal(undefined);
    expect(sandbox.counters.byEndpoint()[GET_LEADS]).to.equal(1);
    expect(sandbox.writeLog()).to.have.length(writesBefore);
    expect([...sandbox.activities()]).to.have.length(activitiesBefore);
    expect(again.logs().map((l: any) => l.message)).to.include(
      "Stream 'leads', compared with Marketo's current values: 25 unchanged (not sent), 0 created, 0 updated, 0 rejected.",
    );
  });

  it('newest_wins keeps a field changed in the UI after the row; warehouse_wins overwrites it', async () => {
    const [newest, warehouse, later] = existing(3);
    const rowChangedAt = isoSecondsAgo(3600); // the warehouse row changed an hour ago ...
    for (const lead of [newest, warehouse, later]) sandbox.updateLead(lead.id, { firstName: 'UiFirst', title: 'UiTitle' }, { source: 'ui' }); // ... Marketo now
    const row = (email: unknown, changedAt: string) => ({ email, firstName: 'WhFirst', title: 'WhTitle', _ab_cdc_updated_at: changedAt });

    const newestRun = await writeLeads(sandbox, [row(newest.email, rowChangedAt), row(later.email, isoSecondsAgo(-3600))], { conflict_policy: 'newest_wins' });
    await writeLeads(sandbox, [row(warehouse.email, rowChangedAt)], { conflict_policy: 'warehouse_wins' });

    const fields = (id: number) => ({ firstName: sandbox.lead(id)!.firstName, title: sandbox.lead(id)!.title });
    expect(fields(newest.id), 'newest_wins, Marketo changed after the row').to.deep.equal({ firstName: 'UiFirst', title: 'UiTitle' });
    expect(fields(later.id), 'newest_wins, the row changed after Marketo').to.deep.equal({ firstName: 'WhFirst', title: 'WhTitle' });
    expect(fields(warehouse.id), 'warehouse_wins').to.deep.equal({ firstName: 'WhFirst', title: 'WhTitle' });
    expect(newestRun.logs().map((l: any) => l.message)).to.include(
      "Stream 'leads', compared with Marketo's current values: 1 unchanged (not sent), 0 created, 1 updated, 0 rejected; 2 fields kept as Marketo has them because it changed them after the row (newest_wins).",
    );
    const debug = newestRun.logMessages('DEBUG');
    expect(debug).to.deep.equal(
      ['firstName', 'title'].map(
        (f) => `Stream 'leads', email=${String(newest.email)}: field '${f}' kept as Marketo has it: Marketo changed this field after the row (newest_wins).`,
      ),
    );
  });

  it('newest_wins decides per field: a custom field edited in the UI after the row is kept (updatedAt does not see it), the others are written', async () => {
    const [lead, other] = existing(2);
    const rowChangedAt = isoSecondsAgo(3600);
    const updatedAtBefore = sandbox.lead(lead.id)!.updatedAt;
    sandbox.updateLead(lead.id, { integer_field: 4242 }, { source: 'ui' }); // a custom field: updatedAt stays
    expect(sandbox.lead(lead.id)!.updatedAt).to.equal(updatedAtBefore);
    sandbox.updateLead(other.id, { title: 'UiTitle' }, { source: 'ui' });
    sandbox.counters.reset();
    const result = await writeLeads(
      sandbox,
      [
        { email: lead.email, integer_field: 7, title: 'WhTitle', _ab_cdc_updated_at: rowChangedAt },
        { email: other.email, integer_field: 8, title: 'WhTitle', _ab_cdc_updated_at: rowChangedAt },
      ],
      { conflict_policy: 'newest_wins' },
    );
    expect([sandbox.lead(lead.id)!.integer_field, sandbox.lead(lead.id)!.title]).to.deep.equal([4242, 'WhTitle']);
    expect([sandbox.lead(other.id)!.integer_field, sandbox.lead(other.id)!.title]).to.deep.equal([8, 'UiTitle']);
    // One Get Lead Changes walk for the sync: a paging token and one page of changes since the row's change time.
    expect(sandbox.counters.byEndpoint()).to.deep.equal({
      'GET /rest/v1/leads/describe.json': 1,
      'GET /rest/v1/companies/describe.json': 1,
      [GET_LEADS]: 1,
      'GET /rest/v1/activities/pagingtoken.json': 1,
      'GET /rest/v1/activities/leadchanges.json': 1,
      [SYNC_LEADS]: 1,
    });
    expect(result.logMessages('DEBUG')).to.deep.equal([
      `Stream 'leads', email=${String(lead.email)}: field 'integer_field' kept as Marketo has it: Marketo changed this field after the row (newest_wins).`,
      `Stream 'leads', email=${String(other.email)}: field 'title' kept as Marketo has it: Marketo changed this field after the row (newest_wins).`,
    ]);
  });

  it('700 unchanged rows cost ceil(700 / 300) = 3 reads and no write', async () => {
    const rows = Array.from({ length: 700 }, (_, i) => ({
      email: `two.way.${i}@example.com`,
      firstName: `First${i}`,
      integer_field: i,
      datetime_field: '2026-03-04T05:06:07Z',
    }));
    await writeLeads(sandbox, rows);
    expect(
      sandbox.writeLog().map((w) => [w.records, w.created]),
      'batches are written concurrently',
    ).to.have.deep.members([
      [300, 300],
      [300, 300],
      [100, 100],
    ]);

    sandbox.counters.reset();
    // The same values in other forms: numbers as text, another time zone.
    const again = rows.map((r) => ({ ...r, integer_field: String(r.integer_field), datetime_field: '2026-03-04T07:06:07+02:00' }));
    await writeLeads(sandbox, again);
    expect(sandbox.counters.byEndpoint()).to.deep.equal({
      'GET /rest/v1/leads/describe.json': 1,
      'GET /rest/v1/companies/describe.json': 1,
      [GET_LEADS]: Math.ceil(700 / 300),
    });
    expect(sandbox.writeLog()).to.have.length(3);
  });
});
