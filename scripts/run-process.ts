import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');

export interface ProcessResult {
  code: number | null;
  messages: any[];
  stderr: string;
}

/**
 * Runs a connector the way Airbyte does (a child process, JSON lines on stdout) without blocking
 * this process, which may be serving the sandbox at the same time.
 */
export function runConnectorProcess(bin: string, args: string[], stdin?: string, env: Record<string, string> = {}): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', bin), ...args], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const messages = out
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l));
      resolve({ code, messages, stderr: err });
    });
    child.stdin.end(stdin ?? '');
  });
}

/**
 * Prefix of every temp folder the project makes (bench, tests, the sandbox's export files), so
 * that one can tell ours in the system's temp folder; each is removed when its maker is done.
 */
export const TEMP_PREFIX = 'marketo-airbyte-';

/** Temp folders this process made (configs hold the sandbox secret): removed when it exits, so the bench leaves nothing behind. */
const madeDirs: string[] = [];

function removeOnExit(dir: string): void {
  if (madeDirs.length === 0) {
    process.on('exit', () => {
      for (const made of madeDirs) fs.rmSync(made, { recursive: true, force: true });
    });
  }
  madeDirs.push(dir);
}

export function writeTemp(name: string, value: unknown): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), TEMP_PREFIX));
  removeOnExit(dir);
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify(value, null, 2));
  return file;
}
