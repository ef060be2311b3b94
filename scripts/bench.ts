import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT, writeTemp } from './run-process';
import { startSandboxProcess, SandboxProcess } from './sandbox-process';

/**
 * `npm run bench`: throughput, API calls per 1,000 records and peak memory of the source, under
 * Marketo's limits and unthrottled against a bare-fetch baseline measured in the same run.
 * Figures, not tests. Sizes can be changed with BENCH_LIMITED, BENCH_UNTHROTTLED, BENCH_LATENCY_MS.
 */

const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 250);
const LIMITED_ACTIVITIES = Number(process.env.BENCH_LIMITED ?? 150_000);
const UNTHROTTLED_ACTIVITIES = Number(process.env.BENCH_UNTHROTTLED ?? 200_000);
const MEMORY_SIZES = [10_000, Number(process.env.BENCH_MEMORY_LARGE ?? 1_000_000)];
const RATE_CALLS = 100;
const RATE_WINDOW_S = 20;
const CONCURRENCY = 10;
const PAGE = 300;

interface ConnectorRun {
  records: number;
  seconds: number;
  peakRssMb?: number;
  exitCode: number | null;
}

/** The Node options the source image runs with (Dockerfile.source), so the bench measures what users run. */
function imageNodeOptions(): string {
  const dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile.source'), 'utf8');
  return /^ENV NODE_OPTIONS="([^"]*)"/m.exec(dockerfile)?.[1] ?? '';
}

/** Runs `read` with stdout counted (not kept), as Airbyte would consume it. */
function runSource(sandbox: SandboxProcess, streams: string[], extraConfig: Record<string, unknown>, env: Record<string, string> = {}): Promise<ConnectorRun> {
  const config = writeTemp('config.json', {
    domain_url: sandbox.url,
    client_id: sandbox.clientId,
    client_secret: sandbox.clientSecret,
    start_date: '2020-01-01T00:00:00Z',
    max_calls_per_20s: RATE_CALLS,
    max_concurrent_calls: CONCURRENCY,
    ...extraConfig,
  });
  const catalog = writeTemp('catalog.json', {
    streams: streams.map((name) => ({
      stream: { name, json_schema: {}, supported_sync_modes: ['full_refresh', 'incremental'] },
      sync_mode: 'incremental',
      destination_sync_mode: 'append',
    })),
  });
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'source-marketo'), 'read', '--config', config, '--catalog', catalog], {
      env: { ...process.env, NODE_OPTIONS: imageNodeOptions(), ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let records = 0;
    let tail = '';
    let peakRssMb: number | undefined;
    const RECORD = Buffer.from('{"type":"RECORD"');
    let carry = Buffer.alloc(0);
    child.stdout!.on('data', (data: Buffer) => {
      // Count records without parsing them (the bench must not be the bottleneck); a marker may
      // straddle two chunks, hence the carried tail, shorter than the marker so never counted twice.
      const chunk = Buffer.concat([carry, data]);
      let at = chunk.indexOf(RECORD);
      while (at !== -1) {
        records++;
        at = chunk.indexOf(RECORD, at + RECORD.length);
      }
      carry = chunk.subarray(Math.max(0, chunk.length - (RECORD.length - 1)));
      tail = (tail + chunk.toString('latin1', Math.max(0, chunk.length - 4096))).slice(-8192);
      const m = /peak memory (\d+) MB/.exec(tail);
      if (m) peakRssMb = Number(m[1]);
    });
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ records, seconds: Number(process.hrtime.bigint() - started) / 1e9, peakRssMb, exitCode }));
  });
}

function runBaseline(sandbox: SandboxProcess, typeIds: number[]): Promise<ConnectorRun> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'scripts', 'bench-baseline.js'), sandbox.url, sandbox.clientId, sandbox.clientSecret, '2020-01-01T00:00:00Z', typeIds.join(',')], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ records: JSON.parse(out).records, seconds: Number(process.hrtime.bigint() - started) / 1e9, exitCode }));
  });
}

async function activityTypeIds(sandbox: SandboxProcess): Promise<number[]> {
  const token = (await (await fetch(`${sandbox.url}/identity/oauth/token?grant_type=client_credentials&client_id=${sandbox.clientId}&client_secret=${sandbox.clientSecret}`)).json()) as { access_token: string };
  const types = (await (await fetch(`${sandbox.url}/rest/v1/activities/types.json`, { headers: { Authorization: `Bearer ${token.access_token}` } })).json()) as { result: Array<{ id: number }> };
  return types.result.map((t) => t.id).sort((a, b) => a - b);
}

/** The least time Marketo's limits allow for `calls` calls: bursts of 100 per 20 s window, 10 at a time, each taking the latency. */
function minimumSeconds(calls: number): number {
  const fullWindows = Math.floor((calls - 1) / RATE_CALLS);
  const inLastWindow = calls - fullWindows * RATE_CALLS;
  return fullWindows * RATE_WINDOW_S + Math.ceil(inLastWindow / CONCURRENCY) * (LATENCY_MS / 1000);
}

