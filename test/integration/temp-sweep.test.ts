import { expect } from 'chai';
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findRepoRoot } from '../harness/repo-root';
import { runConnector } from '../harness/run-connector';
import { makeTempFolder, removeTempFolder } from '../../sandbox/temp-folders';

// A run killed outright (SIGKILL, the OOM killer, a closed terminal's process group) cannot remove
// its temp folders. The next test run, demo or bench removes them at start-up, by the pid in their
// name, and leaves alone those of runs still going: several may run at once on one machine.

const root = findRepoRoot();
const tempFolders = path.join(root, 'dist', 'sandbox', 'temp-folders.js');
const sweepOnStart = path.join(root, 'dist', 'test', 'harness', 'sweep-temp-folders.js');

/** A process that makes a temp folder the project's way, puts a config in it, prints its path and waits to be stopped. */
function startMaker(tmp: string): Promise<{ child: ChildProcess; dir: string; ended: Promise<NodeJS.Signals | null> }> {
  const script = `const { makeTempFolder } = require(${JSON.stringify(tempFolders)});
const dir = makeTempFolder('test');
require('fs').writeFileSync(require('path').join(dir, 'config.json'), '{"client_secret":"s"}');
console.log(dir);
setInterval(() => undefined, 1000);`;
  const child = spawn(process.execPath, ['-e', script], { env: { ...process.env, TMPDIR: tmp }, stdio: ['ignore', 'pipe', 'inherit'] });
  const ended = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  return new Promise((resolve, reject) => {
    let out = '';
    child.on('error', reject);
    void ended.then(() => reject(new Error(`maker exited before making its folder: ${out}`)));
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (out.includes('\n')) resolve({ child, dir: out.trim(), ended });
    });
  });
}

describe('temp folders of killed runs are removed by the next run, never those of live runs', function () {
  this.timeout(120_000);
  let tmp: string;
  beforeEach(() => {
    tmp = makeTempFolder('sweep-test');
  });
  afterEach(() => removeTempFolder(tmp));

  it('npm test starts with the sweep (.mocharc.json requires it before any test file)', () => {
    const config = JSON.parse(fs.readFileSync(path.join(root, '.mocharc.json'), 'utf8'));
    expect(config.require).to.include('dist/test/harness/sweep-temp-folders.js');
  });

  it('a run SIGKILLed keeps its folder; the next test run removes it at start-up and keeps the folder of a run still going', async () => {
    const killed = await startMaker(tmp);
    const live = await startMaker(tmp);
    try {
      expect(path.basename(killed.dir)).to.match(new RegExp(`^marketo-airbyte-${killed.child.pid}-test-`));
      killed.child.kill('SIGKILL');
      expect(await killed.ended).to.equal('SIGKILL');
      expect(fs.existsSync(path.join(killed.dir, 'config.json')), 'nothing can clean up after SIGKILL').to.equal(true);

      // A new test run (as npm test starts one: mocha with the sweep required first), over a test file, selecting no test.
      const mocha = path.join(root, 'node_modules', 'mocha', 'bin', 'mocha.js');
      const run = await runConnector(
        process.execPath,
        [mocha, '--no-config', '--require', sweepOnStart, '--grep', 'no test is named so', path.join(root, 'dist', 'test', 'unit', 'instant.test.js')],
        { env: { TMPDIR: tmp }, timeoutMs: 100_000 },
      );
      expect(run.exitCode, run.stderr).to.equal(0);
      expect(fs.readdirSync(tmp)).to.deep.equal([path.basename(live.dir)]);
      expect(fs.existsSync(path.join(live.dir, 'config.json'))).to.equal(true);
    } finally {
      live.child.kill('SIGKILL');
      await live.ended;
    }
  });

  for (const [signal, how] of [
    ['SIGINT', 'Ctrl-C'],
    ['SIGTERM', 'docker stop'],
  ] as const) {
    it(`a run stopped by ${signal} (${how}) removes its folder and still ends by the signal`, async () => {
      const maker = await startMaker(tmp);
      maker.child.kill(signal);
      expect(await maker.ended).to.equal(signal);
      expect(fs.readdirSync(tmp)).to.deep.equal([]);
    });
  }
});
