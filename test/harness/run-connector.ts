import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Writable } from 'stream';
import { AssertionError } from 'chai';
import { abbreviate } from './ajv-setup';
import { validateAirbyteMessage } from './protocol-schema';
import { findRepoRoot } from './repo-root';
import { textOf } from '../../protocol/text';

export { writeJsonTemp } from './temp-files';
export { stateFileFromMessages } from './state-file';

// Messages are typed `any`: they are whatever the connector printed, tests read them freely, and
// assertProtocol is what vouches for their shape.

export interface RunOptions {
  /** Written to the connector's stdin, then stdin is closed. Without it stdin is closed at once. */
  stdin?: string | AsyncIterable<string>;
  /** Added to (and overriding) the test process's environment. */
  env?: Record<string, string>;
  /** The run rejects when the connector has not exited by then. Default 55 s, under mocha's 60 s,
   * so the harness's message (with stderr) is the one a developer sees. */
  timeoutMs?: number;
  /** Called for each newly parsed message; when it returns true the connector gets SIGKILL and
   * nothing it prints afterwards is recorded, as if the platform had lost the container there. */
  killAfter?: (msg: any, messages: any[]) => boolean;
}

export interface RunResult {
  exitCode: number | null;
  signal: string | null;
  /** True when `killAfter` fired. */
  killed: boolean;
  /** Every stdout line, JSON or not, in order (line N of assertProtocol is stdoutLines[N-1]). */
  stdoutLines: string[];
  /** The stdout lines that parsed as JSON objects. */
  messages: any[];
  stderr: string;
  /** `record` payloads, optionally of one stream. */
  records(stream?: string): any[];
  /** `state` payloads, optionally of one stream (by stream_descriptor.name). */
  states(stream?: string): any[];
  /** `trace` payloads, optionally of one trace type (ERROR, STREAM_STATUS…). */
  traces(type?: string): any[];
  /** `log` payloads. */
  logs(): any[];
  /** The messages of the `log` payloads, optionally of one level (WARN, INFO…). */
  logMessages(level?: string): string[];
}

const DEFAULT_TIMEOUT_MS = 55_000;

/** Runs a connector command the way the platform does and collects its stdout messages. */
export function runConnector(executable: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const [command, commandArgs] = commandFor(executable, args);
  const child = spawn(command, commandArgs, {
    env: { ...process.env, ...opts.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });

  const stdoutLines: string[] = [];
  const messages: any[] = [];
  let stderr = '';
  let killed = false;
  let timedOut = false;
  let stdinError: unknown;

  const acceptLine = (line: string): void => {
    stdoutLines.push(line);
    const msg = parseObject(line);
    if (msg === undefined) return;
    messages.push(msg);
    if (opts.killAfter?.(msg, messages)) {
      killed = true;
      child.kill('SIGKILL');
    }
  };

  let partial = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      if (killed) return;
      acceptLine(line);
    }
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => (stderr += chunk));

  feedStdin(child.stdin, opts.stdin).catch((err: unknown) => {
    stdinError = err;
    child.kill('SIGKILL');
  });

  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);

  const label = [path.basename(executable), ...args].join(' ');
  return new Promise<RunResult>((resolve, reject) => {
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`could not start ${label} (${command}): ${err.message}`));
    });
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      // A last line without a trailing newline still counts, unless we had already killed it.
      if (!killed && partial !== '') acceptLine(partial);
      if (timedOut) {
        reject(new Error(`${label} did not finish within ${timeoutMs} ms (${messages.length} messages so far); stderr:\n${tail(stderr)}`));
      } else if (stdinError !== undefined) {
        reject(new Error(`feeding stdin to ${label} failed: ${textOf(stdinError)}`));
      } else {
        resolve(makeResult({ exitCode, signal, killed, stdoutLines, messages, stderr }));
      }
    });
  });
}

/**
 * Connectors in bin/ are `#!/usr/bin/env node` scripts. Running them with this process's own
 * Node binary makes the tests independent of the exec bit and of which `node` is on PATH.
 * Relative paths are taken from the repository root, so tests work from any cwd.
 */
