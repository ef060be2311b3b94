import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { parse as parseYaml } from 'yaml';
import { Sandbox, SandboxOptions, startSandbox } from '../../sandbox';
import {
  DEFAULT_MAX_CALLS_PER_20S,
  DEFAULT_MAX_CONCURRENT_CALLS,
  SUBSCRIPTION_MAX_CALLS_PER_20S,
  SUBSCRIPTION_MAX_CONCURRENT_CALLS,
} from '../../marketo/constants';
import { checkCatalog, checkConnection, checkImageStatics, checkRecords, checkSequentialSlices, checkSpec, ExpectedConnection } from '../harness/acceptance';
import { invalidStreamCatalog } from '../harness/configured-catalog';
import { findRepoRoot } from '../harness/repo-root';
import { readJsonLines } from '../harness/json-lines';
import { assertProtocol, runConnector, RunResult, stateFileFromMessages, writeJsonTemp } from '../harness/run-connector';
import { textOf } from '../../protocol/text';

/**
 * Airbyte's Connector Acceptance Tests, run on every `npm test` the way CAT runs them: from each
 * connector's acceptance-test-config.yml, with the files it names under integration_tests/, against
 * the Marketo sandbox seeded as integration_tests/source-marketo/sandbox.json says. Check ids (S1,
 * C1, D1, B6, I2, F2…) are those of test/harness/checks/, named after Airbyte's "Connector
 * Acceptance Tests Reference" (https://docs.airbyte.com/connector-development/testing-connectors/connector-acceptance-tests-reference).
 *
 * `npm run acceptance:update` (UPDATE_ACCEPTANCE_FILES=1) rewrites expected_records.jsonl and the
 * stream definitions in configured_catalog.json from the sandbox, then runs the checks on them.
 */

const root = findRepoRoot();
const UPDATE = process.env.UPDATE_ACCEPTANCE_FILES === '1';
/** Placeholders of the sample configs: the standalone sandbox's URL and default credentials. */
const SANDBOX_URL = /^http:\/\/127\.0\.0\.1:\d+$/;
const SANDBOX_CLIENT_ID = 'sandbox-client-id';
const SANDBOX_CLIENT_SECRET = 'sandbox-client-secret';
/** The lead stream, whose rows are ~100 fields wide: its expected records keep a few fields, and a test of its own compares every id. */
const LEADS = 'leads';
/** Expected records kept per stream: evenly spread over the primary-key order, first and last included. */
const EXPECTED_PER_STREAM = 10;
/** The fields kept of a lead in expected_records.jsonl: its key, identity and cursor (rows are ~100 fields wide). */
const EXPECTED_LEAD_FIELDS = ['id', 'email', 'updatedAt'];
/** Fields kept per stream in expected_records.jsonl where not all are: static_list_members' changedAt is the time of the full read that found a member. */
const EXPECTED_FIELDS: Record<string, string[]> = { [LEADS]: EXPECTED_LEAD_FIELDS, static_list_members: ['listId', 'leadId', '_ab_cdc_deleted_at'] };
const REGENERATE_HINT =
  "expected_records.jsonl holds the sandbox data of integration_tests/source-marketo/sandbox.json; if the sandbox's data generation changed on purpose, regenerate it with `npm run acceptance:update`";
/** emitted_at written into expected_records.jsonl (CAT does not compare it): 2026-11-27T00:00:00Z. */
const EXPECTED_EMITTED_AT = Date.UTC(2026, 10, 27);

/** The fields Airbyte's metadata schema (ConnectorMetadataDefinitionV0) requires under `data`. */
const METADATA_REQUIRED = [
  'name',
  'definitionId',
  'connectorType',
  'dockerRepository',
  'dockerImageTag',
  'license',
  'documentationUrl',
  'githubIssueLabel',
  'connectorSubtype',
  'releaseStage',
];

