import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startSandbox } from '../sandbox';
import { ACTIVITIES_SCANNED_PER_CALL } from '../sandbox/marketo-facts';
import { messagesOf, ROOT, runConnectorProcess, runNode, writeTemp } from './run-process';
import {
  DELETE_LEAD_TYPE_ID,
  MAX_BATCH_SIZE,
  RATE_LIMIT_WINDOW_MS,
  SUBSCRIPTION_MAX_CALLS_PER_20S,
  SUBSCRIPTION_MAX_CONCURRENT_CALLS,
} from '../marketo/constants';
import { startSandboxProcess, SandboxProcess } from './sandbox-process';
import { textOf } from '../protocol/text';
import { ceilingTable } from './bench-table';
import { leadsDaily } from './bench-leads-daily';
import { byEndpointFamily } from './endpoint-families';
import { sweepOrphanTempFolders } from '../sandbox/temp-folders';

/**
 * `npm run bench`: throughput, API calls per 1,000 records and peak memory of the source, and
 * throughput and API calls of the destination upserting leads, under Marketo's limits and
 * unthrottled against bare-fetch baselines measured in the same run. Figures, not tests.
 * Sizes can be changed with BENCH_LIMITED, BENCH_UNTHROTTLED, BENCH_LATENCY_MS (source),
 * BENCH_WRITE_LIMITED, BENCH_WRITE_UNTHROTTLED, BENCH_WRITE_STATE_EVERY (destination).
 */

const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 250);
const LIMITED_ACTIVITIES = Number(process.env.BENCH_LIMITED ?? 150_000);
const UNTHROTTLED_ACTIVITIES = Number(process.env.BENCH_UNTHROTTLED ?? 200_000);
const MEMORY_SIZES = [10_000, Number(process.env.BENCH_MEMORY_LARGE ?? 1_000_000)];
const WRITE_LIMITED_ROWS = Number(process.env.BENCH_WRITE_LIMITED ?? 60_000);
const WRITE_UNTHROTTLED_ROWS = Number(process.env.BENCH_WRITE_UNTHROTTLED ?? 60_000);
/** How often the destination's input carries a STATE: Airbyte's JDBC sources checkpoint every 10,000 records. */
const WRITE_STATE_EVERY = Number(process.env.BENCH_WRITE_STATE_EVERY ?? 10_000);
const BACKFILL_ACTIVITIES = Number(process.env.BENCH_BACKFILL_ACTIVITIES ?? 1_000_000);
const BACKFILL_LEADS = Number(process.env.BENCH_BACKFILL_LEADS ?? 100_000);
/** The extraction methods the backfill scenario compares (BENCH_BACKFILL_METHODS=auto runs one). */
const BACKFILL_METHODS = (process.env.BENCH_BACKFILL_METHODS ?? 'rest,bulk,auto').split(',');
// The bench runs under the whole subscription's limits (the sandbox's defaults), not the half an integration should keep to.
const RATE_CALLS = SUBSCRIPTION_MAX_CALLS_PER_20S;
const RATE_WINDOW_S = RATE_LIMIT_WINDOW_MS / 1000;
const CONCURRENCY = SUBSCRIPTION_MAX_CONCURRENT_CALLS;
const PAGE = MAX_BATCH_SIZE;
/** Sandbox flags of the scenarios under limits: Marketo's rate and concurrency limits, the bench's latency, no daily quota. */
const UNDER_LIMITS = [
  '--rate-limit',
  `${RATE_CALLS}/${RATE_WINDOW_S * 1000}`,
  '--concurrency',
  String(CONCURRENCY),
  '--latency',
  String(LATENCY_MS),
  '--daily-quota',
  'none',
];

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
async function runSource(
  sandbox: SandboxProcess,
  streams: string[],
  extraConfig: Record<string, unknown>,
  env: Record<string, string> = {},
): Promise<ConnectorRun> {
  const config = writeTemp('config.json', {
    domain_url: sandbox.url,
    client_id: sandbox.clientId,
    client_secret: sandbox.clientSecret,
    start_date: '2020-01-01T00:00:00Z',
    max_calls_per_20s: RATE_CALLS,
    max_concurrent_calls: CONCURRENCY,
    // The throughput scenarios measure the REST path; the backfill scenario picks its method.
    extraction_method: 'rest',
    ...extraConfig,
  });
  const catalog = writeTemp('catalog.json', {
    streams: streams.map((name) => ({
      stream: { name, json_schema: {}, supported_sync_modes: ['full_refresh', 'incremental'] },
      sync_mode: 'incremental',
      destination_sync_mode: 'append',
    })),
  });
  let records = 0;
  let tail = '';
  let peakRssMb: number | undefined;
  const RECORD = Buffer.from('{"type":"RECORD"');
  let carry = Buffer.alloc(0);
  const count = (data: Buffer): void => {
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
  };
  const run = await runNode(path.join('bin', 'source-marketo'), ['read', '--config', config, '--catalog', catalog], {
    env: { NODE_OPTIONS: imageNodeOptions(), ...env },
    onStdout: count,
    stderr: 'inherit',
  });
  return { records, seconds: run.seconds, peakRssMb, exitCode: run.exitCode };
}

