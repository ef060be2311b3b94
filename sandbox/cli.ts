// Runs the sandbox standalone:
//   node dist/sandbox/cli.js [--port 8089] [--seed 1] [--activities 5000] [--leads 200] ...
// prints its URL and credentials and serves until killed (Ctrl-C / SIGTERM).

import { startSandbox, type SandboxOptions } from './index';

const USAGE = `Usage: node dist/sandbox/cli.js [options]

  --port N               port on 127.0.0.1 (default 8089; 0 = any free port)
  --host H               interface to listen on (default 127.0.0.1)
  --seed N               data seed (default 1): same seed, same data
  --activities N         activities generated at start (default 2000)
  --leads N              leads generated at start (default 200)
  --companies N          companies generated at start (default 0)
  --custom-objects N     records of each custom object type generated at start, linked to leads (default 0)
  --start-date ISO       date of the first activity (default 2026-01-05T00:00:00Z)
  --lead-partitions A,B  lead partition names, ids 1, 2, ... (default Default); with several,
                         Sync Leads refuses a create without partitionName (1009)
  --client-id S          (default sandbox-client-id)
  --client-secret S      (default sandbox-client-secret)
  --api-user S           token scope (default api@sandbox.example.com)
  --token-ttl N          token lifetime in seconds (default 3600)
  --rate-limit N/MS      e.g. 100/20000 (default), or "none"
  --concurrency N        calls in flight (default 10), or "none"
  --daily-quota N        calls per day (default 50000), or "none"
  --latency MS           added to every REST call (default 0)
  --since-inclusive      paging tokens include activities at exactly sinceDatetime
  --accept-query-token   accept the deprecated access_token parameter
  --no-gzip              never compress responses
  --omit-activity-ids    leave "id" out of activities (Activity Service instances)
  --deleted-leads-retention-days N
                         prune Delete Lead activities older than N days (default: none
                         on the wall clock; Marketo keeps them 14 days), or "none"
  --bulk-step-ms N       one step of a bulk export job's life cycle (default 60000)
  --bulk-export-mb N|none
                         daily bulk export allowance in MB (default 500)
  --no-bulk-updated-at   the bulk lead extract's updatedAt filter answers 1035
  --help
`;

/** A command line the sandbox cannot read: said on stderr above the usage, exit code 2. */
export class UsageError extends Error {}

function integer(flag: string, value: string | undefined): number {
  if (value === undefined || !/^\d+$/.test(value)) throw new UsageError(`${flag} needs a non-negative integer`);
  return Number(value);
}

function orNone(flag: string, value: string | undefined): number | null {
  return value === 'none' ? null : integer(flag, value);
}

function text(flag: string, value: string | undefined): string {
  if (value === undefined) throw new UsageError(`${flag} needs a value`);
  return value;
}

function rateLimit(flag: string, value: string | undefined): SandboxOptions['rateLimit'] {
  if (value === 'none') return null;
  const match = /^(\d+)\/(\d+)$/.exec(value ?? '');
  if (!match) throw new UsageError(`${flag} needs CALLS/WINDOW_MS (e.g. 100/20000) or none`);
  return { calls: Number(match[1]), windowMs: Number(match[2]) };
}

function leadPartitions(flag: string, value: string | undefined): SandboxOptions['leadPartitions'] {
  return text(flag, value)
    .split(',')
    .map((name, i) => ({ id: i + 1, name: name.trim() }));
}

