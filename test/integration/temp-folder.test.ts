import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findRepoRoot } from '../harness/repo-root';
import { readJsonLines } from '../harness/json-lines';
import { runConnector, RunResult } from '../harness/run-connector';
import { makeTempFolder, removeTempFolder } from '../../sandbox/temp-folders';

// `npm test`, `npm run demo` and `npm run bench` leave nothing of ours in the system's temp
// folder. Each process under test runs with TMPDIR (what os.tmpdir() reads) set to a folder of
// its own, so only what that process made is counted, whatever other processes on the machine
// are writing to /tmp meanwhile; afterwards that folder must hold only what it held of live
// processes. Each starts by sweeping the folders of dead processes: one is planted beforehand.

const root = findRepoRoot();
/** What every temp folder of the project is named after (TEMP_PREFIX of sandbox/temp-folders.ts). */
const PREFIX = 'marketo-airbyte-';
/** The one module that makes temp folders (named after their maker's pid, swept when it is gone). */
const MAKER = path.join('sandbox', 'temp-folders.ts');
/** How long the three runs may take together: they run at once, on a machine other runs may share. */
const RUNS_TIMEOUT_MS = 280_000;
/** The name's end of the folder planted as a live process's. */
const LIVE = 'live';

function sourcesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return ['node_modules', 'dist', '.git', 'demo-output'].includes(entry.name) ? [] : sourcesUnder(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** The id of a process that has ended: a folder named after it is an orphan. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid;
}