async function runBaseline(sandbox: SandboxProcess, typeIds: number[]): Promise<ConnectorRun> {
  const args = [sandbox.url, sandbox.clientId, sandbox.clientSecret, '2020-01-01T00:00:00Z', typeIds.join(',')];
  const run = await runNode(path.join('dist', 'scripts', 'bench-baseline.js'), args, { stderr: 'inherit' });
  return { records: JSON.parse(run.stdout).records, seconds: run.seconds, exitCode: run.exitCode };
}

async function activityTypeIds(sandbox: SandboxProcess): Promise<number[]> {
  const token = (await (
    await fetch(`${sandbox.url}/identity/oauth/token?grant_type=client_credentials&client_id=${sandbox.clientId}&client_secret=${sandbox.clientSecret}`)
  ).json()) as { access_token: string };
  const types = (await (
    await fetch(`${sandbox.url}/rest/v1/activities/types.json`, { headers: { Authorization: `Bearer ${token.access_token}` } })
  ).json()) as { result: Array<{ id: number }> };
  return types.result.map((t) => t.id).sort((a, b) => a - b);
}

/** The least time Marketo's limits allow for `calls` calls: bursts of 100 per 20 s window, 10 at a time, each taking the latency. */
function minimumSeconds(calls: number): number {
  const fullWindows = Math.floor((calls - 1) / RATE_CALLS);
  const inLastWindow = calls - fullWindows * RATE_CALLS;
  return fullWindows * RATE_WINDOW_S + Math.ceil(inLastWindow / CONCURRENCY) * (LATENCY_MS / 1000);
}

const round = (x: number, digits = 2) => Number(x.toFixed(digits));

/** Records per second Marketo's limits allow in the long run, at 300 records a call. */
const STEADY_CEILING = Math.min(RATE_CALLS / RATE_WINDOW_S, CONCURRENCY / (LATENCY_MS / 1000)) * PAGE;

/** How a run under limits used Marketo's API, from the sandbox's counters. */
function limitFigures(records: number, counters: Awaited<ReturnType<SandboxProcess['counters']>>): Record<string, unknown> {
  return {
    api_calls: counters.total,
    calls_per_1000_records: round((counters.total / records) * 1000, 3),
    errors_606: counters.errorsByCode['606'] ?? 0,
    errors_615: counters.errorsByCode['615'] ?? 0,
    max_calls_in_20s: counters.maxCallsInAnyWindow.calls,
    max_concurrent: counters.maxConcurrentSeen,
  };
}

/**
 * The fewest calls Marketo's API allows for a first sync of `activities` over the same history:
 * Get Activity Types, one paging token, and for each group of ten types the calls of one walk. A
 * call returns at most 300 activities and examines at most one block of the store (the sandbox's
 * ACTIVITIES_SCANNED_PER_CALL, as Marketo answers walks over rare types), so the walk is simulated
 * over the same data, generated again in this process from the same seed and start date.
 */
