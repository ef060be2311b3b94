import { expect } from 'chai';
import { Sandbox, SandboxOptions, startSandbox } from '../../sandbox';
import { assertProtocol, runConnector, RunOptions, RunResult, stateFileFromMessages, writeJsonTemp } from '../harness/run-connector';
import { configuredCatalogFromDiscovered } from '../harness/configured-catalog';
import { checkRecords } from '../harness/acceptance';

export const SOURCE = 'bin/source-marketo';
export const DESTINATION = 'bin/destination-marketo';
export const START_DATE = '2026-01-01T00:00:00Z';

/** Short backoff and progress interval: the behaviour is the same, the test just waits less. */
export const FAST_ENV: Record<string, string> = { MARKETO_RETRY_BASE_MS: '20', MARKETO_RETRY_MAX_MS: '200' };

/** An ISO second `seconds` ago. */
export function recent(seconds: number): string {
  return new Date(Math.floor(Date.now() / 1000 - seconds) * 1000).toISOString().replace('.000Z', 'Z');
}

export function sourceConfig(sandbox: Sandbox, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    domain_url: sandbox.url,
    client_id: sandbox.clientId,
    client_secret: sandbox.clientSecret,
    start_date: START_DATE,
    max_calls_per_20s: 100,
    max_concurrent_calls: 10,
    ...extra,
  };
}

/**
 * A sandbox for each test of a describe, started before it (its options made then, so that dates
 * like `recent(3600)` are the test's) with the source's discovered catalog, and closed after it.
 */
export function sandboxPerTest(options: () => SandboxOptions): { sandbox: Sandbox; discovered: any } {
  // Both are set by beforeEach, before any test reads them.
  const env = {} as { sandbox: Sandbox; discovered: any };
  beforeEach(async () => {
    env.sandbox = await startSandbox(options());
    env.discovered = await discover(sourceConfig(env.sandbox));
  });
  afterEach(() => env.sandbox.close());
  return env;
}

/**
 * A sandbox whose clock runs `lag.ms` behind ours, so that what a test writes is older than the
 * overlap a sweep keeps before its start (`startLagMs` when it starts); a test moves the sandbox's
 * time on by shortening the lag.
 */
export function laggingSandbox(lag: { ms: number }, startLagMs: number, options: SandboxOptions): Promise<Sandbox> {
  lag.ms = startLagMs;
  return startSandbox({ ...options, now: () => Date.now() - lag.ms });
}

/** Runs a connector command and checks that every stdout line is a valid AirbyteMessage. */
export async function run(executable: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const result = await runConnector(executable, args, { ...opts, env: { ...FAST_ENV, ...opts.env } });
  assertProtocol(result);
  return result;
}

export async function discover(config: Record<string, unknown>): Promise<any> {
  const result = await run(SOURCE, ['discover', '--config', writeJsonTemp(config)]);
  expect(result.exitCode, result.stderr).to.equal(0);
  const catalogs = result.messages.filter((m) => m.type === 'CATALOG');
  expect(catalogs).to.have.length(1);
  return catalogs[0].catalog;
}

export function catalogFor(discovered: any, streams: string[], syncMode: 'full_refresh' | 'incremental' = 'incremental'): any {
  return configuredCatalogFromDiscovered(discovered, { streams, syncMode });
}

export async function read(config: Record<string, unknown>, catalog: any, state?: unknown, opts: RunOptions = {}): Promise<RunResult> {
  const args = ['read', '--config', writeJsonTemp(config), '--catalog', writeJsonTemp(catalog)];
  if (state !== undefined) args.push('--state', writeJsonTemp(state));
  return run(SOURCE, args, opts);
}

/** The state Airbyte would hand the next sync: the last STATE of each stream. */
export function nextState(result: RunResult): unknown[] {
  return stateFileFromMessages(result.messages.filter((m) => m.type === 'STATE'));
}

export function guids(result: RunResult, stream: string): string[] {
  return result.records(stream).map((r: any) => r.data.marketoGUID);
}

/** The ids of a stream's records (those `keep` keeps), in ascending order. */
export function recordIds(result: RunResult, stream: string, keep: (data: any) => boolean = () => true): number[] {
  return ascending(
    result
      .records(stream)
      .map((r: any) => r.data)
      .filter(keep)
      .map((data: any) => data.id),
  );
}

export function ascending(values: number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

/** Asserts no duplicates and returns the sorted values. */
export function uniqueSorted(values: string[]): string[] {
  const sorted = [...values].sort();
  const dupes = sorted.filter((v, i) => i > 0 && sorted[i - 1] === v);
  expect(dupes, 'duplicated records').to.deep.equal([]);
  return sorted;
}

/**
 * Records that a killed sync had committed: those before its last STATE of the stream. Airbyte
 * keeps exactly these; whatever came after the last STATE is redone by the next sync.
 */
export function committedRecords(result: RunResult, stream: string): any[] {
  const committed: any[] = [];
  let pending: any[] = [];
  for (const message of result.messages) {
    if (message.type === 'RECORD' && message.record.stream === stream) pending.push(message.record);
    if (message.type === 'STATE' && message.state.stream?.stream_descriptor?.name === stream) {
      committed.push(...pending);
      pending = [];
    }
  }
  return committed;
}

/** A read in which Marketo answers 603 "Access denied" to every call on `path` (a permission the API user lacks). */
export async function readDenied(sandbox: Sandbox, catalog: any, path: RegExp, config = sourceConfig(sandbox)): Promise<RunResult> {
  sandbox.faults.inject({ kind: 'error', code: '603', message: 'Access denied', times: 1000, path });
  try {
    return await read(config, catalog);
  } finally {
    sandbox.faults.clear();
  }
}

/** Each ERROR trace of a run as [failure_type, stream name, message]. */
export function errorTraces(result: RunResult): Array<[string, string | undefined, string]> {
  return result.traces('ERROR').map((e: any) => [e.error.failure_type, e.error.stream_descriptor?.name, e.error.message]);
}

/** A full read of one stream, the sandbox's call counters reset before it: its result, every record checked against the catalog, and that catalog. */
export async function fullReadOf(sandbox: Sandbox, discovered: any, stream: string): Promise<{ full: RunResult; catalog: any }> {
  const catalog = catalogFor(discovered, [stream]);
  sandbox.counters.reset();
  const full = await read(sourceConfig(sandbox), catalog);
  expect(checkRecords(full.messages, catalog)).to.deep.equal([]);
  return { full, catalog };
}