describe('npm test, npm run demo and npm run bench leave nothing in the system temp folder', function () {
  this.timeout(RUNS_TIMEOUT_MS + 20_000);
  let work: string;
  /** The processes under test, started together (each with a temp folder of its own) so the suite waits for the longest only. */
  const runs = new Map<string, Promise<{ result: RunResult; tmp: string }>>();
  before(() => {
    work = makeTempFolder('test-tmpdir');
    const mocha = path.join(root, 'node_modules', 'mocha', 'bin', 'mocha.js');
    const sweep = path.join(root, 'dist', 'test', 'harness', 'sweep-temp-folders.js');
    const testFiles = ['unit/harness.test.js', 'unit/sandbox-bulk.test.js', 'integration/by-hand.test.js'].map((f) => path.join(root, 'dist', 'test', f));
    const started: Array<[string, string[], Record<string, string>]> = [
      ['demo', [path.join(root, 'dist', 'scripts', 'demo.js')], { DEMO_OUTPUT: path.join(work, 'demo-output') }],
      ['bench', [path.join(root, 'dist', 'scripts', 'bench.js')], { BENCH_ONLY: 'quiet-poll' }],
      // As npm test runs them (.mocharc.json: the sweep first, 60 s a test), with room for a loaded machine.
      [
        'tests',
        [mocha, '--no-config', '--require', sweep, '--timeout', '120000', '--exit', '--reporter', 'dot', '--grep', 'harness|bulk|by hand', ...testFiles],
        {},
      ],
    ];
    for (const [name, args, env] of started) {
      const tmp = path.join(work, `tmp-${name}`);
      fs.mkdirSync(tmp);
      // Left by a killed run (removed at start-up), and a live run's (kept): this test process is alive.
      fs.mkdirSync(path.join(tmp, `${PREFIX}${deadPid()}-test-orphan`));
      fs.mkdirSync(path.join(tmp, `${PREFIX}${process.pid}-test-${LIVE}`));
      const run = runConnector(process.execPath, args, { env: { TMPDIR: tmp, TMP: tmp, TEMP: tmp, ...env }, timeoutMs: RUNS_TIMEOUT_MS }).then((result) => ({
        result,
        tmp,
      }));
      run.catch(() => undefined); // awaited by its test
      runs.set(name, run);
    }
  });
  after(async () => {
    await Promise.allSettled(runs.values());
    removeTempFolder(work);
  });

  it(`every temp folder the project makes is made by ${MAKER}: named ${PREFIX}<pid>-…, so ours and their maker can be told apart`, () => {
    const offenders: string[] = [];
    for (const file of sourcesUnder(root)) {
      if (path.relative(root, file) === MAKER) continue;
      const lines = fs.readFileSync(file, 'utf8').split('\n');
      lines.forEach((line, i) => {
        if (/\bmkdtemp\w*\s*\(/.test(line)) offenders.push(`${path.relative(root, file)}:${i + 1}`);
      });
    }
    expect(offenders).to.deep.equal([]);
  });

  it('npm run demo: keeps what it read in its output folder, prints where, the counts and the commands by hand; nothing of its own left in the temp folder, the folder of a dead run swept', async () => {
    const out = path.join(work, 'demo-output');
    const { result, tmp } = await runs.get('demo')!;
    expect(result.exitCode, result.stderr).to.equal(0);
    expect(fs.readdirSync(tmp)).to.deep.equal([`${PREFIX}${process.pid}-test-${LIVE}`]);
    const printed = result.stdoutLines.join('\n');

    // Every record of both reads is in its stream's file, in the order read.
    const read = [1, 2].flatMap((n) => readJsonLines(path.join(out, 'source', `read-${n}.jsonl`)));
    const streams = fs.readdirSync(path.join(out, 'streams')).map((f) => f.replace(/\.jsonl$/, ''));
    expect(streams).to.include.members(['activities', 'leads', 'lead_changes', 'deleted_leads']);
    for (const stream of streams) {
      const want = read.filter((m) => m.type === 'RECORD' && m.record.stream === stream).map((m) => m.record.data);
      expect(readJsonLines(path.join(out, 'streams', `${stream}.jsonl`)), stream).to.deep.equal(want);
      expect(printed, stream).to.match(new RegExp(`\\n  ${stream} +${want.length} `));
    }
    // The leads table: the last row of each id, none whose last row is a tombstone.
    const last = new Map<number, any>();
    for (const row of readJsonLines(path.join(out, 'streams', 'leads.jsonl'))) last.set(row.id, row);
    const live = [...last.values()].filter((r) => r._ab_cdc_deleted_at == null);
    expect(live.length).to.be.lessThan(last.size, 'the demo history deletes leads');
    const table = readJsonLines(path.join(out, 'tables', 'leads.jsonl'));
    expect(table.map((r) => r.id).sort((a, b) => a - b)).to.deep.equal(live.map((r) => r.id).sort((a, b) => a - b));
    expect(table).to.have.deep.members(live);
    expect(printed).to.contain(`the leads table: ${live.length} leads`);

    // The state and the destination's files; the commands by hand name files that exist, pointing at `npm run sandbox`.
    expect(readJsonLines(path.join(out, 'destination', 'output.jsonl')).filter((m) => m.type === 'STATE')).to.have.length(4);
    expect(JSON.parse(fs.readFileSync(path.join(out, 'source', 'state.json'), 'utf8'))).to.be.an('array').that.is.not.empty;
    for (const config of ['source/config.json', 'destination/config.json'])
      expect(JSON.parse(fs.readFileSync(path.join(out, config), 'utf8')).domain_url).to.equal('http://127.0.0.1:8089');
    const commands = result.stdoutLines.filter((l) => /^ {2}bin\/(source|destination)-marketo /.test(l));
    expect(commands.map((c) => c.trim().split(/\s+/).slice(0, 2).join(' '))).to.deep.equal([
      'bin/source-marketo check',
      'bin/source-marketo discover',
      'bin/source-marketo read',
      'bin/source-marketo read',
      'bin/destination-marketo write',
    ]);
    for (const command of commands)
      for (const [, file] of command.matchAll(/(?:--config|--catalog|--state|<) (\S+)/g)) expect(fs.existsSync(file), `${command}: ${file}`).to.equal(true);
  });

  it('npm run bench (its quiet-poll scenario: a sandbox process, config, catalog and state files): nothing of its own left, the folder of a dead run swept', async () => {
    const { result, tmp } = await runs.get('bench')!;
    expect(result.exitCode, result.stderr).to.equal(0);
    expect(result.stdoutLines.join('\n')).to.match(/source quiet poll, all five streams +- +none: counts calls/);
    expect(fs.readdirSync(tmp)).to.deep.equal([`${PREFIX}${process.pid}-test-${LIVE}`]);
  });

  it('test files that make temp folders (fake connectors, bulk export files, connectors run with config files): nothing of their own left, the folder of a dead run swept at start-up', async () => {
    const { result, tmp } = await runs.get('tests')!;
    expect(result.exitCode, result.stdoutLines.join('\n')).to.equal(0);
    expect(result.stdoutLines.join('\n')).to.match(/\d+ passing/);
    expect(fs.readdirSync(tmp)).to.deep.equal([`${PREFIX}${process.pid}-test-${LIVE}`]);
  });
});

describe('demo and bench leave nothing in the system temp folder', () => {
  it('the config, catalog and state files they write are removed when the process exits', async () => {
    const runProcess = path.join(findRepoRoot(), 'dist', 'scripts', 'run-process.js');
    const script = `const { writeTemp } = require(${JSON.stringify(runProcess)}); console.log(writeTemp('config.json', { client_secret: 's' })); console.log(writeTemp('state.json', []));`;
    const result = await runConnector(process.execPath, ['-e', script]);
    expect(result.exitCode, result.stderr).to.equal(0);
    const files = result.stdoutLines.filter((l) => l.trim() !== '');
    expect(files).to.have.length(2);
    for (const file of files) expect(fs.existsSync(path.dirname(file)), file).to.equal(false);
  });
});