async function apiMinimumCalls(activityCount: number, startDate: string, adds: ActivityAdd[] = []): Promise<number> {
  const twin = await startSandbox({ activityCount, startDate });
  try {
    for (const add of adds) twin.addActivities(add.n, { at: add.at, typeIds: add.typeIds });
    const typeIds = twin
      .activityTypes()
      .map((t) => t.id)
      .sort((a, b) => a - b);
    const rows = [...twin.activities()].filter((a) => a.activityDate >= '2020-01-01T00:00:00Z').map((a) => a.activityTypeId);
    let calls = 2;
    for (let i = 0; i < typeIds.length; i += 10) {
      const group = new Set(typeIds.slice(i, i + 10));
      let at = 0;
      do {
        let matched = 0;
        let end = Math.min(rows.length, at + ACTIVITIES_SCANNED_PER_CALL);
        for (let j = at; j < end; j++) {
          if (group.has(rows[j]) && ++matched === PAGE) {
            end = j + 1;
            break;
          }
        }
        at = end;
        calls++;
      } while (at < rows.length);
    }
    return calls;
  } finally {
    await twin.close();
  }
}

interface ActivityAdd {
  n: number;
  at: string;
  typeIds: number[];
}

const isoSecond = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

/** Calls another integration of the subscription makes just before the `busy-window` sync starts. */
const OTHER_INTEGRATION_CALLS = 60;

/**
 * Histories of other shapes, under the same limits (BENCH_SHAPE_SCALE scales them):
 * - `shapes`: one group of types dense (web visits and email opens, 100,000 over a day), the other
 *   sparse (4,000 interesting moments and progression changes in small bursts over the same day):
 *   the sparse walks end early and must not leave the dense ones alone;
 * - `bursts`: most of the day's activities (3 × 30,000 of every type) in three bursts of about 25
 *   minutes, over 14,400 spread through the day: windows cut in equal spans of time are unequal in pages;
 * - `busy-window`: 100,000 activities of every type, and another integration that made 60 calls in
 *   the seconds before the sync started, inside the subscription's 100-call window: the sync must
 *   not call into 606s. Its share of the ceiling counts those 60 calls against it.
 * The ceiling of a shape is the API's minimum calls for it at 5 calls a second (a sparse type's
 * pages cannot all hold 300 records, so records/s alone would understate it).
 */
async function shapeUnderLimits(name: string, from: number, adds: ActivityAdd[], generated = 0): Promise<Record<string, unknown>> {
  const startDate = isoSecond(from - 3600_000);
  const sandbox = await startSandboxProcess(['--activities', String(generated), '--start-date', generated > 0 ? isoSecond(from) : startDate, ...UNDER_LIMITS]);
  try {
    for (const add of adds)
      await fetch(`${sandbox.url}/__sandbox/activities`, { method: 'POST', body: JSON.stringify(add), headers: { 'Content-Type': 'application/json' } });
    const others = name === 'busy-window' ? OTHER_INTEGRATION_CALLS : 0;
    if (others > 0) await otherIntegrationCalls(sandbox, others);
    await fetch(`${sandbox.url}/__sandbox/reset-counters`, { method: 'POST' });
    const run = await runSource(sandbox, ['activities'], {});
    const counters = await sandbox.counters();
    const minimum = await apiMinimumCalls(generated, generated > 0 ? isoSecond(from) : startDate, adds);
    return {
      scenario: `source activities, ${name} history, under limits`,
      records: run.records,
      seconds: round(run.seconds, 1),
      records_per_s: round(run.records / run.seconds, 0),
      // Pages of sparse types cannot all be full: the ceiling is the API's minimum calls (and the
      // other integration's) at the 5 calls a second the rate limit allows.
      share_of_ceiling: round((minimum + others) / (RATE_CALLS / RATE_WINDOW_S) / run.seconds, 3),
      share_of_records_ceiling: round(run.records / run.seconds / STEADY_CEILING, 3),
      ...(others > 0 ? { other_integration_calls: others } : {}),
      share_of_limit_bound_time: round(minimumSeconds(minimum + others) / run.seconds, 3),
      ...limitFigures(run.records, counters),
      api_minimum_calls: minimum,
      calls_vs_api_minimum: round(counters.total / minimum, 3),
      exit_code: run.exitCode,
    };
  } finally {
    await sandbox.stop();
  }
}

