import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeTempFolder } from '../sandbox/temp-folders';

export const ROOT = path.resolve(__dirname, '..', '..');

export interface ProcessResult {
  code: number | null;
  messages: any[];
  stderr: string;
}

export interface NodeRunOptions {
  env?: Record<string, string>;
  /** What the child reads on stdin, fed as fast as it reads (pipe backpressure); none: stdin is closed. */
  stdin?: string | Iterator<string>;
  /** Sees stdout as it comes; stdout is then not kept (a sync's millions of lines would not fit). */
  onStdout?: (chunk: Buffer) => void;
  /** 'inherit' shows the child's stderr on ours (long runs); 'pipe' keeps it in the result. Default 'pipe'. */
  stderr?: 'inherit' | 'pipe';
}

export interface NodeRunResult {
  exitCode: number | null;
  seconds: number;
  /** Stdout, unless `onStdout` took it. */
  stdout: string;
  stderr: string;
}

/**
 * Runs a Node script of this repository as a child process, without blocking this process (which
 * may be serving the sandbox at the same time): the one process wrapper of the scripts.
 */
export function runNode(script: string, args: string[], options: NodeRunOptions = {}): Promise<NodeRunResult> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [path.join(ROOT, script), ...args], {
      env: { ...process.env, ...options.env },
      stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', options.stderr ?? 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    if (options.onStdout) child.stdout!.on('data', options.onStdout);
    else child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ exitCode, seconds: Number(process.hrtime.bigint() - started) / 1e9, stdout, stderr }));
    const input = options.stdin;
    if (input === undefined) return;
    child.stdin!.on('error', () => undefined); // EPIPE if the child stops early: its output says why
    if (typeof input === 'string') {
      child.stdin!.end(input);
      return;
    }
    const feed = (): void => {
      for (let next = input.next(); !next.done; next = input.next()) {
        if (!child.stdin!.write(next.value)) {
          child.stdin!.once('drain', feed);
          return;
        }
      }
      child.stdin!.end();
    };
    feed();
  });
}

/** The AirbyteMessages of a connector's stdout, one a line. */
export function messagesOf(stdout: string): any[] {
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l));
}

/** Runs a connector the way Airbyte does (a child process, JSON lines on stdout). */
export async function runConnectorProcess(bin: string, args: string[], stdin?: string, env: Record<string, string> = {}): Promise<ProcessResult> {
  const result = await runNode(path.join('bin', bin), args, { stdin: stdin ?? '', env });
  return { code: result.exitCode, messages: messagesOf(result.stdout), stderr: result.stderr };
}

/** Writes `value` as JSON into a temp folder of its own (configs hold the sandbox secret), removed when the bench exits. */
export function writeTemp(name: string, value: unknown): string {
  const file = path.join(makeTempFolder('bench'), name);
  fs.writeFileSync(file, JSON.stringify(value, null, 2));
  return file;
}
