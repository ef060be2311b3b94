import { expect } from 'chai';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startSandbox, Sandbox } from '../../sandbox';
import { findRepoRoot } from '../harness/repo-root';
import { runConnector, writeJsonTemp } from '../harness/run-connector';
import { DESTINATION, SOURCE, catalogFor, discover, nextState, read, run, sourceConfig } from './support';

// What a new user meets in the first hour: messages that are true.

const DAY_MS = 86_400_000;
const isoSecond = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

function warnings(result: any): string[] {
  return result
    .logs()
    .filter((l: any) => l.level === 'WARN')
    .map((l: any) => l.message);
}

describe('deleted_leads warns that deletions may have been missed only when they may have been', function () {
  let sandbox: Sandbox;
  let config: Record<string, unknown>;
  let catalog: any;
  before(async () => {
    // The last deletions were 20 days ago; Marketo has not pruned them (retention off) so the first sync reads them.
    sandbox = await startSandbox({
      seed: 4,
      activityCount: 600,
      leadCount: 40,
      startDate: isoSecond(Date.now() - 20 * DAY_MS),
      deletedLeadsRetentionDays: null,
    });
    config = sourceConfig(sandbox, { start_date: isoSecond(Date.now() - 30 * DAY_MS) });
    catalog = catalogFor(await discover(config), ['deleted_leads']);
  });
  after(() => sandbox.close());

  it('a quiet subscription (no deletion for 20 days) synced daily: no warning; a stale or legacy state: the warning', async () => {
    const first = await read(config, catalog);
    expect(first.exitCode, first.stderr).to.equal(0);
    const deletions = first.records('deleted_leads').map((r: any) => r.record?.data ?? r.data);
    expect(deletions.length).to.be.greaterThan(0);
    expect(Math.max(...deletions.map((d: any) => Date.now() - Date.parse(d.activityDate)))).to.be.greaterThan(19 * DAY_MS);
    expect(warnings(first)).to.deep.equal([]); // a first sync has nothing to miss
    const state = nextState(first) as any[];
    const streamState = state[0].stream.stream_state;
    // The cursor says how far deletions were read (every one, up to just before the sync), not when the last one happened.
    expect(Date.now() - Date.parse(streamState.activityDate)).to.be.within(0, 10 * 60_000);

    const quiet = await read(config, catalog, state);
    expect(quiet.exitCode).to.equal(0);
    expect(quiet.records()).to.deep.equal([]);
    expect(warnings(quiet)).to.deep.equal([]);

    // The last sync ran 15 days ago (or a legacy state kept the last deletion's date, 20 days ago).
    for (const lastRead of [
      isoSecond(Date.now() - 15 * DAY_MS),
      deletions
        .map((d: any) => d.activityDate)
        .sort()
        .pop(),
    ]) {
      const stale = await read(config, catalog, [
        {
          ...state[0],
          stream: { ...state[0].stream, stream_state: { activityDate: lastRead, partitions: { deleted_leads: { activityDate: lastRead, marketoGUIDs: [] } } } },
        },
      ]);
      expect(warnings(stale)).to.deep.equal([
        `deleted_leads: the last sync read deletions up to ${lastRead}, more than 14 days ago. Marketo may prune deletions older than 14 days, so some may have been missed; sync at least every 14 days to catch every deletion.`,
      ]);
    }
  });
});