/** `n` calls of another API user, 10 at a time, as a CRM sync or webinar tool would make them. */
async function otherIntegrationCalls(sandbox: SandboxProcess, n: number): Promise<void> {
  const token = (await (
    await fetch(`${sandbox.url}/identity/oauth/token?grant_type=client_credentials&client_id=${sandbox.clientId}&client_secret=${sandbox.clientSecret}`)
  ).json()) as { access_token: string };
  for (let i = 0; i < n; i += CONCURRENCY) {
    await Promise.all(
      Array.from({ length: Math.min(CONCURRENCY, n - i) }, () =>
        fetch(`${sandbox.url}/rest/v1/activities/types.json`, { headers: { Authorization: `Bearer ${token.access_token}` } }).then((r) => r.text()),
      ),
    );
  }
}

const SHAPE_SCALE = Number(process.env.BENCH_SHAPE_SCALE ?? 1);
const DAY_MS = 86_400_000;

function denseAndSparse(): Promise<Record<string, unknown>> {
  const from = Date.now() - DAY_MS;
  const adds: ActivityAdd[] = [{ n: Math.round(100_000 * SHAPE_SCALE), at: isoSecond(from), typeIds: [1, 10] }];
  for (let k = 0; k < 40 * SHAPE_SCALE; k++) adds.push({ n: 100, at: isoSecond(from + k * 35 * 60_000), typeIds: [46, 104] });
  return shapeUnderLimits('dense and sparse groups', from, adds);
}

function bursts(): Promise<Record<string, unknown>> {
  const from = Date.now() - DAY_MS;
  const adds: ActivityAdd[] = [];
  for (let k = 0; k < 72; k++) adds.push({ n: Math.round(200 * SHAPE_SCALE), at: isoSecond(from + k * 20 * 60_000), typeIds: [] });
  for (const hour of [3, 11, 19])
    for (let k = 0; k < 150; k++) adds.push({ n: Math.round(200 * SHAPE_SCALE), at: isoSecond(from + hour * 3600_000 + k * 8_000), typeIds: [] });
  return shapeUnderLimits('bursts', from, adds);
}

function busyWindow(): Promise<Record<string, unknown>> {
  const activities = Math.round(100_000 * SHAPE_SCALE);
  return shapeUnderLimits('busy-window', Date.now() - (activities / 1.2) * 1000, [], activities);
}

