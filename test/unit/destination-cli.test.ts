import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkConnection, checkImageStatics, checkSpec } from '../harness/acceptance';
import { findRepoRoot } from '../harness/repo-root';
import { assertProtocol, runConnector, writeJsonTemp } from '../harness/run-connector';

// The destination as the platform runs it: bin/destination-marketo in a child process, every
// stdout line checked against the Airbyte protocol schema, the spec against CAT's TestSpec.

const BIN = 'bin/destination-marketo';
const root = findRepoRoot();
const readSpecFile = (name: string) => JSON.parse(fs.readFileSync(path.join(root, 'specs', name), 'utf8'));

const SAMPLE_CONFIG = {
  domain_url: 'https://123-ABC-456.mktorest.com',
  client_id: 'client-id-1',
  client_secret: 'client-secret-1',
  lead_lookup_field: 'warehouseId',
  rejected_row_threshold: 0.05,
  write_only_changes: false,
  conflict_policy: 'warehouse_wins',
  row_changed_at_field: '_ab_cdc_updated_at',
  max_calls_per_20s: 40,
  max_concurrent_calls: 4,
  daily_call_budget: 10000,
};

describe('destination-marketo executable', () => {
  it('spec: one valid SPEC message that passes CAT TestSpec', async () => {
    const result = await runConnector(BIN, ['spec']);
    expect(result.exitCode).to.equal(0);
    assertProtocol(result);
    expect(result.messages.map((m) => m.type)).to.deep.equal(['SPEC']);
    expect(checkSpec(result.messages, SAMPLE_CONFIG)).to.deep.equal([]);
    expect(checkSpec(result.messages, { ...SAMPLE_CONFIG, rejected_row_threshold: 1.5 })).to.deep.equal([
      'S1: sample config does not match the spec: /rejected_row_threshold must be <= 1 (got 1.5)',
    ]);
  });

  it("spec: the shared connection settings are the source's, word for word", () => {
    const source = readSpecFile('source-marketo.json').connectionSpecification.properties;
    const destination = readSpecFile('destination-marketo.json').connectionSpecification.properties;
    for (const key of ['domain_url', 'client_id', 'client_secret', 'max_calls_per_20s', 'max_concurrent_calls', 'daily_call_budget']) {
      expect(destination[key], key).to.deep.equal(source[key]);
    }
  });

  it('check: an invalid config gives FAILED with a message, exit 0', async () => {
    const result = await runConnector(BIN, ['check', '--config', writeJsonTemp({ ...SAMPLE_CONFIG, domain_url: 'http://marketo.example.com' })]);
    expect(result.exitCode).to.equal(0);
    assertProtocol(result);
    expect(checkConnection(result.messages, 'failed')).to.deep.equal([]);
    expect(result.messages[0].connectionStatus.message).to.match(/^'domain_url' must use https/);
  });

  it('write: a config error is one TRACE error, exit 1', async () => {
    const config = writeJsonTemp({ ...SAMPLE_CONFIG, conflict_policy: 'loudest_wins' });
    const result = await runConnector(BIN, ['write', '--config', config, '--catalog', writeJsonTemp({ streams: [] })], { stdin: '' });
    expect(result.exitCode).to.equal(1);
    assertProtocol(result);
    expect(result.traces('ERROR').map((t) => [t.error.failure_type, t.error.message])).to.deep.equal([
      ['config_error', "'conflict_policy' must be one of warehouse_wins, newest_wins; got 'loudest_wins'. Example: warehouse_wins."],
    ]);
  });

  it('Dockerfile.destination: entrypoint, AIRBYTE_ENTRYPOINT and labels', () => {
    const dockerfile = fs.readFileSync(path.join(root, 'Dockerfile.destination'), 'utf8');
    expect(checkImageStatics(dockerfile)).to.deep.equal([]);
    expect(dockerfile).to.match(/^LABEL io\.airbyte\.name=airbyte\/destination-marketo$/m);
    expect(dockerfile).to.match(/^LABEL io\.airbyte\.version=0\.1\.0$/m);
    expect(dockerfile).to.match(/^USER node$/m);
    expect(dockerfile).to.include('npm ci --omit=dev');
  });
});