function commandFor(executable: string, args: string[]): [string, string[]] {
  const file = path.resolve(findRepoRoot(), executable);
  if (!fs.existsSync(file)) return [executable, args];
  return /^#!.*\bnode\b/.test(firstLine(file)) ? [process.execPath, [file, ...args]] : [file, args];
}

function firstLine(file: string): string {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(256);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n).toString('utf8').split('\n')[0];
  } finally {
    fs.closeSync(fd);
  }
}

async function feedStdin(sink: Writable, input: RunOptions['stdin']): Promise<void> {
  // EPIPE is expected when a connector exits (or is killed) before reading all its input.
  sink.on('error', () => undefined);
  if (input === undefined || typeof input === 'string') {
    sink.end(input ?? '');
    return;
  }
  for await (const chunk of input) {
    if (sink.destroyed || sink.writableEnded) return;
    if (!sink.write(chunk)) await drainedOrClosed(sink);
  }
  if (!sink.destroyed) sink.end();
}

function drainedOrClosed(sink: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      sink.off('drain', done);
      sink.off('close', done);
      resolve();
    };
    sink.on('drain', done);
    sink.on('close', done);
  });
}

function parseObject(line: string): any {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function tail(text: string, lines = 30): string {
  return text.split('\n').slice(-lines).join('\n');
}

type ResultData = Pick<RunResult, 'exitCode' | 'signal' | 'killed' | 'stdoutLines' | 'messages' | 'stderr'>;

function makeResult(data: ResultData): RunResult {
  const payloads = (type: string, field: string): any[] => data.messages.filter((m) => m.type === type && m[field] != null).map((m) => m[field]);
  return {
    ...data,
    records: (stream) => payloads('RECORD', 'record').filter((r) => stream === undefined || r.stream === stream),
    states: (stream) => payloads('STATE', 'state').filter((s) => stream === undefined || s.stream?.stream_descriptor?.name === stream),
    traces: (type) => payloads('TRACE', 'trace').filter((t) => type === undefined || t.type === type),
    logs: () => payloads('LOG', 'log'),
    logMessages: (level) =>
      payloads('LOG', 'log')
        .filter((l) => level === undefined || l.level === level)
        .map((l) => l.message),
  };
}

/** One readable line per stdout line that is not a valid AirbyteMessage (empty = all valid). */
export function protocolViolations(stdoutLines: readonly string[]): string[] {
  const problems: string[] = [];
  stdoutLines.forEach((line, i) => {
    const where = `line ${i + 1}`;
    let msg: unknown;
    try {
      msg = JSON.parse(line);
    } catch (err) {
      problems.push(`${where}: not JSON (${(err as Error).message}): ${abbreviate(JSON.stringify(line))}`);
      return;
    }
    const errors = validateAirbyteMessage(msg);
    if (errors.length > 0) {
      const type = (msg as { type?: unknown } | null)?.type;
      problems.push(`${where}${typeof type === 'string' ? ` (${type})` : ''}: ${errors.join('; ')}`);
    }
  });
  return problems;
}

const MAX_LISTED = 20;

/**
 * Throws an AssertionError (so mocha reports it as a failed expectation) naming each stdout line
 * that is not JSON or not a valid AirbyteMessage. The contract allows nothing else on stdout.
 */
export function assertProtocol(result: Pick<RunResult, 'stdoutLines'>): void {
  const problems = protocolViolations(result.stdoutLines);
  if (problems.length === 0) return;
  const listed = problems.slice(0, MAX_LISTED).map((p) => `  ${p}`);
  if (problems.length > MAX_LISTED) listed.push(`  … and ${problems.length - MAX_LISTED} more`);
  throw new AssertionError(
    `connector stdout must be Airbyte protocol messages only; ${problems.length} of ${result.stdoutLines.length} lines are not:\n${listed.join('\n')}`,
  );
}
