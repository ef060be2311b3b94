import { expect } from 'chai';
import { Sandbox } from '../../sandbox';
import { RunResult } from '../harness/run-connector';
import { probeHighestLeadId } from '../../source-marketo/streams/lead-id-probe';
import { syncObjects, marketoCall } from './marketo-rest';
import { catalogFor, discover, nextState, read, sourceConfig, fullReadOf, laggingSandbox } from './support';
import { COMPANY_FIELD_NAMES } from '../harness/marketo-objects';

const HOUR = 3600_000;

function recent(seconds: number): string {
  return new Date(Math.floor(Date.now() / 1000 - seconds) * 1000).toISOString().replace('.000Z', 'Z');
}

/** A record as the stream must emit it: every described field, absent ones as null. */
function expected(record: Record<string, unknown>, fields: string[]): Record<string, unknown> {
  return Object.fromEntries(fields.map((f) => [f, record[f] ?? null]));
}

function byKey(records: Record<string, unknown>[], key: (r: Record<string, unknown>) => string): Map<string, Record<string, unknown>> {
  return new Map(records.map((r) => [key(r), r]));
}

function emitted(result: RunResult, stream: string): Record<string, unknown>[] {
  expect(result.exitCode, result.stderr).to.equal(0);
  return result.records(stream).map((r: any) => r.data);
}

function calls(sandbox: Sandbox, endpoint: string): number {
  return sandbox.counters.byEndpoint()[endpoint] ?? 0;
}

/** The calls the source's probe for the highest id makes over these ids (the same probe, run on the sandbox's data). */
async function probeCalls(ids: number[]): Promise<number> {
  const live = new Set(ids);
  return (await probeHighestLeadId(async (asked) => asked.filter((id) => live.has(id)))).calls;
}