// CAT's config model forbids unknown keys (`extra = "forbid"`); these are the knobs it knows.
const ROOT_KEYS = ['connector_image', 'test_strictness_level', 'base_path', 'custom_environment_variables', 'acceptance_tests', 'client_container_config'];
const COMMON_TEST_KEYS = ['config_path', 'timeout_seconds', 'deployment_mode'];
const TEST_KEYS: Record<string, string[]> = {
  spec: ['spec_path', 'backward_compatibility_tests_config', 'auth_default_method'],
  connection: ['status'],
  discovery: ['backward_compatibility_tests_config', 'validate_primary_keys_data_type'],
  basic_read: [
    'configured_catalog_path',
    'empty_streams',
    'expect_records',
    'validate_schema',
    'fail_on_extra_columns',
    'validate_stream_statuses',
    'validate_state_messages',
    'validate_primary_keys_data_type',
    'validate_data_points',
    'expect_trace_message_on_failure',
    'file_types',
    'ignored_fields',
  ],
  incremental: ['configured_catalog_path', 'future_state', 'skip_comprehensive_incremental_tests', 'cursor_paths', 'threshold_days'],
  full_refresh: ['configured_catalog_path', 'ignored_fields'],
  connector_attributes: ['streams_without_primary_key', 'allowed_hosts', 'suggested_streams'],
  connector_documentation: [],
};

type Json = any;

interface AcceptanceConfig {
  name: 'source-marketo' | 'destination-marketo';
  dir: string;
  raw: Json;
  /** The test entries of one suite (empty when the suite is absent or bypassed). */
  tests(suite: string): Json[];
  /** A path of the config, resolved as CAT does: from the connector folder unless base_path is set. */
  resolve(relative: string): string;
}

function loadAcceptanceConfig(name: AcceptanceConfig['name']): AcceptanceConfig {
  const dir = path.join(root, name);
  const raw = parseYaml(fs.readFileSync(path.join(dir, 'acceptance-test-config.yml'), 'utf8'));
  const base = raw.base_path ? path.resolve(root, raw.base_path) : dir;
  return {
    name,
    dir,
    raw,
    tests: (suite) => raw.acceptance_tests?.[suite]?.tests ?? [],
    resolve: (relative) => path.resolve(base, relative),
  };
}