async function underLimits(): Promise<Record<string, unknown>> {
  // Activities ending about now, as on a live subscription (the generator writes ~1.2 a second on average).
  const startDate = new Date(Date.now() - (LIMITED_ACTIVITIES / 1.2) * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  const sandbox = await startSandboxProcess(['--activities', String(LIMITED_ACTIVITIES), '--start-date', startDate, ...UNDER_LIMITS]);
  try {
    const run = await runSource(sandbox, ['activities'], {});
    const counters = await sandbox.counters();
    const leastCalls = Math.ceil(run.records / PAGE);
    const minimum = await apiMinimumCalls(LIMITED_ACTIVITIES, startDate);
    return {
      scenario: 'source activities, under limits',
      records: run.records,
      seconds: round(run.seconds, 1),
      records_per_s: round(run.records / run.seconds, 0),
      steady_ceiling_records_per_s: STEADY_CEILING,
      share_of_ceiling: round(run.records / run.seconds / STEADY_CEILING, 3),
      share_of_limit_bound_time: round(minimumSeconds(leastCalls) / run.seconds, 3),
      ...limitFigures(run.records, counters),
      api_minimum_calls: minimum,
      api_minimum_calls_per_1000_records: round((minimum / run.records) * 1000, 3),
      calls_vs_api_minimum: round(counters.total / minimum, 3),
      exit_code: run.exitCode,
    };
  } finally {
    await sandbox.stop();
  }
}

/** The five streams a poll reads, with the sync mode each supports. */
const POLL_STREAMS: Array<[string, 'incremental' | 'full_refresh']> = [
  ['activities', 'incremental'],
  ['lead_changes', 'incremental'],
  ['deleted_leads', 'incremental'],
  ['leads', 'incremental'],
  ['activity_types', 'full_refresh'],
];

/**
 * A quiet five-minute poll: every stream synced once in full over a history that ended hours ago,
 * then again with the state, finding nothing new. Its calls, by endpoint, next to the API's
 * minimum: Get Activity Types, one page per group of ten activity types, one Get Lead Changes
 * page, one Get Deleted Leads page (plus the paging token and the Describe Lead `leads` needs).
 */
async function quietPoll(): Promise<Record<string, unknown>> {
  const startDate = new Date(Date.now() - 3 * 3600_000).toISOString().replace(/\.\d+Z$/, 'Z');
  const sandbox = await startSandboxProcess(['--activities', '1500', '--leads', '150', '--start-date', startDate, ...NO_LIMITS]);
  try {
    const config = writeTemp('config.json', {
      domain_url: sandbox.url,
      client_id: sandbox.clientId,
      client_secret: sandbox.clientSecret,
      start_date: '2020-01-01T00:00:00Z',
      expected_syncs_per_day: 288,
    });
    const catalog = writeTemp('catalog.json', {
      streams: POLL_STREAMS.map(([name, mode]) => ({
        stream: { name, json_schema: {}, supported_sync_modes: [mode] },
        sync_mode: mode,
        destination_sync_mode: 'append',
      })),
    });
    const first = await runConnectorProcess('source-marketo', ['read', '--config', config, '--catalog', catalog]);
    const lastStates = new Map<string, unknown>();
    for (const m of first.messages) if (m.type === 'STATE') lastStates.set(m.state.stream.stream_descriptor.name, m.state);
    const state = writeTemp('state.json', [...lastStates.values()]);
    await fetch(`${sandbox.url}/__sandbox/reset-counters`, { method: 'POST' });
    const poll = await runConnectorProcess('source-marketo', ['read', '--config', config, '--catalog', catalog, '--state', state]);
    const counters = (await (await fetch(`${sandbox.url}/__sandbox/counters`)).json()) as { total: number; byEndpoint: Record<string, number> };
    const types = await activityTypeIds(sandbox);
    const minimum = 1 + Math.ceil(types.length / 10) + 2;
    const summary = poll.messages.find((m) => m.type === 'LOG' && m.log.message.startsWith('Sync summary'))?.log.message;
    return {
      scenario: 'source quiet poll, all five streams',
      activity_types: types.length,
      quiet_poll_calls: counters.total,
      api_minimum_calls: minimum,
      plus_token_and_describe: minimum + 2,
      by_endpoint: JSON.stringify(counters.byEndpoint),
      records: poll.messages.filter((m) => m.type === 'RECORD').length,
      closing_log: summary,
      exit_codes: `${first.code}, ${poll.code}`,
    };
  } finally {
    await sandbox.stop();
  }
}

/** A connector's run against its bare-fetch baseline on the same sandbox; `name` prefixes the connector's own figures. */
function versusBaseline(name: string, run: { records: number; seconds: number }, baseline: { records: number; seconds: number }): Record<string, unknown> {
  const rate = (r: { records: number; seconds: number }) => r.records / r.seconds;
  return {
    records: run.records,
    baseline_records: baseline.records,
    [`${name}_records_per_s`]: round(rate(run), 0),
    baseline_records_per_s: round(rate(baseline), 0),
    ratio_to_baseline: round(rate(run) / rate(baseline), 3),
    [`${name}_seconds`]: round(run.seconds, 2),
    baseline_seconds: round(baseline.seconds, 2),
  };
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
    return { scenario: 'source activities, unthrottled', ...versusBaseline('source', source, baseline) };
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
    growth: peaks[small] && peaks[large] ? round(peaks[large] / peaks[small] - 1, 3) : undefined,
    [`records_per_s_at_${large}`]: rates[large],
  };
}

/**
 * A first sync of a long history (activities and leads) through `rest`, `bulk` and `auto`: calls,
 * wall time, export MB and peak memory side by side. Bulk jobs step every second here (Marketo:
 * about a minute) and are polled every half second, so wall times compare the paths' own work.
 */
