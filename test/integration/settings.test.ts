import { expect } from 'chai';
import { startSandbox, Sandbox } from '../../sandbox';
import { writeJsonTemp } from '../harness/run-connector';
import { DESTINATION, SOURCE, START_DATE, catalogFor, discover, guids, read, run, sourceConfig, uniqueSorted } from './support';

// Settings are checked once, strictly, against the spec's JSON Schema, before anything else: the
// same words in check (FAILED), discover, read and write (a config_error TRACE), naming the
// setting, what was given and an example. Settings the spec does not list are left alone.

const EXAMPLE = 'Example: 2024-01-01T00:00:00Z.';
const BAD_START_DATES: Array<[string, string]> = [
  ['2024-13-45T00:00:00Z', `'start_date' must be a real date and time in ISO 8601 with its zone (Z for UTC); got '2024-13-45T00:00:00Z'. ${EXAMPLE}`],
  ['01/02/2024', `'start_date' must look like YYYY-MM-DDTHH:mm:ssZ; got '01/02/2024'. ${EXAMPLE}`],
  ['2024', `'start_date' must look like YYYY-MM-DDTHH:mm:ssZ; got '2024'. ${EXAMPLE}`],
  ['2024-01-01', `'start_date' must look like YYYY-MM-DDTHH:mm:ssZ; got '2024-01-01'. ${EXAMPLE}`],
  ['2024-01-01 00:00:00', `'start_date' must look like YYYY-MM-DDTHH:mm:ssZ; got '2024-01-01 00:00:00'. ${EXAMPLE}`],
];

function connectionStatus(result: any): any {
  return result.messages.find((m: any) => m.type === 'CONNECTION_STATUS')?.connectionStatus;
}

function errors(result: any): Array<[string, string]> {
  return result.traces('ERROR').map((e: any) => [e.error.failure_type, e.error.message]);
}

