import { expect } from 'chai';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { findRepoRoot } from '../harness/repo-root';

// The sandbox run on its own (`npm run sandbox`) as a process: it goes when whoever started it goes.

describe('stopping `npm run sandbox` stops the sandbox', function () {
  this.timeout(30_000);

  /** Whether a process id is still alive. */
  const alive = (pid: number): boolean => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  it('when its parent (npm, or the shell under it) is killed outright, the sandbox process exits and frees its port', async () => {
    const cli = path.join(findRepoRoot(), 'dist', 'sandbox', 'cli.js');
    // The shell stands in for npm: it starts the sandbox, prints its pid and waits, as npm does.
    const parent = spawn('sh', ['-c', `"${process.execPath}" "${cli}" --port 0 --activities 10 --leads 5 & echo $!; wait`], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let output = '';
    parent.stdout.on('data', (chunk) => (output += String(chunk)));
    const deadline = Date.now() + 20_000;
    while (!/listening on (http:\/\/\S+)/.test(output) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const pid = Number(output.split('\n')[0]);
    const url = /listening on (http:\/\/\S+)/.exec(output)![1];
    expect(alive(pid)).to.equal(true);
    parent.kill('SIGKILL');
    const stopBy = Date.now() + 5_000;
    while (alive(pid) && Date.now() < stopBy) await new Promise((r) => setTimeout(r, 100));
    expect(alive(pid), 'sandbox still running after its parent was killed').to.equal(false);
    const reachable = await fetch(`${url}/identity/oauth/token`).then(
      () => true,
      () => false,
    );
    expect(reachable).to.equal(false);
  });
});
