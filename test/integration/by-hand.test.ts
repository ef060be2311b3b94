import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startSandbox, Sandbox } from '../../sandbox';
import { findRepoRoot } from '../harness/repo-root';
import { runConnector, writeJsonTemp } from '../harness/run-connector';
import { DESTINATION, SOURCE, catalogFor, discover, read, run, sourceConfig } from './support';

// What a new user meets running the connectors by hand: usage, failures and warnings that are true.

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
    expect(result.logMessages('WARN')).to.deep.equal([
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
    expect(result.logMessages('WARN')).to.deep.equal([]);
  });
});