function readJson(file: string): Json {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** A config file of the acceptance config, pointed at this sandbox: placeholders replaced, wrong values kept wrong. */
function configFor(cat: AcceptanceConfig, test: Json, sandbox: Sandbox): Record<string, unknown> {
  const config = readJson(cat.resolve(test.config_path));
  if (typeof config.domain_url === 'string' && SANDBOX_URL.test(config.domain_url)) config.domain_url = sandbox.url;
  if (config.client_id === SANDBOX_CLIENT_ID) config.client_id = sandbox.clientId;
  if (config.client_secret === SANDBOX_CLIENT_SECRET) config.client_secret = sandbox.clientSecret;
  return config;
}

async function run(cat: AcceptanceConfig, args: string[]): Promise<RunResult> {
  const result = await runConnector(`bin/${cat.name}`, args);
  assertProtocol(result);
  return result;
}

async function startAcceptanceSandbox(): Promise<Sandbox> {
  const options: SandboxOptions = readJson(path.join(root, 'integration_tests', 'source-marketo', 'sandbox.json'));
  return startSandbox(options);
}

// --- the configured catalog, as CAT builds it -------------------------------------------------

/** CAT replaces each stream of the configured catalog file by the discovered one; a stream not discovered fails. */
function configuredCatalog(file: string, discovered: Json): Json {
  const catalog = readJson(file);
  const byName = new Map<string, Json>(discovered.streams.map((s: Json) => [s.name, s]));
  for (const configured of catalog.streams) {
    const stream = byName.get(configured.stream.name);
    if (!stream) throw new Error(`${path.relative(root, file)}: stream '${configured.stream.name}' is not in the discovered catalog`);
    configured.stream = stream;
  }
  return catalog;
}

/** The full-refresh / incremental suites' catalog: streams supporting the mode, forced to it. */
function catalogInMode(catalog: Json, mode: 'full_refresh' | 'incremental'): Json {
  return {
    streams: catalog.streams
      .filter((s: Json) => s.stream.supported_sync_modes.includes(mode))
      .map((s: Json) => {
        if (mode === 'full_refresh') return { ...s, sync_mode: mode };
        return { ...s, sync_mode: mode, cursor_field: s.cursor_field?.length ? s.cursor_field : s.stream.default_cursor_field };
      }),
  };
}

function onlyStream(catalog: Json, name: string): Json {
  return { streams: catalog.streams.filter((s: Json) => s.stream.name === name) };
}

function primaryKeyOf(stream: Json): string[][] {
  return stream.stream.source_defined_primary_key ?? stream.primary_key ?? [];
}

function pkValue(data: Json, pk: string[][]): string {
  return JSON.stringify(pk.map((part) => part.reduce((v: Json, key) => (v == null ? null : v[key]), data) ?? null));
}

function compareKeys(a: string, b: string): number {
  const [x, y] = [JSON.parse(a), JSON.parse(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const [u, v] = [x[i], y[i]];
    const numeric = /^\d+$/.test(String(u)) && /^\d+$/.test(String(v));
    const order = numeric ? Number(u) - Number(v) : String(u).localeCompare(String(v));
    if (order !== 0) return order;
  }
  return 0;
}

async function read(cat: AcceptanceConfig, config: Json, catalog: Json, state?: unknown): Promise<RunResult> {
  const args = ['read', '--config', writeJsonTemp(config), '--catalog', writeJsonTemp(catalog)];
  if (state !== undefined) args.push('--state', writeJsonTemp(state));
  return run(cat, args);
}

// --- expected records (B6) --------------------------------------------------------------------

interface ExpectedRecord {
  stream: string;
  data: Record<string, unknown>;
  emitted_at: number;
}

/** EXPECTED_PER_STREAM records per stream, spread over the key order; streams of EXPECTED_FIELDS keep only those fields. */
function pickExpectedRecords(catalog: Json, records: Json[]): ExpectedRecord[] {
  const out: ExpectedRecord[] = [];
  for (const configured of catalog.streams) {
    const name = configured.stream.name;
    const pk = primaryKeyOf(configured);
    const sorted = records.filter((r) => r.stream === name).sort((a, b) => compareKeys(pkValue(a.data, pk), pkValue(b.data, pk)));
    const n = Math.min(EXPECTED_PER_STREAM, sorted.length);
    const indexes = [...new Set(Array.from({ length: n }, (_, i) => (n === 1 ? 0 : Math.round((i * (sorted.length - 1)) / (n - 1)))))];
    for (const i of indexes) {
      const kept = EXPECTED_FIELDS[name];
      const data = kept ? Object.fromEntries(kept.map((f) => [f, sorted[i].data[f] ?? null])) : sorted[i].data;
      out.push({ stream: name, data, emitted_at: EXPECTED_EMITTED_AT });
    }
  }
  return out;
}

/** Writes expected_records.jsonl, one record a line. */
function writeExpectedRecords(file: string, records: ExpectedRecord[]): void {
  fs.writeFileSync(file, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
}

/**
 * B6 as CAT-now does it (expected primary keys ⊆ actual ones), plus the legacy comparison of
 * contents: each expected record equals the actual record with its key on the fields the expected
 * record has (CAT-legacy `extra_fields`).
 */
function checkExpectedRecords(expected: ExpectedRecord[], actual: Json[], catalog: Json): string[] {
  const failures: string[] = [];
  for (const configured of catalog.streams) {
    const name = configured.stream.name;
    const pk = primaryKeyOf(configured);
    const actualByKey = new Map<string, Json>(actual.filter((r) => r.stream === name).map((r) => [pkValue(r.data, pk), r.data]));
    for (const record of expected.filter((r) => r.stream === name)) {
      const key = pkValue(record.data, pk);
      const found = actualByKey.get(key);
      if (!found) {
        failures.push(`B6: stream "${name}": expected record with primary key ${key} was not read`);
        continue;
      }
      const differing = Object.keys(record.data).filter((f) => JSON.stringify(found[f] ?? null) !== JSON.stringify(record.data[f] ?? null));
      if (differing.length > 0) failures.push(`B6: stream "${name}" record ${key}: fields ${differing.join(', ')} differ from expected_records`);
    }
  }
  return failures;
}

// --- I2 and I3 ---------------------------------------------------------------------------------

/** CAT I2's choice of checkpoints: [state, records still expected after it]. */
function sequentialCheckpoints(states: Json[], total: number): Array<[Json, number]> {
  const unique: Array<{ state: Json; count: number }> = [];
  for (const s of states) {
    const count = s.sourceStats?.recordCount ?? 0;
    const last = unique[unique.length - 1];
    if (last && JSON.stringify(last.state.stream.stream_state) === JSON.stringify(s.stream.stream_state)) last.count += count;
    else unique.push({ state: s, count });
  }
  const kept = unique.filter((u) => u.count > 0);
  let sum = 0;
  const withExpected = kept.map((u) => {
    sum += u.count;
    return [u.state, total - sum] as [Json, number];
  });
  if (withExpected.length < 3) return withExpected.slice(-1);
  const rate = Math.floor(withExpected.length / 5) || 1;
  return withExpected.filter((_, i) => i % rate === 0 && i !== 0 && i !== withExpected.length - 1);
}

/** Every value under a key named `field`, searched recursively, in traversal order (CAT I3). */
function valuesUnder(value: unknown, field: string, out: unknown[] = []): unknown[] {
  if (Array.isArray(value)) value.forEach((v) => valuesUnder(v, field, out));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === field) out.push(v);
      valuesUnder(v, field, out);
    }
  }
  return out;
}

