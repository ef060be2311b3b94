import { expect } from 'chai';
import { Sandbox } from '../../sandbox';
import { assertProtocol, runConnector, RunOptions, RunResult, stateFileFromMessages, writeJsonTemp } from '../harness/run-connector';
import { configuredCatalogFromDiscovered } from '../harness/configured-catalog';

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