async function backfill(): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = { scenario: `source backfill: ${BACKFILL_ACTIVITIES} activities, ${BACKFILL_LEADS} leads, first sync` };
  const calls: Record<string, number> = {};
  /** Calls of the Delete Lead walk (Get Lead Activities asking for type 37 alone): bulk files cannot hold Delete Lead. */
  const deleteLeadWalk: Record<string, number> = {};
  const peaks: Record<string, number | undefined> = {};
  const history = ['--activities', String(BACKFILL_ACTIVITIES), '--leads', String(BACKFILL_LEADS)];
  // A first sync reads a history that ends about now, as Marketo's does: the generated history's
  // span is measured once, and each run's history starts that long (and a minute) before it starts.
  const probeStart = '2026-01-05T00:00:00Z';
  const probe = await startSandboxProcess([...history, '--start-date', probeStart, ...NO_LIMITS]);
  const spanMs = Date.parse(probe.latestActivityAt!) - Date.parse(probeStart);
  await probe.stop();
  out.history_days = round(spanMs / 86_400_000, 2);
  for (const method of BACKFILL_METHODS) {
    const startDate = new Date(Date.now() - spanMs - 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const sandbox = await startSandboxProcess([...history, '--start-date', startDate, '--bulk-step-ms', '1000', ...NO_LIMITS]);
    try {
      const run = await runSource(sandbox, ['activities', 'leads'], { extraction_method: method }, { ...UNTHROTTLE_ENV, MARKETO_BULK_POLL_MS: '500' });
      const counters = await sandbox.counters();
      const bulk = (await (await fetch(`${sandbox.url}/__sandbox/bulk-exports`)).json()) as { jobs: unknown[]; exportedBytesToday: number };
      const bulkCalls = Object.entries(counters.byEndpoint)
        .filter(([k]) => k.includes('/bulk/'))
        .reduce((n, [, v]) => n + v, 0);
      calls[method] = counters.total;
      deleteLeadWalk[method] = counters.byActivityTypeIds[String(DELETE_LEAD_TYPE_ID)] ?? 0;
      peaks[method] = run.peakRssMb;
      out[`${method}_records`] = run.records;
      out[`${method}_api_calls`] = `${counters.total} (bulk ${bulkCalls}, ${bulk.jobs.length} jobs)`;
      out[`${method}_delete_lead_walk_calls`] = deleteLeadWalk[method];
      // Get Lead Activities by the types each walk asked for: which walk spent what.
      out[`${method}_get_lead_activities_by_types`] = Object.entries(counters.byActivityTypeIds)
        .sort((a, b) => b[1] - a[1])
        .map(([types, n]) => `[${types.length > 24 ? `${types.split(',').length} types` : types}] ${n}`)
        .join(', ');
      out[`${method}_api_calls_without_delete_lead_walk`] = counters.total - deleteLeadWalk[method];
      // Where the calls went, by endpoint family (bulk calls carry an export id in their path).
      out[`${method}_calls_by_endpoint`] = Object.entries(byEndpointFamily(counters.byEndpoint))
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => `${k} ${v}`)
        .join(', ');
      out[`${method}_seconds`] = round(run.seconds, 1);
      out[`${method}_export_mb`] = round(bulk.exportedBytesToday / 2 ** 20, 1);
      out[`${method}_peak_rss_mb`] = run.peakRssMb;
      out[`${method}_exit_code`] = run.exitCode;
    } finally {
      await sandbox.stop();
    }
  }
  // The honest headline is the whole figure; without the Delete Lead walk (which no path can
  // avoid while Delete Lead is selected) it shows the planner's own economy.
  out.auto_calls_share_of_rest = round(calls.auto / calls.rest, 4);
  out.auto_calls_share_of_rest_without_delete_lead_walk = round((calls.auto - deleteLeadWalk.auto) / (calls.rest - deleteLeadWalk.rest), 4);
  out.auto_peak_rss_vs_rest = peaks.auto && peaks.rest ? round(peaks.auto / peaks.rest - 1, 3) : undefined;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Destination: leads upserted by email
// ---------------------------------------------------------------------------------------------

/** A warehouse row of the bench: a new lead per row, with a few typed columns to convert. */
function benchLead(i: number, domain: string): Record<string, unknown> {
  return {
    email: `lead${i}@${domain}`,
    firstName: `First${i}`,
    lastName: `Last${i}`,
    title: i % 3 === 0 ? 'Engineer' : 'Manager',
    integer_field: i,
    boolean_field: i % 2 === 0,
  };
}

