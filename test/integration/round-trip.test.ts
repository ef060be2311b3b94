import { expect } from 'chai';
import { Lead, Sandbox, SandboxOptions, startSandbox } from '../../sandbox';
import { RunResult, writeJsonTemp } from '../harness/run-connector';
import { catalogFor, DESTINATION, discover, nextState, read, run, sourceConfig } from './support';

// The source's own `leads` output, replayed through the destination as a warehouse hands it back:
// column names folded to lower case (PyAirbyte's cache, Postgres), deleted and merged-away leads
// as tombstones `{id, _ab_cdc_deleted_at, updatedAt}` without an email, and
// lead_lookup_field email. Two sandboxes started alike hold the same leads: the source reads one
// (which then changes), the destination writes the other, which must end exactly like the first.

type Row = Record<string, unknown>;

const OPTIONS: SandboxOptions = { seed: 31, leadCount: 40, activityCount: 400 };
/** What Marketo maintains itself, never written: ids, dates, the derived name. */
const MAINTAINED = new Set(['id', 'createdAt', 'updatedAt', 'mktoName']);

function lowerCased(data: Row): Row {
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k.toLowerCase(), v]));
}

/** Every lead by email, with the values a write can set, as Marketo reads them: an unset boolean reads false, so false is left out. */
function writable(sandbox: Sandbox): Map<string, Row> {
  const values = (lead: Lead) => Object.fromEntries(Object.entries(lead).filter(([k, v]) => !MAINTAINED.has(k) && v !== false));
  return new Map(sandbox.leads().map((lead: Lead) => [String(lead.email), values(lead)]));
}

async function writeBack(sandbox: Sandbox, records: Row[]): Promise<RunResult> {
  const config = {
    domain_url: sandbox.url,
    client_id: sandbox.clientId,
    client_secret: sandbox.clientSecret,
    lead_lookup_field: 'email',
    max_calls_per_20s: 100,
    max_concurrent_calls: 10,
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
  const lines = records.map((data) => JSON.stringify({ type: 'RECORD', record: { stream: 'leads', data: lowerCased(data), emitted_at: 1_767_225_600_000 } }));
  lines.push(JSON.stringify({ type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: 'leads' }, stream_state: { cursor: 'end' } } } }));
  return run(DESTINATION, ['write', '--config', writeJsonTemp(config), '--catalog', writeJsonTemp(catalog)], { stdin: lines.join('\n') + '\n' });
}

describe("round trip: the source's leads output written back through the destination", function () {
  this.timeout(180_000);
  let marketo: Sandbox;
  let mirror: Sandbox;
  beforeEach(async () => {
    [marketo, mirror] = await Promise.all([startSandbox(OPTIONS), startSandbox(OPTIONS)]);
  });
  afterEach(() => Promise.all([marketo.close(), mirror.close()]));

  it('with lower-cased columns, tombstones and lead_lookup_field email, the mirror ends exactly like Marketo', async () => {
    expect(writable(mirror)).to.deep.equal(writable(marketo));
    const config = sourceConfig(marketo);
    const catalog = catalogFor(await discover(config), ['leads']);
    const first = await read(config, catalog);
    expect(first.exitCode, first.stderr).to.equal(0);

    // Marketo changes after the first sync: edits (standard and custom fields), a new lead, a deletion and a merge.
    const live = marketo.leads().map((l) => l.id);
    const [edited, customEdited, deleted, winner, loser] = [live[0], live[1], live[2], live[3], live[4]];
    marketo.updateLead(edited, { firstName: 'Edited', title: 'Chief Mirror Officer' });
    marketo.updateLead(customEdited, { integer_field: 4242, textarea_field: 'changed in the UI' });
    const created = marketo.createLead({ email: 'new.lead@example.com', firstName: 'New', lastName: 'Lead', integer_field: 7 });
    marketo.deleteLead(deleted);
    marketo.mergeLeads(winner, [loser]);
    // The mirror drifted meanwhile: the write must bring it back to what Marketo holds.
    mirror.updateLead(live[5], { lastName: 'Drifted', boolean_field: true });

    const second = await read(config, catalog, nextState(first));
    expect(second.exitCode, second.stderr).to.equal(0);
    const tombstones = second.records('leads').filter((r: any) => r.data._ab_cdc_deleted_at);
    expect(tombstones.map((r: any) => r.data.id).sort((a: number, b: number) => a - b)).to.deep.equal([deleted, loser].sort((a, b) => a - b));
    for (const t of tombstones) expect(Object.keys(t.data).sort()).to.include.members(['_ab_cdc_deleted_at', 'id']).and.not.include('email');

    const records = [...first.records('leads'), ...second.records('leads')].map((r: any) => r.data as Row);
    mirror.counters.reset();
    const result = await writeBack(mirror, records);
    expect(result.exitCode, [...result.traces('ERROR').map((t: any) => t.error.message), result.stderr].join('\n')).to.equal(0);

    expect(writable(mirror)).to.deep.equal(writable(marketo));
    expect(mirror.lead(deleted)).to.equal(undefined);
    expect(mirror.lead(loser)).to.equal(undefined);
    expect(mirror.leads().find((l) => l.email === created.email)).to.include({ firstName: 'New', lastName: 'Lead', integer_field: 7 });
    expect(result.states().map((s: any) => s.destinationStats)).to.deep.equal([{ recordCount: records.length, rejectedRecordCount: 0 }]);
    // One read of current values and one write per operation: 46 rows, 300 to a call.
    expect(mirror.counters.byEndpoint()).to.deep.equal({
      'GET /rest/v1/leads/describe.json': 1,
      'GET /rest/v1/companies/describe.json': 1,
      'GET /rest/v1/leads.json': 1,
      'POST /rest/v1/leads.json': 1,
      'POST /rest/v1/leads/delete.json': 1,
    });
    const logs = result.logs().map((l: any) => l.message);
    expect(logs).to.include(
      `Stream 'leads': ${records.length} records: 1 created, 4 updated, 2 deleted, 0 deletes of records Marketo did not have, 0 rejected, 3 replaced by a later row with the same key.`,
    );
    const matched = logs.filter((m: string) => m.includes('matched to Marketo fields ignoring case'));
    expect(matched, 'one LOG line for the folded columns').to.have.length(1);
    expect(matched[0]).to.contain('firstname → firstName').and.contain('lastname → lastName');
  });
});