const round = (x: number, digits = 2) => Number(x.toFixed(digits));

async function underLimits(): Promise<Record<string, unknown>> {
  // Activities ending about now, as on a live subscription (the generator writes ~1.2 a second on average).
  const sandbox = await startSandboxProcess(['--activities', String(LIMITED_ACTIVITIES), '--start-date', new Date(Date.now() - (LIMITED_ACTIVITIES / 1.2) * 1000).toISOString().replace(/\.\d+Z$/, 'Z'), '--rate-limit', `${RATE_CALLS}/${RATE_WINDOW_S * 1000}`, '--concurrency', String(CONCURRENCY), '--latency', String(LATENCY_MS), '--daily-quota', 'none']);
  try {
    const run = await runSource(sandbox, ['activities'], {});
    const counters = await sandbox.counters();
    const steadyCeiling = Math.min(RATE_CALLS / RATE_WINDOW_S, CONCURRENCY / (LATENCY_MS / 1000)) * PAGE;
    const leastCalls = Math.ceil(run.records / PAGE);
    return {
      scenario: 'source activities, under limits',
      records: run.records,
      seconds: round(run.seconds, 1),
      records_per_s: round(run.records / run.seconds, 0),
      steady_ceiling_records_per_s: steadyCeiling,
      share_of_limit_bound_time: round(minimumSeconds(leastCalls) / run.seconds, 3),
      api_calls: counters.total,
      calls_per_1000_records: round((counters.total / run.records) * 1000, 3),
      errors_606: counters.errorsByCode['606'] ?? 0,
      errors_615: counters.errorsByCode['615'] ?? 0,
      max_calls_in_20s: counters.maxCallsInAnyWindow.calls,
      max_concurrent: counters.maxConcurrentSeen,
      exit_code: run.exitCode,
    };
  } finally {
    await sandbox.stop();
  }
}

/** The connector's own throttle is opened up (test knob) so only our code and the sandbox count. */
const UNTHROTTLE_ENV = { MARKETO_RATE_WINDOW_MS: '1' };
const NO_LIMITS = ['--rate-limit', 'none', '--concurrency', 'none', '--daily-quota', 'none', '--latency', '0'];

async function unthrottled(): Promise<Record<string, unknown>> {
  const sandbox = await startSandboxProcess(['--activities', String(UNTHROTTLED_ACTIVITIES), ...NO_LIMITS]);
  try {
    const types = await activityTypeIds(sandbox);
    const baseline = await runBaseline(sandbox, types);
    const source = await runSource(sandbox, ['activities'], {}, UNTHROTTLE_ENV);
    return {
      scenario: 'source activities, unthrottled',
      records: source.records,
      baseline_records: baseline.records,
      source_records_per_s: round(source.records / source.seconds, 0),
      baseline_records_per_s: round(baseline.records / baseline.seconds, 0),
      ratio_to_baseline: round(source.records / source.seconds / (baseline.records / baseline.seconds), 3),
      source_seconds: round(source.seconds, 2),
      baseline_seconds: round(baseline.seconds, 2),
    };
  } finally {
    await sandbox.stop();
  }
}

async function memory(): Promise<Record<string, unknown>> {
  const peaks: Record<string, number | undefined> = {};
  const rates: Record<string, number> = {};
  for (const size of MEMORY_SIZES) {
    const sandbox = await startSandboxProcess(['--activities', String(size), ...NO_LIMITS]);
    try {
      const run = await runSource(sandbox, ['activities'], {}, UNTHROTTLE_ENV);
      peaks[size] = run.peakRssMb;
      rates[size] = round(run.records / run.seconds, 0);
    } finally {
      await sandbox.stop();
    }
  }
  const [small, large] = MEMORY_SIZES;
  return {
    scenario: 'source peak memory',
    [`peak_rss_mb_at_${small}`]: peaks[small],
    [`peak_rss_mb_at_${large}`]: peaks[large],
    growth: peaks[small] && peaks[large] ? round(peaks[large]! / peaks[small]! - 1, 3) : undefined,
    [`records_per_s_at_${large}`]: rates[large],
  };
}

async function main(): Promise<void> {
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
  // BENCH_ONLY=limits,unthrottled,memory picks scenarios (all by default).
  const only = (process.env.BENCH_ONLY ?? 'limits,unthrottled,memory').split(',');
  const scenarios: Array<[string, () => Promise<Record<string, unknown>>]> = [['limits', underLimits], ['unthrottled', unthrottled], ['memory', memory]];
  const results: Array<Record<string, unknown>> = [];
  for (const [name, scenario] of scenarios) if (only.includes(name)) results.push(await scenario());
  console.log(`\nBench on ${machine}, latency ${LATENCY_MS} ms per call under limits\n`);
  for (const r of results) {
    console.log(`${r.scenario}`);
    for (const [k, v] of Object.entries(r)) if (k !== 'scenario') console.log(`  ${k.padEnd(34)} ${v}`);
  }
  console.log('\nJSON:');
  console.log(JSON.stringify({ machine, latency_ms: LATENCY_MS, results }, null, 2));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