/** The destination's stdin: `rows` lead records with a STATE every `stateEvery` and after the last, in chunks of lines. */
function* writeInput(rows: number, domain: string, stateEvery: number): Generator<string> {
  const lines: string[] = [];
  for (let i = 0; i < rows; i++) {
    lines.push(JSON.stringify({ type: 'RECORD', record: { stream: 'leads', data: benchLead(i, domain), emitted_at: 1_767_225_600_000 } }));
    if ((i + 1) % stateEvery === 0 || i === rows - 1) {
      lines.push(JSON.stringify({ type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: 'leads' }, stream_state: { row: i + 1 } } } }));
    }
    if (lines.length >= 500) yield lines.splice(0).join('\n') + '\n';
  }
  if (lines.length > 0) yield lines.join('\n') + '\n';
}

interface WriteRun extends ConnectorRun {
  states: number;
  rejected: number;
  errors: string[];
}

/** Runs `write` with its stdin fed as fast as it reads (pipe backpressure), as the platform does. */
async function runDestination(sandbox: SandboxProcess, rows: number, domain: string, env: Record<string, string> = {}): Promise<WriteRun> {
  const config = writeTemp('config.json', {
    domain_url: sandbox.url,
    client_id: sandbox.clientId,
    client_secret: sandbox.clientSecret,
    max_calls_per_20s: RATE_CALLS,
    max_concurrent_calls: CONCURRENCY,
    // The upsert path alone, as in a first load of new rows, where reading current values first
    // (write_only_changes) would only add a call per batch: the docs say when that read pays.
    write_only_changes: false,
  });
  const catalog = writeTemp('catalog.json', {
    streams: [
      { stream: { name: 'leads', json_schema: {}, supported_sync_modes: ['incremental'] }, sync_mode: 'incremental', destination_sync_mode: 'append_dedup' },
    ],
  });
  const run = await runNode(path.join('bin', 'destination-marketo'), ['write', '--config', config, '--catalog', catalog], {
    env,
    stdin: writeInput(rows, domain, WRITE_STATE_EVERY),
    stderr: 'inherit',
  });
  const messages = messagesOf(run.stdout);
  const states = messages.filter((m) => m.type === 'STATE');
  return {
    records: states.reduce((n, m) => n + m.state.destinationStats.recordCount, 0),
    rejected: states.reduce((n, m) => n + m.state.destinationStats.rejectedRecordCount, 0),
    states: states.length,
    errors: messages.filter((m) => m.type === 'TRACE' && m.trace.type === 'ERROR').map((m) => m.trace.error.message),
    seconds: run.seconds,
    exitCode: run.exitCode,
  };
}

/** What the sandbox's write log says the Sync Leads calls did. */
async function syncLeadsTotals(sandbox: SandboxProcess): Promise<{ calls: number; records: number; created: number; skipped: number }> {
  const log = (await (await fetch(`${sandbox.url}/__sandbox/write-log`)).json()) as Array<{
    object: string;
    operation: string;
    records: number;
    created: number;
    skipped: number;
  }>;
  const syncs = log.filter((w) => w.object === 'leads' && w.operation === 'sync');
  const sum = (key: 'records' | 'created' | 'skipped') => syncs.reduce((n, w) => n + w[key], 0);
  return { calls: syncs.length, records: sum('records'), created: sum('created'), skipped: sum('skipped') };
}

async function destinationUnderLimits(): Promise<Record<string, unknown>> {
  const sandbox = await startSandboxProcess(['--activities', '100', '--leads', '10', ...UNDER_LIMITS]);
  try {
    const run = await runDestination(sandbox, WRITE_LIMITED_ROWS, 'limited.example.com');
    const counters = await sandbox.counters();
    const written = await syncLeadsTotals(sandbox);
    const recordsPerS = run.records / run.seconds;
    return {
      scenario: 'destination leads upsert, under limits',
      records: run.records,
      state_every_records: WRITE_STATE_EVERY,
      seconds: round(run.seconds, 1),
      records_per_s: round(recordsPerS, 0),
      steady_ceiling_records_per_s: STEADY_CEILING,
      share_of_ceiling: round(recordsPerS / STEADY_CEILING, 3),
      share_of_limit_bound_time: round(minimumSeconds(counters.total) / run.seconds, 3),
      ...limitFigures(run.records, counters),
      sync_leads_calls: written.calls,
      leads_created: written.created,
      rejected: run.rejected + written.skipped,
      states_echoed: run.states,
      exit_code: run.exitCode,
      ...(run.errors.length ? { errors: run.errors.join(' | ') } : {}),
    };
  } finally {
    await sandbox.stop();
  }
}