describe('running the connectors by hand', function () {
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await startSandbox({ seed: 6, activityCount: 300, leadCount: 20, rateLimit: null });
  });
  after(() => sandbox.close());

  const commands: Array<[string, string[]]> = [
    [
      SOURCE,
      [
        'spec',
        'check    --config <config.json>',
        'discover --config <config.json>',
        'read     --config <config.json> --catalog <configured_catalog.json> [--state <state.json>]',
      ],
    ],
    [DESTINATION, ['spec', 'check    --config <config.json>', 'write    --config <config.json> --catalog <configured_catalog.json>']],
  ];
  for (const [bin, lines] of commands) {
    it(`${path.basename(bin)} --help (exit 0) and no argument (exit 1) print the commands and their options`, async () => {
      for (const [args, code] of [
        [['--help'], 0],
        [['-h'], 0],
        [[], 1],
      ] as Array<[string[], number]>) {
        const result = await runConnector(bin, args);
        expect(result.exitCode, args.join(' ')).to.equal(code);
        const text = result.stdoutLines.join('\n');
        expect(text).to.match(new RegExp(`^Usage: ${path.basename(bin)} <command> \\[options\\]`));
        for (const line of lines) expect(text, line).to.contain(`  ${line}`);
        expect(text).not.to.contain('Unknown command');
      }
    });
  }

  it('a wrong secret on read is one connection failure, before any stream starts', async () => {
    const catalog = catalogFor(await discover(sourceConfig(sandbox)), ['activities', 'lead_changes']);
    const result = await read(sourceConfig(sandbox, { client_secret: 'not-the-secret-1234' }), catalog);
    expect(result.exitCode).to.equal(1);
    expect(result.traces('ERROR').map((e: any) => [e.error.failure_type, e.error.stream_descriptor ?? null, e.error.message])).to.deep.equal([
      [
        'config_error',
        null,
        'Marketo refused the client id and secret (Bad client credentials). Check them in Admin > LaunchPoint > View Details, and that the API user is active.',
      ],
    ]);
    expect(result.traces('STREAM_STATUS')).to.deep.equal([]);
    expect(result.stdoutLines.join('\n')).not.to.contain('not-the-secret-1234');
  });

  const destinationConfig = () => ({ domain_url: sandbox.url, client_id: sandbox.clientId, client_secret: sandbox.clientSecret, lead_lookup_field: 'email' });

  it('write with empty input exits 0 and says that nothing came', async () => {
    const catalog = path.join(findRepoRoot(), 'integration_tests', 'destination-marketo', 'configured_catalog.json');
    const result = await run(DESTINATION, ['write', '--config', writeJsonTemp(destinationConfig()), '--catalog', catalog], { stdin: '' });
    expect(result.exitCode).to.equal(0);
    expect(
      result
        .logs()
        .filter((l: any) => l.level === 'WARN')
        .map((l: any) => l.message),
    ).to.deep.equal([
      "Nothing came on standard input: no record and no state, so nothing was written. The platform (or you, running it by hand) pipes the source's messages into write.",
    ]);
  });

  it('integration_tests/destination-marketo: the sample input written with the sample catalog ends in Marketo as it says', async () => {
    const dir = path.join(findRepoRoot(), 'integration_tests', 'destination-marketo');
    const input = fs.readFileSync(path.join(dir, 'sample_input.jsonl'), 'utf8');
    const result = await run(DESTINATION, ['write', '--config', writeJsonTemp(destinationConfig()), '--catalog', path.join(dir, 'configured_catalog.json')], {
      stdin: input,
    });
    expect(result.exitCode, result.stderr).to.equal(0);
    expect(result.states().map((s: any) => s.stream.stream_state.cursor)).to.deep.equal(['2026-11-01T09:05:00Z', '2026-11-01T09:20:00Z']);
    const byEmail = new Map(sandbox.leads().map((l: any) => [l.email, l]));
    expect(['ada.sample@example.com', 'grace.sample@example.com'].map((e) => byEmail.get(e)?.lastName)).to.deep.equal(['Lovelace', 'Hopper']);
    expect(byEmail.has('alan.sample@example.com'), 'deleted by its tombstone').to.equal(false);
    expect(
      sandbox
        .companies()
        .filter((c: any) => c.externalCompanyId === 'sample-acme')
        .map((c: any) => c.company),
    ).to.deep.equal(['Acme Sample Inc.']);
    expect(result.logs().filter((l: any) => l.level === 'WARN')).to.deep.equal([]);
  });
});

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