/** The flags that take a value: each reads its value into the options it sets. */
const VALUE_FLAGS = new Map<string, (flag: string, value: string | undefined) => SandboxOptions>(
  Object.entries({
    '--port': (flag, value) => ({ port: integer(flag, value) }),
    '--host': (flag, value) => ({ host: text(flag, value) }),
    '--seed': (flag, value) => ({ seed: integer(flag, value) }),
    '--activities': (flag, value) => ({ activityCount: integer(flag, value) }),
    '--leads': (flag, value) => ({ leadCount: integer(flag, value) }),
    '--companies': (flag, value) => ({ companyCount: integer(flag, value) }),
    '--custom-objects': (flag, value) => ({ customObjectCount: integer(flag, value) }),
    '--start-date': (flag, value) => ({ startDate: text(flag, value) }),
    '--lead-partitions': (flag, value) => ({ leadPartitions: leadPartitions(flag, value) }),
    '--client-id': (flag, value) => ({ clientId: text(flag, value) }),
    '--client-secret': (flag, value) => ({ clientSecret: text(flag, value) }),
    '--api-user': (flag, value) => ({ apiUser: text(flag, value) }),
    '--token-ttl': (flag, value) => ({ tokenTtlSeconds: integer(flag, value) }),
    '--rate-limit': (flag, value) => ({ rateLimit: rateLimit(flag, value) }),
    '--concurrency': (flag, value) => ({ concurrencyLimit: orNone(flag, value) }),
    '--daily-quota': (flag, value) => ({ dailyQuota: orNone(flag, value) }),
    '--latency': (flag, value) => ({ latencyMs: integer(flag, value) }),
    '--deleted-leads-retention-days': (flag, value) => ({ deletedLeadsRetentionDays: orNone(flag, value) }),
    '--bulk-step-ms': (flag, value) => ({ bulkExportStepMs: integer(flag, value) }),
    '--bulk-export-mb': (flag, value) => ({ bulkExportDailyQuotaMb: orNone(flag, value) }),
  }),
);

/** The flags that stand alone, and the options each sets. */
const SWITCHES = new Map<string, SandboxOptions>(
  Object.entries({
    '--since-inclusive': { sinceDatetimeInclusive: true },
    '--accept-query-token': { acceptQueryToken: true },
    '--no-gzip': { gzip: false },
    '--omit-activity-ids': { omitActivityIds: true },
    '--no-bulk-updated-at': { bulkLeadUpdatedAtFilter: false },
  }),
);

/** The options a command line asks for, or 'help'; throws a UsageError for what it cannot read. */
export function parseArgs(argv: readonly string[]): SandboxOptions | 'help' {
  const options: SandboxOptions = { port: 8089 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--help' || flag === '-h') return 'help';
    const switched = SWITCHES.get(flag);
    const read = VALUE_FLAGS.get(flag);
    if (switched) Object.assign(options, switched);
    else if (read) Object.assign(options, read(flag, argv[++i]));
    else throw new UsageError(`unknown option ${flag}`);
  }
  return options;
}

/** The options of this process's command line; prints the usage and exits on --help or on a line it cannot read. */
function commandLineOptions(): SandboxOptions {
  try {
    const options = parseArgs(process.argv.slice(2));
    if (options !== 'help') return options;
    process.stdout.write(USAGE);
    process.exit(0);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`${err.message}\n\n${USAGE}`);
    process.exit(2);
  }
}

async function main(): Promise<void> {
  const options = commandLineOptions();
  const started = Date.now();
  const sandbox = await startSandbox(options);
  const info = {
    url: sandbox.url,
    domain_url: sandbox.url,
    client_id: sandbox.clientId,
    client_secret: sandbox.clientSecret,
    api_user: sandbox.apiUser,
    activities: sandbox.activityCount(),
    latest_activity_at: sandbox.latestActivityDate(),
    leads: sandbox.leads().length,
    started_in_ms: Date.now() - started,
  };
  process.stdout.write(`Marketo sandbox listening on ${sandbox.url}\n${JSON.stringify(info, null, 2)}\n`);
  process.stdout.write(
    `Token:    curl '${sandbox.url}/identity/oauth/token?grant_type=client_credentials&client_id=${sandbox.clientId}&client_secret=${sandbox.clientSecret}'\n`,
  );
  process.stdout.write(`Controls: curl ${sandbox.url}/__sandbox/   (see sandbox/README.md)\n`);
  const stop = (): void => {
    void sandbox.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.on('SIGHUP', stop);
  // Under `npm run sandbox` our parent is npm (or its shell). When it is killed nothing forwards the
  // signal and we would go on serving the port: watch the parent and stop once it is gone (the
  // process is then re-parented, so its parent id changes).
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) stop();
  }, PARENT_CHECK_MS).unref();
}

/** How often the sandbox checks that whoever started it is still there. */
const PARENT_CHECK_MS = 500;

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`sandbox failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