/** The write baseline: Sync Leads batches of 300 with nothing but fetch and JSON.stringify, one after the other. */
async function bareFetchWrites(sandbox: SandboxProcess, rows: number, domain: string): Promise<{ records: number; seconds: number }> {
  const started = process.hrtime.bigint();
  const token = (await (
    await fetch(`${sandbox.url}/identity/oauth/token?grant_type=client_credentials&client_id=${sandbox.clientId}&client_secret=${sandbox.clientSecret}`)
  ).json()) as { access_token: string };
  const headers = { Authorization: `Bearer ${token.access_token}`, 'Content-Type': 'application/json' };
  let records = 0;
  for (let from = 0; from < rows; from += PAGE) {
    const input = Array.from({ length: Math.min(PAGE, rows - from) }, (_, k) => benchLead(from + k, domain));
    const response = await fetch(`${sandbox.url}/rest/v1/leads.json`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ action: 'createOrUpdate', lookupField: 'email', input }),
    });
    const answer = JSON.parse(await response.text()) as { result?: Array<{ status: string }> };
    records += (answer.result ?? []).filter((r) => r.status !== 'skipped').length;
  }
  return { records, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

async function destinationUnthrottled(): Promise<Record<string, unknown>> {
  const sandbox = await startSandboxProcess(['--activities', '100', '--leads', '10', ...NO_LIMITS]);
  try {
    const baseline = await bareFetchWrites(sandbox, WRITE_UNTHROTTLED_ROWS, 'baseline.example.com');
    const destination = await runDestination(sandbox, WRITE_UNTHROTTLED_ROWS, 'destination.example.com', UNTHROTTLE_ENV);
    const written = await syncLeadsTotals(sandbox);
    return {
      scenario: 'destination leads upsert, unthrottled',
      ...versusBaseline('destination', destination, baseline),
      leads_created: written.created,
      exit_code: destination.exitCode,
      ...(destination.errors.length ? { errors: destination.errors.join(' | ') } : {}),
    };
  } finally {
    await sandbox.stop();
  }
}

async function main(): Promise<void> {
  sweepOrphanTempFolders(); // what earlier runs, killed before they could clean up, left in the temp folder
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
  // BENCH_ONLY=quiet-poll,limits,shapes,bursts,busy-window,unthrottled,memory,backfill,write-limits,write-unthrottled,leads-daily picks scenarios (all by default).
  const scenarios: Array<[string, () => Promise<Record<string, unknown>>]> = [
    ['quiet-poll', quietPoll],
    ['limits', underLimits],
    ['shapes', denseAndSparse],
    ['bursts', bursts],
    ['busy-window', busyWindow],
    ['unthrottled', unthrottled],
    ['memory', memory],
    ['backfill', backfill],
    ['write-limits', destinationUnderLimits],
    ['write-unthrottled', destinationUnthrottled],
    ['leads-daily', leadsDaily],
  ];
  const only = process.env.BENCH_ONLY?.split(',') ?? scenarios.map(([name]) => name);
  const results: Array<Record<string, unknown>> = [];
  for (const [name, scenario] of scenarios) if (only.includes(name)) results.push(await scenario());
  console.log(`\nBench on ${machine}, latency ${LATENCY_MS} ms per call under limits\n`);
  for (const r of results) {
    console.log(textOf(r.scenario));
    for (const [k, v] of Object.entries(r)) if (k !== 'scenario') console.log(`  ${k.padEnd(34)} ${textOf(v)}`);
  }
  console.log(`\n${ceilingTable(results, STEADY_CEILING).join('\n')}`);
  console.log('\nJSON:');
  console.log(JSON.stringify({ machine, latency_ms: LATENCY_MS, results }, null, 2));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
