import { expect } from 'chai';
import { parseArgs } from '../../sandbox/cli';

describe('sandbox command line', () => {
  it('with no flag, listens on 8089 and leaves every other option to startSandbox', () => {
    expect(parseArgs([])).to.deep.equal({ port: 8089 });
  });

  it('reads every flag into the option it names', () => {
    const argv = [
      ['--port', '0', '--host', '0.0.0.0', '--seed', '7', '--activities', '300', '--leads', '40', '--companies', '5', '--custom-objects', '2'],
      ['--start-date', '2026-02-01T00:00:00Z', '--lead-partitions', 'Default, Europe', '--client-id', 'id', '--client-secret', 'secret'],
      ['--api-user', 'me@example.com', '--token-ttl', '60', '--rate-limit', '50/10000', '--concurrency', 'none', '--daily-quota', '1000'],
      ['--latency', '5', '--since-inclusive', '--accept-query-token', '--no-gzip', '--omit-activity-ids', '--deleted-leads-retention-days', '14'],
      ['--bulk-step-ms', '0', '--bulk-export-mb', 'none', '--no-bulk-updated-at'],
    ].flat();
    expect(parseArgs(argv)).to.deep.equal({
      port: 0,
      host: '0.0.0.0',
      seed: 7,
      activityCount: 300,
      leadCount: 40,
      companyCount: 5,
      customObjectCount: 2,
      startDate: '2026-02-01T00:00:00Z',
      leadPartitions: [
        { id: 1, name: 'Default' },
        { id: 2, name: 'Europe' },
      ],
      clientId: 'id',
      clientSecret: 'secret',
      apiUser: 'me@example.com',
      tokenTtlSeconds: 60,
      rateLimit: { calls: 50, windowMs: 10000 },
      concurrencyLimit: null,
      dailyQuota: 1000,
      latencyMs: 5,
      sinceDatetimeInclusive: true,
      acceptQueryToken: true,
      gzip: false,
      omitActivityIds: true,
      deletedLeadsRetentionDays: 14,
      bulkExportStepMs: 0,
      bulkExportDailyQuotaMb: null,
      bulkLeadUpdatedAtFilter: false,
    });
  });

  it('"none" lifts the rate limit; a later flag wins over an earlier one', () => {
    expect(parseArgs(['--rate-limit', 'none', '--seed', '1', '--seed', '2'])).to.deep.equal({ port: 8089, rateLimit: null, seed: 2 });
  });

  it('asks for help with --help or -h', () => {
    expect(parseArgs(['--seed', '3', '--help'])).to.equal('help');
    expect(parseArgs(['-h'])).to.equal('help');
  });

  it('refuses what it cannot read, naming the flag', () => {
    const refused = (argv: string[]) => {
      try {
        parseArgs(argv);
        return 'accepted';
      } catch (err) {
        return (err as Error).message;
      }
    };
    expect(refused(['--seed', '-1'])).to.equal('--seed needs a non-negative integer');
    expect(refused(['--leads'])).to.equal('--leads needs a non-negative integer');
    expect(refused(['--daily-quota', 'lots'])).to.equal('--daily-quota needs a non-negative integer');
    expect(refused(['--api-user'])).to.equal('--api-user needs a value');
    expect(refused(['--rate-limit', '100'])).to.equal('--rate-limit needs CALLS/WINDOW_MS (e.g. 100/20000) or none');
    expect(refused(['--verbose'])).to.equal('unknown option --verbose');
  });
});
