import { spawn, ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { ROOT } from './run-process';

export interface SandboxProcess {
  url: string;
  clientId: string;
  clientSecret: string;
  activities: number;
  /** activityDate of the newest generated activity (ISO second). */
  latestActivityAt?: string;
  child: ChildProcess;
  counters(): Promise<{
    total: number;
    byEndpoint: Record<string, number>;
    /** Get Lead Activities calls by the activity types asked for ("37": the Delete Lead walk). */
    byActivityTypeIds: Record<string, number>;
    errorsByCode: Record<string, number>;
    maxConcurrentSeen: number;
    maxCallsInAnyWindow: { windowMs: number; calls: number };
  }>;
  stop(): Promise<void>;
}

/**
 * Starts the sandbox in a process of its own (`npm run sandbox`'s CLI), so that measuring a
 * connector or a baseline is not disturbed by the server sharing their event loop.
 */
export function startSandboxProcess(args: string[]): Promise<SandboxProcess> {
  return new Promise((resolve, reject) => {
    // Any free port (the URL comes back on stdout): two benches, or a bench beside `npm run sandbox`, must not collide on 8089.
    const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'sandbox', 'cli.js'), '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`sandbox exited early (${code})`)));
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      out += chunk;
      const match = /\{[\s\S]*?\n\}/.exec(out);
      if (!match) return;
      const info = JSON.parse(match[0]);
      child.removeAllListeners('exit');
      resolve({
        url: info.url,
        clientId: info.client_id,
        clientSecret: info.client_secret,
        activities: info.activities,
        latestActivityAt: info.latest_activity_at,
        child,
        async counters() {
          const response = await fetch(`${info.url}/__sandbox/counters?windowMs=20000`);
          return (await response.json()) as never;
        },
        stop: () =>
          new Promise<void>((done) => {
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}
