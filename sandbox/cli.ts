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

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}`);
  process.exit(2);
}

function integer(flag: string, value: string | undefined): number {
  if (value === undefined || !/^\d+$/.test(value)) fail(`${flag} needs a non-negative integer`);
  return Number(value);
}

function orNone(flag: string, value: string | undefined): number | null {
  return value === 'none' ? null : integer(flag, value);
}

export function parseArgs(argv: readonly string[]): SandboxOptions {
  const o: SandboxOptions = { port: 8089 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string | undefined => argv[++i];
    switch (flag) {
      case '--port':
        o.port = integer(flag, value());
        break;
      case '--host':
        o.host = value() ?? fail(`${flag} needs a value`);
        break;
      case '--seed':
        o.seed = integer(flag, value());
        break;
      case '--activities':
        o.activityCount = integer(flag, value());
        break;
      case '--leads':
        o.leadCount = integer(flag, value());
        break;
      case '--companies':
        o.companyCount = integer(flag, value());
        break;
      case '--custom-objects':
        o.customObjectCount = integer(flag, value());
        break;
      case '--start-date':
        o.startDate = value() ?? fail(`${flag} needs a value`);
        break;
      case '--lead-partitions':
        o.leadPartitions = (value() ?? fail(`${flag} needs a value`)).split(',').map((name, i) => ({ id: i + 1, name: name.trim() }));
        break;
      case '--client-id':
        o.clientId = value() ?? fail(`${flag} needs a value`);
        break;
      case '--client-secret':
        o.clientSecret = value() ?? fail(`${flag} needs a value`);
        break;
      case '--api-user':
        o.apiUser = value() ?? fail(`${flag} needs a value`);
        break;
      case '--token-ttl':
        o.tokenTtlSeconds = integer(flag, value());
        break;
      case '--rate-limit': {
        const v = value();
        if (v === 'none') o.rateLimit = null;
        else {
          const m = /^(\d+)\/(\d+)$/.exec(v ?? '');
          if (!m) fail(`${flag} needs CALLS/WINDOW_MS (e.g. 100/20000) or none`);
          o.rateLimit = { calls: Number(m[1]), windowMs: Number(m[2]) };
        }
        break;
      }
      case '--concurrency':
        o.concurrencyLimit = orNone(flag, value());
        break;
      case '--daily-quota':
        o.dailyQuota = orNone(flag, value());
        break;
      case '--latency':
        o.latencyMs = integer(flag, value());
        break;
      case '--since-inclusive':
        o.sinceDatetimeInclusive = true;
        break;
      case '--accept-query-token':
        o.acceptQueryToken = true;
        break;
      case '--no-gzip':
        o.gzip = false;
        break;
      case '--omit-activity-ids':
        o.omitActivityIds = true;
        break;
      case '--deleted-leads-retention-days':
        o.deletedLeadsRetentionDays = orNone(flag, value());
        break;
      case '--bulk-step-ms':
        o.bulkExportStepMs = integer(flag, value());
        break;
      case '--bulk-export-mb':
        o.bulkExportDailyQuotaMb = orNone(flag, value());
        break;
      case '--no-bulk-updated-at':
        o.bulkLeadUpdatedAtFilter = false;
        break;
      case '--help':
      case '-h':
        process.stdout.write(USAGE);
        process.exit(0);
        break;
      default:
        fail(`unknown option ${flag}`);
    }
  }
  return o;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const sandbox = await startSandbox(options);
  const info = {
    url: sandbox.url,
    domain_url: sandbox.url,
    client_id: sandbox.clientId,
    client_secret: sandbox.clientSecret,
    api_user: sandbox.apiUser,
    activities: sandbox.activityCount(),
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