/** CAT I3's shape check: same length, and letters, digits and other characters in the same places. */
function sameShape(a: string, b: string): boolean {
  const cls = (c: string): string => (/\p{L}/u.test(c) ? 'L' : /\d/.test(c) ? 'D' : c);
  return a.length === b.length && [...a].every((c, i) => cls(c) === cls(b[i]));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// --- static checks of both connectors ------------------------------------------------------------

for (const name of ['source-marketo', 'destination-marketo'] as const) {
  describe(`${name}: acceptance-test-config.yml, metadata.yaml and the image (static)`, () => {
    const cat = loadAcceptanceConfig(name);
    const pkg = readJson(path.join(root, 'package.json'));
    const metadataText = fs.readFileSync(path.join(cat.dir, 'metadata.yaml'), 'utf8');
    const metadata = parseYaml(metadataText).data;
    const dockerfile = fs.readFileSync(path.join(root, name === 'source-marketo' ? 'Dockerfile.source' : 'Dockerfile.destination'), 'utf8');
    const spec = readJson(path.join(root, 'specs', `${name}.json`));

    it('the acceptance config uses only knobs CAT knows, and every file it names exists', () => {
      const unknown: string[] = Object.keys(cat.raw).filter((k) => !ROOT_KEYS.includes(k));
      const missing: string[] = [];
      for (const [suite, body] of Object.entries<Json>(cat.raw.acceptance_tests ?? {})) {
        if (!(suite in TEST_KEYS)) unknown.push(`acceptance_tests.${suite}`);
        for (const key of Object.keys(body)) if (!['tests', 'bypass_reason'].includes(key)) unknown.push(`acceptance_tests.${suite}.${key}`);
        for (const test of body.tests ?? []) {
          for (const key of Object.keys(test)) if (![...COMMON_TEST_KEYS, ...(TEST_KEYS[suite] ?? [])].includes(key)) unknown.push(`${suite}: ${key}`);
          const files = [test.config_path, test.spec_path, test.configured_catalog_path, test.expect_records?.path, test.future_state?.future_state_path];
          for (const file of files.filter(Boolean)) if (!fs.existsSync(cat.resolve(file))) missing.push(`${suite}: ${file}`);
        }
      }
      expect(unknown, 'keys CAT would refuse').to.deep.equal([]);
      expect(missing, 'files that do not exist').to.deep.equal([]);
      expect(cat.raw.connector_image).to.match(new RegExp(`^${metadata.dockerRepository}:`));
    });

    it('S19/S20: ENTRYPOINT, AIRBYTE_ENTRYPOINT and the io.airbyte labels agree with metadata.yaml', () => {
      expect(checkImageStatics(dockerfile, metadataText)).to.deep.equal([]);
    });

    it('metadata.yaml has the fields the registry reads, consistent with package.json, the spec and the docs', () => {
      expect(parseYaml(metadataText).metadataSpecVersion).to.equal('1.0');
      expect(metadata).to.include.keys(METADATA_REQUIRED);
      expect(metadata.connectorType).to.equal(name.split('-')[0]);
      expect(metadata.connectorSubtype).to.equal('api');
      expect(metadata.dockerRepository).to.equal(`airbyte/${name}`);
      expect(String(metadata.dockerImageTag)).to.equal(pkg.version);
      expect(metadata.definitionId).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(metadata.documentationUrl).to.equal(spec.documentationUrl);
      expect(fs.existsSync(path.join(root, 'docs', path.basename(new URL(metadata.documentationUrl).pathname)))).to.equal(true);
      expect(metadata.supportLevel).to.equal('community');
      expect(metadata.releaseStage).to.be.oneOf(['alpha', 'beta', 'generally_available', 'custom']);
      expect(metadata.tags).to.include('language:typescript');
      expect(metadata.license).to.equal(pkg.license);
      expect(metadata.ab_internal).to.have.all.keys('sl', 'ql');
      expect(metadata.allowedHosts.hosts).to.include('${domain_url}');
      expect(metadata.name).to.be.a('string').and.not.equal('');
    });
  });
}

describe('the two connectors: distinct registry identities', () => {
  it('each has its own definitionId', () => {
    const ids = ['source-marketo', 'destination-marketo'].map((n) => parseYaml(fs.readFileSync(path.join(root, n, 'metadata.yaml'), 'utf8')).data.definitionId);
    expect(new Set(ids).size).to.equal(2);
  });
});

// --- spec and connection, both connectors --------------------------------------------------------

for (const name of ['source-marketo', 'destination-marketo'] as const) {
  describe(`${name}: CAT spec and connection suites against the sandbox`, function () {
    const cat = loadAcceptanceConfig(name);
    let sandbox: Sandbox;
    before(async () => {
      sandbox = await startAcceptanceSandbox();
    });
    after(() => sandbox.close());

    for (const [i, test] of cat.tests('spec').entries()) {
      it(`spec #${i + 1}: S0–S17 with ${test.config_path}, and S2: the output equals ${test.spec_path}`, async () => {
        const result = await run(cat, ['spec']);
        expect(result.exitCode, result.stderr).to.equal(0);
        expect(checkSpec(result.messages, configFor(cat, test, sandbox))).to.deep.equal([]);
        if (test.spec_path) expect(result.messages[0].spec).to.deep.equal(readJson(cat.resolve(test.spec_path)));
      });
    }

    it('spec as a form: every field titled, described, ordered and in a declared group; required ones first; patterns explained', () => {
      const spec = readJson(path.join(root, 'specs', `${name}.json`)).connectionSpecification;
      const groups: string[] = spec.groups.map((g: Json) => g.id);
      expect(spec.groups.every((g: Json) => typeof g.title === 'string')).to.equal(true);
      for (const [key, field] of Object.entries<Json>(spec.properties)) {
        expect(field, key).to.include.keys('title', 'description', 'order', 'group');
        expect(groups, `${key}.group`).to.include(field.group);
        if (field.pattern) expect(field, key).to.include.keys('pattern_descriptor', 'examples');
        if (field.examples && field.pattern) for (const e of field.examples) expect(e, key).to.match(new RegExp(field.pattern));
      }
      for (const key of spec.required) expect(spec.properties[key].group, key).to.equal(groups[0]);
      expect(spec.properties.client_secret.airbyte_secret).to.equal(true);
    });

    it("spec: the throttle defaults are the ones the connector applies, within Marketo's limits", () => {
      const props = readJson(path.join(root, 'specs', `${name}.json`)).connectionSpecification.properties;
      expect(props.max_calls_per_20s.default).to.equal(DEFAULT_MAX_CALLS_PER_20S);
      expect(props.max_calls_per_20s.maximum).to.equal(SUBSCRIPTION_MAX_CALLS_PER_20S);
      expect(props.max_concurrent_calls.default).to.equal(DEFAULT_MAX_CONCURRENT_CALLS);
      expect(props.max_concurrent_calls.maximum).to.equal(SUBSCRIPTION_MAX_CONCURRENT_CALLS);
      expect(DEFAULT_MAX_CALLS_PER_20S * 2).to.be.at.most(SUBSCRIPTION_MAX_CALLS_PER_20S);
      expect(DEFAULT_MAX_CONCURRENT_CALLS * 2).to.be.at.most(SUBSCRIPTION_MAX_CONCURRENT_CALLS);
    });

    for (const test of cat.tests('connection')) {
      const status: ExpectedConnection = test.status ?? 'succeed';
      it(`connection: ${test.config_path} → ${status} (C1/C2/C3), exit 0`, async () => {
        const config = configFor(cat, test, sandbox);
        const result = await run(cat, ['check', '--config', writeJsonTemp(config)]);
        if (status !== 'exception') expect(result.exitCode, result.stderr).to.equal(0);
        expect(checkConnection(result.messages, status)).to.deep.equal([]);
        expect(result.stdoutLines.join('\n')).not.to.contain(String(config.client_secret));
      });
    }
  });
}

// --- discovery, basic read, incremental, full refresh (source) -----------------------------------

describe('source-marketo: CAT discovery, basic read, incremental and full refresh suites against the sandbox', function () {
  this.timeout(180_000);
  const cat = loadAcceptanceConfig('source-marketo');
  let sandbox: Sandbox;
  const discovered = new Map<string, Json>();

  before(async () => {
    sandbox = await startAcceptanceSandbox();
  });
  after(() => sandbox.close());

  async function discoveredCatalog(test: Json): Promise<Json> {
    const key = test.config_path;
    if (!discovered.has(key)) {
      const result = await run(cat, ['discover', '--config', writeJsonTemp(configFor(cat, test, sandbox))]);
      expect(result.exitCode, result.stderr).to.equal(0);
      discovered.set(key, result.messages.filter((m) => m.type === 'CATALOG').pop().catalog);
    }
    return discovered.get(key);
  }

  for (const test of cat.tests('discovery')) {
    it(`discovery: D1–D9 with ${test.config_path}; every stream of the configured catalogs is discovered`, async () => {
      const result = await run(cat, ['discover', '--config', writeJsonTemp(configFor(cat, test, sandbox))]);
      expect(result.exitCode, result.stderr).to.equal(0);
      expect(checkCatalog(result.messages)).to.deep.equal([]);
      const names = result.messages.find((m) => m.type === 'CATALOG').catalog.streams.map((s: Json) => s.name);
      for (const suite of ['basic_read', 'incremental', 'full_refresh']) {
        for (const t of cat.tests(suite)) {
          if (!t.configured_catalog_path) continue;
          const configuredNames = readJson(cat.resolve(t.configured_catalog_path)).streams.map((s: Json) => s.stream.name);
          expect(names, `${suite}: ${t.configured_catalog_path}`).to.include.members(configuredNames);
        }
      }
    });
  }

  for (const test of cat.tests('basic_read')) {
    it(`basic read: B1–B8 on ${test.configured_catalog_path}, B6 against ${test.expect_records?.path}`, async () => {
      const config = configFor(cat, test, sandbox);
      const catalogFile = cat.resolve(test.configured_catalog_path);
      const catalog = configuredCatalog(catalogFile, await discoveredCatalog(test));
      const result = await read(cat, config, catalog);
      expect(result.exitCode, result.stderr).to.equal(0);
      const records = result.records();

      if (UPDATE) {
        const onFile = readJson(catalogFile);
        onFile.streams = onFile.streams.map((s: Json) => ({ ...s, stream: catalog.streams.find((f: Json) => f.stream.name === s.stream.name).stream }));
        fs.writeFileSync(catalogFile, JSON.stringify(onFile, null, 2) + '\n');
        writeExpectedRecords(cat.resolve(test.expect_records.path), pickExpectedRecords(catalog, records));
      }

      expect(
        checkRecords(result.messages, catalog, {
          validateSchema: test.validate_schema !== false,
          failOnExtraColumns: test.fail_on_extra_columns !== false,
          validateStreamStatuses: test.validate_stream_statuses !== false,
          validateStateMessages: test.validate_state_messages !== false,
          validatePrimaryKeys: test.validate_primary_keys_data_type !== false,
        }),
      ).to.deep.equal([]);
      expect(records.length, 'B1: at least one record').to.be.greaterThan(0);
      const empty: string[] = (test.empty_streams ?? []).map((s: Json) => s.name);
      const withoutRecords = catalog.streams.map((s: Json) => s.stream.name).filter((n: string) => !empty.includes(n) && result.records(n).length === 0);
      expect(withoutRecords, 'B3: streams without records').to.deep.equal([]);

      if (test.expect_records?.path) {
        const expected = readJsonLines<ExpectedRecord>(cat.resolve(test.expect_records.path));
        // What `high` strictness requires: expected records for every stream that is not allowed to be empty.
        const uncovered = catalog.streams.map((s: Json) => s.stream.name).filter((n: string) => !empty.includes(n) && !expected.some((r) => r.stream === n));
        expect(uncovered, 'streams without expected records').to.deep.equal([]);
        expect(checkExpectedRecords(expected, records, catalog), REGENERATE_HINT).to.deep.equal([]);
      }
    });

    if (test.expect_trace_message_on_failure !== false) {
      it('basic read: B9, an unknown stream with invalid sync modes gives a TRACE error', async () => {
        const result = await read(cat, configFor(cat, test, sandbox), invalidStreamCatalog());
        expect(result.traces('ERROR').length).to.be.at.least(1);
      });
    }
  }

  it('leads: read in full, every lead of the sandbox, as in expected_records.jsonl', async () => {
    const test = cat.tests('basic_read')[0];
    const catalog = onlyStream(configuredCatalog(cat.resolve(test.configured_catalog_path), await discoveredCatalog(test)), LEADS);
    const result = await read(cat, configFor(cat, test, sandbox), catalog);
    expect(result.exitCode, result.stderr).to.equal(0);
    expect(checkRecords(result.messages, catalog)).to.deep.equal([]);
    const ids = result
      .records(LEADS)
      .filter((r: Json) => r.data._ab_cdc_deleted_at == null)
      .map((r: Json) => r.data.id);
    expect([...new Set(ids)].sort((a, b) => a - b)).to.deep.equal(sandbox.leads().map((l) => l.id));
    const expected = readJsonLines<ExpectedRecord>(cat.resolve(test.expect_records.path)).filter((r) => r.stream === LEADS);
    expect(checkExpectedRecords(expected, result.records(), catalog)).to.deep.equal([]);
  });

  for (const test of cat.tests('incremental')) {
    const incrementalCatalog = async (): Promise<Json> =>
      catalogInMode(configuredCatalog(cat.resolve(test.configured_catalog_path), await discoveredCatalog(test)), 'incremental');

    it('incremental: every incremental stream has a cursor field', async () => {
      const catalog = catalogInMode(configuredCatalog(cat.resolve(test.configured_catalog_path), await discoveredCatalog(test)), 'incremental');
      for (const s of catalog.streams) expect(s.cursor_field, s.stream.name).to.be.an('array').that.is.not.empty;
    });

    let sequentialReads: [RunResult, RunResult, Json] | undefined;

    it("incremental: I1, a second read from the first one's state differs from it", async () => {
      const config = configFor(cat, test, sandbox);
      const catalog = await incrementalCatalog();
      const first = await read(cat, config, catalog);
      expect(first.exitCode, first.stderr).to.equal(0);
      expect(first.states().length).to.be.greaterThan(0);
      expect(first.records().length).to.be.greaterThan(0);
      const second = await read(cat, config, catalog, stateFileFromMessages(first.states()));
      expect(second.exitCode, second.stderr).to.equal(0);
      const distinct = (r: RunResult) => new Set(r.records().map((x: Json) => JSON.stringify(x.data)));
      expect([...distinct(second)].sort()).not.to.deep.equal([...distinct(first)].sort());
      sequentialReads = [first, second, catalog];
    });

    const incrementalNames: string[] = readJson(cat.resolve(test.configured_catalog_path))
      .streams.filter((s: Json) => s.stream.supported_sync_modes.includes('incremental'))
      .map((s: Json) => s.stream.name);
    for (const name of incrementalNames) {
      it(`incremental (beyond CAT): ${name}, the second read of I1 repeats none of the first one's records`, () => {
        expect(sequentialReads, 'the I1 test did not run').to.not.equal(undefined);
        const [first, second, catalog] = sequentialReads!;
        const configured = catalog.streams.find((s: Json) => s.stream.name === name);
        const pk = primaryKeyOf(configured);
        const before = new Set(first.records(name).map((r: Json) => pkValue(r.data, pk)));
        const again = second
          .records(name)
          .filter((r: Json) => before.has(pkValue(r.data, pk)))
          .map((r: Json) => pkValue(r.data, pk));
        expect(again, `${name}: records read again`).to.deep.equal([]);
      });
    }

    if (!test.skip_comprehensive_incremental_tests) {
      it('incremental: I2, recordCount on each STATE is exact, and resuming from checkpoints yields at least the rest', async () => {
        const config = configFor(cat, test, sandbox);
        const catalog = await incrementalCatalog();
        const tested: string[] = [];
        for (const configured of catalog.streams) {
          const name = configured.stream.name;
          const single = onlyStream(catalog, name);
          const first = await read(cat, config, single);
          expect(first.exitCode, first.stderr).to.equal(0);
          expect(checkSequentialSlices(first.messages), name).to.deep.equal([]);
          const total = first.records(name).length;
          if (total === 0 || first.states(name).length === 0) continue; // CAT skips such a stream
          const checkpoints = sequentialCheckpoints(first.states(name), total);
          expect(checkpoints, `${name}: no suitable state checkpoint`).to.not.be.empty;
          for (const [state, remaining] of checkpoints) {
            const resumed = await read(cat, config, single, [{ type: 'STREAM', stream: state.stream }]);
            expect(resumed.exitCode, resumed.stderr).to.equal(0);
            expect(resumed.records(name).length, `${name}: records after a checkpoint`).to.be.at.least(remaining);
          }
          tested.push(name);
        }
        expect(tested.length).to.be.greaterThan(0);
      });
    }

    if (test.future_state?.future_state_path) {
      it(`incremental: I3, the abnormal state ${test.future_state.future_state_path} gives no records, a state, and cursors of the same shape`, async () => {
        const futureState: Json[] = readJson(cat.resolve(test.future_state.future_state_path));
        const full = catalogInMode(configuredCatalog(cat.resolve(test.configured_catalog_path), await discoveredCatalog(test)), 'incremental');
        // What `high` strictness requires: a future state for every incremental stream.
        const inFile = futureState.map((s) => s.stream.stream_descriptor.name);
        expect(inFile, 'streams of the future state').to.include.members(full.streams.map((s: Json) => s.stream.name));
        const result = await read(cat, configFor(cat, test, sandbox), full, futureState);
        expect(result.exitCode, result.stderr).to.equal(0);
        expect(result.records(), 'records').to.deep.equal([]);
        expect(result.states().length).to.be.at.least(1);
        for (const configured of full.streams) {
          const name = configured.stream.name;
          const cursor: string = configured.cursor_field[0];
          const types = [configured.stream.json_schema.properties[cursor].type].flat().filter((t: string) => t !== 'null');
          const future = valuesUnder(futureState.find((s) => s.stream.stream_descriptor.name === name)?.stream.stream_state, cursor);
          expect(future, `${name}: future state must be set up for all given streams`).to.not.be.empty;
          const actual = result.states(name).flatMap((s: Json) => valuesUnder(s.stream.stream_state, cursor));
          for (const value of [...actual, ...future].filter((v) => v !== null)) {
            for (const type of types)
              expect(typeof value, `${name}: cursor ${JSON.stringify(value)} as ${type}`).to.equal(type === 'string' ? 'string' : 'number');
          }
          actual.forEach((value, i) => {
            if (i >= future.length) return;
            expect(sameShape(textOf(value), textOf(future[i])), `${name}: ${textOf(value)} vs ${textOf(future[i])}`).to.equal(true);
          });
        }
      });
    }
  }

  for (const test of cat.tests('full_refresh')) {
    it("full refresh: F1/F2, two reads, the second one's records emitted strictly later; F3 (legacy), read 1 ⊆ read 2", async () => {
      const config = configFor(cat, test, sandbox);
      const catalog = catalogInMode(configuredCatalog(cat.resolve(test.configured_catalog_path), await discoveredCatalog(test)), 'full_refresh');
      const first = await read(cat, config, catalog);
      await sleep(100);
      const second = await read(cat, config, catalog);
      for (const r of [first, second]) expect(r.exitCode, r.stderr).to.equal(0);
      expect(first.records().length, 'F1').to.be.greaterThan(0);
      expect(second.records().length, 'F2').to.be.greaterThan(0);
      const latestFirst = Math.max(...first.records().map((r: Json) => r.emitted_at));
      const earliestSecond = Math.min(...second.records().map((r: Json) => r.emitted_at));
      expect(latestFirst, 'F2: emitted_at').to.be.lessThan(earliestSecond);
      for (const s of catalog.streams) {
        const pk = primaryKeyOf(s);
        const later = new Set(second.records(s.stream.name).map((r: Json) => pkValue(r.data, pk)));
        const missing = first.records(s.stream.name).filter((r: Json) => !later.has(pkValue(r.data, pk)));
        expect(missing.length, `F3: ${s.stream.name} records of read 1 missing from read 2`).to.equal(0);
      }
    });
  }
});