describe('source-marketo companies and custom objects: read back record for record', function () {
  this.timeout(180_000);
  let sandbox: Sandbox;
  // The sandbox clock runs behind ours, so what the test writes is older than the overlap a sweep keeps before its start.
  const lag = { ms: 2 * HOUR };

  beforeEach(async () => {
    sandbox = await laggingSandbox(lag, 2 * HOUR, {
      startDate: recent(2 * 86400),
      seed: 33,
      leadCount: 700,
      activityCount: 1500,
      deletedLeadsRetentionDays: null,
    });
  });
  afterEach(() => sandbox.close());

  it('discover offers companies and one stream per custom object type, keyed by its dedupe fields, typed from the describes', async () => {
    const catalog = await discover(sourceConfig(sandbox));
    const companies = catalog.streams.find((s: any) => s.name === 'companies');
    expect(companies.source_defined_primary_key).to.deep.equal([['id']]);
    expect(companies.default_cursor_field).to.deep.equal(['updatedAt']);
    expect(Object.keys(companies.json_schema.properties)).to.have.members(COMPANY_FIELD_NAMES);
    expect(companies.json_schema.properties.annualRevenue.type).to.deep.equal(['null', 'number']);
    const cars = catalog.streams.find((s: any) => s.name === 'car_c');
    expect(cars.source_defined_primary_key).to.deep.equal([['vin']]);
    expect(cars.supported_sync_modes).to.deep.equal(['full_refresh', 'incremental']);
    expect(Object.keys(cars.json_schema.properties)).to.have.members([
      'marketoGUID',
      'vin',
      'make',
      'model',
      'year',
      'price',
      'purchasedAt',
      'leadId',
      'createdAt',
      'updatedAt',
    ]);
    expect(cars.json_schema.properties.year.type).to.deep.equal(['null', 'integer']);
    expect(cars.json_schema.properties.purchasedAt.format).to.equal('date-time');
  });

  it('companies: a full read, then incremental reads that emit exactly what changed, across id gaps', async () => {
    const created = await syncObjects(
      sandbox,
      '/rest/v1/companies.json',
      Array.from({ length: 650 }, (_, i) => ({
        externalCompanyId: `EXT-${i + 1}`,
        company: `Company ${i + 1}`,
        numberOfEmployees: i % 7 === 0 ? undefined : 10 * i,
        annualRevenue: i * 1000.5,
        industry: i % 3 ? 'Software' : undefined,
      })),
    );
    // Delete a whole range of 300 ids in the middle: the sweep must read past the gap.
    await marketoCall(sandbox, 'POST', '/rest/v1/companies/delete.json', { deleteBy: 'idField', input: created.slice(300, 600).map((r) => ({ id: r.id })) });
    const { full, catalog } = await fullReadOf(sandbox, await discover(sourceConfig(sandbox)), 'companies');
    const fields = Object.keys(catalog.streams[0].stream.json_schema.properties);
    const rows = emitted(full, 'companies');
    const marketo = sandbox.companies();
    expect(rows.length).to.equal(350);
    expect(byKey(rows, (r) => String(r.id))).to.deep.equal(
      byKey(
        marketo.map((c) => expected(c, fields)),
        (r) => String(r.id),
      ),
    );
    // The probe for the highest id (650), then ranges 1-300, 301-600 (empty), 601-900, and two empty ranges past the last company.
    const sweepCalls = (await probeCalls(marketo.map((c) => Number(c.id)))) + 5;
    expect(calls(sandbox, 'GET /rest/v1/companies.json')).to.equal(sweepCalls);

    // Nothing changed: nothing emitted, the same calls.
    sandbox.counters.reset();
    const idle = await read(sourceConfig(sandbox), catalog, nextState(full));
    expect(emitted(idle, 'companies')).to.deep.equal([]);
    expect(calls(sandbox, 'GET /rest/v1/companies.json')).to.equal(sweepCalls);

    // Later (in Marketo's clock), two companies change and one is created.
    lag.ms = HOUR;
    await syncObjects(sandbox, '/rest/v1/companies.json', [
      { externalCompanyId: 'EXT-5', company: 'Renamed Five' },
      { externalCompanyId: 'EXT-640', numberOfEmployees: 12345 },
      { externalCompanyId: 'EXT-NEW', company: 'Brand New' },
    ]);
    const incremental = await read(sourceConfig(sandbox), catalog, nextState(idle));
    const changed = emitted(incremental, 'companies');
    const now = byKey(
      sandbox.companies().map((c) => expected(c, fields)),
      (r) => String(r.externalCompanyId),
    );
    expect(byKey(changed, (r) => String(r.externalCompanyId))).to.deep.equal(new Map(['EXT-5', 'EXT-640', 'EXT-NEW'].map((k) => [k, now.get(k)])));
  });

  it('car_c: every record linked to a lead, paging within a range of lead ids, then only what changed', async () => {
    const leadIds = sandbox.leads().map((l) => l.id);
    const cars = [
      // 400 cars on the first 200 leads: more than one page for one range of 300 lead ids.
      ...leadIds
        .slice(0, 200)
        .flatMap((id) =>
          [0, 1].map((n) => ({ vin: `VIN-${id}-${n}`, make: n ? 'Volvo' : 'Fiat', model: 'X', year: 2000 + (id % 25), price: id * 10.25, leadId: id })),
        ),
      ...leadIds.slice(-30).map((id) => ({ vin: `VIN-${id}-late`, make: 'Kia', purchasedAt: '2025-03-04T05:06:07Z', leadId: id })),
    ];
    await syncObjects(sandbox, '/rest/v1/customobjects/car_c.json', cars);
    const { full, catalog } = await fullReadOf(sandbox, await discover(sourceConfig(sandbox)), 'car_c');
    const fields = Object.keys(catalog.streams[0].stream.json_schema.properties);
    const rows = emitted(full, 'car_c');
    expect(rows.length).to.equal(430);
    // The highest lead id (700) from a probe of Get Leads, then lead ids 1-300 (400 cars: two pages), 301-600, 601-900, and two empty ranges past the last car.
    expect(calls(sandbox, 'GET /rest/v1/leads.json')).to.equal(await probeCalls(leadIds));
    expect(calls(sandbox, 'GET /rest/v1/customobjects/car_c.json')).to.equal(6);
    const want = byKey(
      sandbox.customObjects('car_c').map((c) => expected(c, fields)),
      (r) => String(r.vin),
    );
    for (const r of rows) expect(r, String(r.vin)).to.deep.equal(want.get(String(r.vin)));
    expect(byKey(rows, (r) => String(r.vin))).to.deep.equal(
      byKey(
        sandbox.customObjects('car_c').map((c) => expected(c, fields)),
        (r) => String(r.vin),
      ),
    );

    lag.ms = HOUR;
    await syncObjects(sandbox, '/rest/v1/customobjects/car_c.json', [
      { vin: `VIN-${leadIds[3]}-1`, model: 'XC90' },
      { vin: 'VIN-new', make: 'Saab', leadId: leadIds[leadIds.length - 1] },
    ]);
    const incremental = await read(sourceConfig(sandbox), catalog, nextState(full));
    const now = byKey(
      sandbox.customObjects('car_c').map((c) => expected(c, fields)),
      (r) => String(r.vin),
    );
    expect(byKey(emitted(incremental, 'car_c'), (r) => String(r.vin))).to.deep.equal(new Map([`VIN-${leadIds[3]}-1`, 'VIN-new'].map((k) => [k, now.get(k)])));
  });

  it('a denied company read fails that stream alone, naming the permission to grant', async () => {
    const discovered = await discover(sourceConfig(sandbox));
    sandbox.faults.inject({ kind: 'error', code: '603', message: 'Access denied', times: 100, path: /\/rest\/v1\/companies/ });
    const result = await read(sourceConfig(sandbox), catalogFor(discovered, ['companies', 'car_c']));
    sandbox.faults.clear();
    expect(result.exitCode).to.equal(1);
    const errors = result.traces('ERROR').map((e: any) => [e.error.stream_descriptor?.name, e.error.failure_type]);
    expect(errors).to.deep.equal([['companies', 'config_error']]);
    expect(result.traces('ERROR')[0].error.message).to.contain("Give the API user's role the 'Read-Only Company' permission");
  });
});