describe('settings are checked once, strictly, against the spec', function () {
  let sandbox: Sandbox;
  let catalog: any;
  before(async () => {
    sandbox = await startSandbox({ seed: 7, activityCount: 300, leadCount: 20, rateLimit: null });
    catalog = catalogFor(await discover(sourceConfig(sandbox)), ['activities', 'lead_changes', 'deleted_leads']);
  });
  after(() => sandbox.close());

  for (const [startDate, message] of BAD_START_DATES) {
    it(`start_date '${startDate}': check FAILED, discover and read one config_error, each naming the setting`, async () => {
      const config = writeJsonTemp(sourceConfig(sandbox, { start_date: startDate }));
      const checked = await run(SOURCE, ['check', '--config', config]);
      expect(checked.exitCode).to.equal(0);
      expect(connectionStatus(checked)).to.deep.equal({ status: 'FAILED', message });

      const discovered = await run(SOURCE, ['discover', '--config', config]);
      expect(discovered.exitCode).to.equal(1);
      expect(errors(discovered)).to.deep.equal([['config_error', message]]);

      const calls = sandbox.counters.total();
      const result = await run(SOURCE, ['read', '--config', config, '--catalog', writeJsonTemp(catalog)]);
      expect(result.exitCode).to.equal(1);
      expect(errors(result)).to.deep.equal([['config_error', message]]);
      expect(result.records()).to.deep.equal([]);
      expect(result.traces('STREAM_STATUS')).to.deep.equal([]);
      expect(sandbox.counters.total(), 'no call to Marketo').to.equal(calls);
      expect(result.stdoutLines.join('\n')).not.to.match(/\n\s+at /);
    });
  }

  it('settings the spec does not list (added by Airbyte or newer versions) are accepted', async () => {
    const extra = { extraction_method: 'rest', bulk_export_mb_per_day: 500, expected_syncs_per_day: 24, some_future_setting: { a: 1 } };
    const checked = await run(SOURCE, ['check', '--config', writeJsonTemp(sourceConfig(sandbox, extra))]);
    expect(connectionStatus(checked)).to.deep.equal({ status: 'SUCCEEDED' });
  });

  it('a setting of the wrong type, out of range or a secret: named, never echoing the secret', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ max_calls_per_20s: 500 }, "'max_calls_per_20s' must be at most 100; got 500. Example: 50."],
      [{ max_concurrent_calls: '5' }, "'max_concurrent_calls' must be a whole number; got '5'. Example: 5."],
      [{ activity_type_ids: [1, 'six'] }, '\'activity_type_ids\' item 2 must be a whole number; got [1,"six"]. Example: [1,2,6,7,10,11].'],
      [{ client_secret: 12345678 }, "'client_secret' must be text; got a value (hidden: it is a secret)."],
      [{ start_date: undefined }, `'start_date' is required. ${EXAMPLE}`],
      // The scheme and host as the user typed them, not lower-cased.
      [
        { domain_url: 'http://123-ABC-456.mktorest.com' },
        "'domain_url' must use https: only loopback hosts such as localhost may use http; got 'http://123-ABC-456.mktorest.com'. Example: https://123-ABC-456.mktorest.com.",
      ],
    ];
    for (const [extra, message] of cases) {
      const checked = await run(SOURCE, ['check', '--config', writeJsonTemp(sourceConfig(sandbox, extra))]);
      expect(connectionStatus(checked), JSON.stringify(extra)).to.deep.equal({ status: 'FAILED', message });
      expect(checked.stdoutLines.join('\n')).not.to.contain('12345678');
    }
  });

  it('the destination: check FAILED and write one config_error with the same message, before reading any input', async () => {
    const config = writeJsonTemp({ domain_url: sandbox.url, client_id: sandbox.clientId, client_secret: sandbox.clientSecret, rejected_row_threshold: 5 });
    const message = "'rejected_row_threshold' must be at most 1; got 5. Example: 0.1.";
    const checked = await run(DESTINATION, ['check', '--config', config]);
    expect(connectionStatus(checked)).to.deep.equal({ status: 'FAILED', message });
    const written = await run(DESTINATION, ['write', '--config', config, '--catalog', writeJsonTemp({ streams: [] })], { stdin: '' });
    expect(written.exitCode).to.equal(1);
    expect(errors(written)).to.deep.equal([['config_error', message]]);
  });
});

describe("dates are UTC unless they carry a zone, whatever the machine's time zone", function () {
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await startSandbox({ seed: 9, activityCount: 1200, leadCount: 60, rateLimit: null });
  });
  after(() => sandbox.close());

  it('a cursor without a zone in the state is read as UTC under TZ=America/Chicago: the same records as with Z', async () => {
    const catalog = catalogFor(await discover(sourceConfig(sandbox)), ['activities']);
    const served = new Set(sandbox.activityTypes().map((t) => t.id));
    const dates = [...sandbox.activities()]
      .filter((a) => a.activityDate >= START_DATE && served.has(a.activityTypeId))
      .map((a) => a.activityDate)
      .sort();
    const cursor = dates[Math.floor(dates.length / 2)];
    const want = [...sandbox.activities()]
      .filter((a) => a.activityDate >= cursor && served.has(a.activityTypeId))
      .map((a) => a.marketoGUID)
      .sort();
    expect(want.length).to.be.within(10, dates.length - 10);

    const zoned = await read(sourceConfig(sandbox), catalog, { activities: { activityDate: cursor } }, { env: { TZ: 'UTC' } });
    const zoneless = cursor.replace('T', ' ').replace('Z', ''); // "2026-…-… hh:mm:ss", as a warehouse would print it
    const chicago = await read(sourceConfig(sandbox), catalog, { activities: { activityDate: zoneless } }, { env: { TZ: 'America/Chicago' } });
    expect(chicago.exitCode, chicago.stderr).to.equal(0);
    expect(uniqueSorted(guids(zoned, 'activities'))).to.deep.equal(want);
    expect(uniqueSorted(guids(chicago, 'activities'))).to.deep.equal(want);
  });
});
