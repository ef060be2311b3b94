import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AssertionError, expect } from 'chai';
import { makeTempFolder, removeTempFolder } from '../../sandbox/temp-folders';
import { loadProtocolSchema, officialSchemaSkipReason, protocolSchemaDir, validateAirbyteMessage } from '../harness/protocol-schema';
import { assertProtocol, runConnector, stateFileFromMessages, writeJsonTemp } from '../harness/run-connector';
import { checkCatalog, checkConnection, checkImageStatics, checkRecords, checkSequentialSlices, checkSpec, isCatDateTime } from '../harness/acceptance';
import { configuredCatalogFromDiscovered, invalidStreamCatalog } from '../harness/configured-catalog';

/* Tests of the test harness itself, on hand-written messages and a tiny fake connector. */

const record = (stream: string, data: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: 'RECORD',
  record: { stream, data, emitted_at: 1_700_000_000_000, ...extra },
});
const state = (name: string, streamState: unknown, recordCount?: number) => ({
  type: 'STATE',
  state: {
    type: 'STREAM',
    stream: { stream_descriptor: { name }, stream_state: streamState },
    ...(recordCount === undefined ? {} : { sourceStats: { recordCount } }),
  },
});
const status = (name: string, s: string) => ({
  type: 'TRACE',
  trace: { type: 'STREAM_STATUS', emitted_at: 1_700_000_000_000, stream_status: { stream_descriptor: { name }, status: s } },
});
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describe('harness: protocol schema', () => {
  it('accepts valid messages of each kind', () => {
    expect(validateAirbyteMessage(record('leads', { id: 1 }))).to.deep.equal([]);
    expect(validateAirbyteMessage(state('leads', { updatedAt: '2024-01-01T00:00:00Z' }, 3))).to.deep.equal([]);
    expect(validateAirbyteMessage(status('leads', 'RUNNING'))).to.deep.equal([]);
    expect(validateAirbyteMessage({ type: 'LOG', log: { level: 'INFO', message: 'hi' } })).to.deep.equal([]);
    expect(validateAirbyteMessage({ type: 'CONNECTION_STATUS', connectionStatus: { status: 'FAILED', message: 'bad' } })).to.deep.equal([]);
  });

  it('rejects a RECORD without emitted_at, naming the path', () => {
    const msg = { type: 'RECORD', record: { stream: 'leads', data: {} } };
    expect(validateAirbyteMessage(msg)).to.deep.equal(["/record must have required property 'emitted_at'"]);
  });

  it('rejects wrong types and unknown enum values with the offending value', () => {
    const errors = validateAirbyteMessage({ type: 'RECORD', record: { stream: 'leads', data: {}, emitted_at: '2024' } });
    expect(errors).to.deep.equal(['/record/emitted_at must be integer (got "2024")']);
    expect(validateAirbyteMessage(status('leads', 'DONE'))[0]).to.match(/^\/trace\/stream_status\/status must be equal to one of the allowed values/);
  });

  it('requires the payload that matches the message type (stricter than the official schema)', () => {
    expect(validateAirbyteMessage({ type: 'RECORD' })).to.deep.equal(["/ must have required property 'record'"]);
    expect(validateAirbyteMessage({ type: 'TRACE', trace: { type: 'ERROR', emitted_at: 1 } })).to.deep.equal(["/trace must have required property 'error'"]);
  });

  it('names an unknown message type and a field our schema does not know', () => {
    expect(validateAirbyteMessage({ type: 'CONTROL', control: {} })).to.deep.equal(['/ value of tag "type" must be in oneOf (got "CONTROL")']);
    expect(validateAirbyteMessage({ type: 'RECORD', record: { stream: 'leads', data: {}, emitted_at: 1, emited_at: 2 } })).to.deep.equal([
      "/record must NOT have additional properties ('emited_at')",
    ]);
  });

  it('looks for the schema in ../shared/airbyte-protocol next to the repository root', () => {
    const saved = process.env.AIRBYTE_PROTOCOL_DIR;
    delete process.env.AIRBYTE_PROTOCOL_DIR;
    try {
      const repoRoot = path.resolve(__dirname, '..', '..', '..');
      expect(protocolSchemaDir()).to.equal(path.resolve(repoRoot, '..', 'shared', 'airbyte-protocol'));
    } finally {
      if (saved !== undefined) process.env.AIRBYTE_PROTOCOL_DIR = saved;
    }
  });

  it('fails with a clear message when $AIRBYTE_PROTOCOL_DIR names a folder without the schema', () => {
    const missing = path.join(os.tmpdir(), `no-airbyte-protocol-${process.pid}`);
    const saved = process.env.AIRBYTE_PROTOCOL_DIR;
    process.env.AIRBYTE_PROTOCOL_DIR = missing;
    try {
      expect(() => validateAirbyteMessage(record('a', {}))).to.throw(
        /official Airbyte protocol schema is missing: .*no-airbyte-protocol-.*airbyte_protocol\.yaml does not exist.*\.\.\/shared\/airbyte-protocol.*must stay in \.\.\/shared.*never copy it into this project/s,
      );
      expect(() => loadProtocolSchema(missing)).to.throw(missing);
    } finally {
      if (saved === undefined) delete process.env.AIRBYTE_PROTOCOL_DIR;
      else process.env.AIRBYTE_PROTOCOL_DIR = saved;
    }
  });

  it('on a clone without ../shared, skips the official schema and says why', () => {
    const saved = process.env.AIRBYTE_PROTOCOL_DIR;
    delete process.env.AIRBYTE_PROTOCOL_DIR;
    try {
      const lonelyClone = path.join(os.tmpdir(), `plain-clone-${process.pid}`, 'repo');
      expect(officialSchemaSkipReason(lonelyClone)).to.equal(
        `the official Airbyte protocol schema is not here (${path.join(path.dirname(lonelyClone), 'shared', 'airbyte-protocol', 'airbyte_protocol.yaml')} ` +
          'does not exist: a clone without ../shared/airbyte-protocol next to it), so messages are validated against our own schema ' +
          '(protocol/airbyte-protocol.schema.json) only. To run them, put airbyte_protocol.yaml of airbytehq/airbyte-protocol there ' +
          'or in a folder named by $AIRBYTE_PROTOCOL_DIR.',
      );
    } finally {
      if (saved !== undefined) process.env.AIRBYTE_PROTOCOL_DIR = saved;
    }
  });
});

/** A fake connector: each mode prints a known sequence, so the runner's bookkeeping can be checked exactly. */
const FAKE_CONNECTOR = `#!/usr/bin/env node
const out = (m) => process.stdout.write(JSON.stringify(m) + '\\n');
const rec = (stream, data) => out({ type: 'RECORD', record: { stream, data, emitted_at: Date.now() } });
const st = (name, s, n) => out({ type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name }, stream_state: s }, sourceStats: { recordCount: n } } });
const status = (name, s) => out({ type: 'TRACE', trace: { type: 'STREAM_STATUS', emitted_at: Date.now(), stream_status: { stream_descriptor: { name }, status: s } } });
const [mode, ...rest] = process.argv.slice(2);
if (mode === 'read') {
  out({ type: 'LOG', log: { level: 'INFO', message: 'args ' + rest.join(' ') } });
  status('a', 'STARTED'); status('a', 'RUNNING');
  rec('a', { id: 1 }); rec('b', { id: 2 }); rec('a', { id: 3 });
  st('a', { cursor: 3 }, 2);
  status('a', 'COMPLETE');
  process.stderr.write('read done\\n');
} else if (mode === 'junk') {
  rec('a', { id: 1 });
  process.stdout.write('Starting connector...\\n');
  out({ type: 'RECORD', record: { stream: 'a', data: {} } });
} else if (mode === 'endless') {
  let i = 0;
  const tick = () => { for (let k = 0; k < 3; k++) rec('a', { id: ++i }); st('a', { cursor: i }, 3); setImmediate(tick); };
  tick();
} else if (mode === 'echo') {
  let buf = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (c) => (buf += c));
  process.stdin.on('end', () => buf.split('\\n').filter(Boolean).forEach((l) => out({ type: 'LOG', log: { level: 'INFO', message: l } })));
} else if (mode === 'fail') {
  out({ type: 'TRACE', trace: { type: 'ERROR', emitted_at: Date.now(), error: { message: 'boom', failure_type: 'system_error' } } });
  process.exit(3);
} else if (mode === 'no-newline') {
  process.stdout.write(JSON.stringify({ type: 'LOG', log: { level: 'INFO', message: 'last' } }));
} else if (mode === 'env') {
  out({ type: 'LOG', log: { level: 'INFO', message: String(process.env.HARNESS_TEST_VAR) } });
} else if (mode === 'hang') {
  setInterval(() => undefined, 1000);
}
`;

describe('harness: runConnector', () => {
  let fake: string;
  let dir: string;
  before(() => {
    dir = makeTempFolder('harness-fake');
    fake = path.join(dir, 'fake-connector');
    // Deliberately not executable: the runner starts node-shebang scripts with process.execPath.
    fs.writeFileSync(fake, FAKE_CONNECTOR, { mode: 0o644 });
  });
  after(() => removeTempFolder(dir));

  it('collects lines, messages, stderr and exit code, with typed accessors', async () => {
    const result = await runConnector(fake, ['read', '--config', 'x.json']);
    expect(result.exitCode).to.equal(0);
    expect(result.signal).to.equal(null);
    expect(result.killed).to.equal(false);
    expect(result.stdoutLines).to.have.length(8);
    expect(result.messages).to.have.length(8);
    expect(result.stderr).to.equal('read done\n');
    expect(result.records().map((r) => r.data.id)).to.deep.equal([1, 2, 3]);
    expect(result.records('a').map((r) => r.data.id)).to.deep.equal([1, 3]);
    expect(result.states('a')).to.have.length(1);
    expect(result.states('b')).to.have.length(0);
    expect(result.traces('STREAM_STATUS').map((t) => t.stream_status.status)).to.deep.equal(['STARTED', 'RUNNING', 'COMPLETE']);
    expect(result.traces()).to.have.length(3);
    expect(result.logs()).to.deep.equal([{ level: 'INFO', message: 'args --config x.json' }]);
    assertProtocol(result);
  });

  it('assertProtocol names each bad line: not JSON, or the ajv errors', async () => {
    const result = await runConnector(fake, ['junk']);
    expect(result.stdoutLines).to.have.length(3);
    expect(result.messages).to.have.length(2); // the text line is not a message
    expect(() => assertProtocol(result))
      .to.throw(AssertionError)
      .with.property('message')
      .that.matches(
        /2 of 3 lines are not:\n {2}line 2: not JSON .*"Starting connector\.\.\."\n {2}line 3 \(RECORD\): \/record must have required property 'emitted_at'$/,
      );
  });

  it('killAfter SIGKILLs at the first matching message and keeps everything up to it', async () => {
    const result = await runConnector(fake, ['endless'], {
      killAfter: (_msg, messages) => messages.filter((m) => m.type === 'STATE').length === 2,
    });
    expect(result.killed).to.equal(true);
    expect(result.signal).to.equal('SIGKILL');
    expect(result.exitCode).to.equal(null);
    expect(result.messages.map((m) => m.type)).to.deep.equal(['RECORD', 'RECORD', 'RECORD', 'STATE', 'RECORD', 'RECORD', 'RECORD', 'STATE']);
    expect(result.stdoutLines).to.have.length(8);
    expect(result.states().map((s) => s.stream.stream_state.cursor)).to.deep.equal([3, 6]);
  });

  it('feeds stdin from a string or an async iterable', async () => {
    const fromString = await runConnector(fake, ['echo'], { stdin: 'one\ntwo\n' });
    expect(fromString.logs().map((l) => l.message)).to.deep.equal(['one', 'two']);
    async function* lines(): AsyncIterable<string> {
      for (let i = 1; i <= 3; i++) yield `line ${i}\n`;
    }
    const fromIterable = await runConnector(fake, ['echo'], { stdin: lines() });
    expect(fromIterable.logs().map((l) => l.message)).to.deep.equal(['line 1', 'line 2', 'line 3']);
  });

  it('passes env, reports non-zero exits and keeps a last line without newline', async () => {
    const env = await runConnector(fake, ['env'], { env: { HARNESS_TEST_VAR: 'set' } });
    expect(env.logs()[0].message).to.equal('set');
    const failed = await runConnector(fake, ['fail']);
    expect(failed.exitCode).to.equal(3);
    expect(failed.traces('ERROR')[0].error.message).to.equal('boom');
    const noNewline = await runConnector(fake, ['no-newline']);
    expect(noNewline.logs()).to.deep.equal([{ level: 'INFO', message: 'last' }]);
  });

  it('rejects with a clear error when the connector outlives timeoutMs', async () => {
    let error: Error | undefined;
    await runConnector(fake, ['hang'], { timeoutMs: 300 }).catch((e: Error) => (error = e));
    expect(error?.message).to.match(/fake-connector hang did not finish within 300 ms/);
  });

  it('rejects when the executable cannot be started', async () => {
    let error: Error | undefined;
    await runConnector('/nonexistent/connector', ['spec']).catch((e: Error) => (error = e));
    expect(error?.message).to.match(/could not start connector spec/);
  });
});

describe('harness: state and temp files', () => {
  it('writeJsonTemp writes exactly JSON.stringify(obj)', () => {
    const file = writeJsonTemp({ a: [1, null] }, 'config.json');
    expect(path.basename(file)).to.equal('config.json');
    expect(fs.readFileSync(file, 'utf8')).to.equal('{"a":[1,null]}');
  });

  it('stateFileFromMessages keeps the latest stream_state per stream descriptor, in first-seen order', () => {
    const withNamespace = clone(state('a', { c: 9 }, 1));
    withNamespace.state.stream.stream_descriptor = { name: 'a', namespace: 'ns' } as never;
    const states = [state('a', { c: 1 }, 1), state('b', { c: 2 }, 1), withNamespace, state('a', { c: 3 }, 1)];
    expect(stateFileFromMessages(states)).to.deep.equal([
      { type: 'STREAM', stream: { stream_descriptor: { name: 'a' }, stream_state: { c: 3 } } },
      { type: 'STREAM', stream: { stream_descriptor: { name: 'b' }, stream_state: { c: 2 } } },
      { type: 'STREAM', stream: { stream_descriptor: { name: 'a', namespace: 'ns' }, stream_state: { c: 9 } } },
    ]);
    // RunResult.states() gives payloads; both forms are accepted.
    expect(stateFileFromMessages(states.map((s) => s.state))).to.deep.equal(stateFileFromMessages(states));
  });

  it('stateFileFromMessages refuses non-STREAM states', () => {
    expect(() => stateFileFromMessages([{ type: 'GLOBAL', global: { stream_states: [] } }])).to.throw(/not a STREAM state/);
  });
});

/** A spec shaped like the Marketo one, passing every check. */
const GOOD_SPEC = {
  type: 'SPEC',
  spec: {
    documentationUrl: 'https://docs.airbyte.com/integrations/sources/marketo',
    connectionSpecification: {
      $schema: 'http://json-schema.org/draft-07/schema#',
      title: 'Marketo',
      type: 'object',
      required: ['domain_url', 'client_id', 'client_secret', 'start_date'],
      additionalProperties: true,
      properties: {
        domain_url: { type: 'string', order: 0, title: 'Domain URL' },
        client_id: { type: 'string', order: 1, airbyte_secret: true },
        client_secret: { type: 'string', order: 2, airbyte_secret: true },
        start_date: { type: 'string', format: 'date-time', order: 3 },
        activity_type_ids: { type: 'array', items: { type: 'integer' }, order: 4 },
        max_calls_per_20s: { type: ['integer', 'null'], order: 5 },
        credentials: {
          type: 'object',
          order: 6,
          oneOf: [
            { title: 'A', properties: { auth_type: { type: 'string', const: 'a', default: 'a' }, token: { type: 'string', airbyte_secret: true } } },
            { title: 'B', properties: { auth_type: { type: 'string', const: 'b', enum: ['b'] }, password: { type: 'string', airbyte_secret: true } } },
          ],
        },
        mode: { type: 'string', enum: ['x', 'y'], order: 7 },
      },
    },
  },
};
const GOOD_CONFIG = {
  domain_url: 'http://127.0.0.1:9000',
  client_id: 'id',
  client_secret: 'secret',
  start_date: '2024-01-01T00:00:00Z',
  _test_only: 1,
};
type Spec = typeof GOOD_SPEC;
const specWith = (edit: (props: Record<string, any>, spec: Spec) => void): Spec => {
  const s = clone(GOOD_SPEC);
  edit(s.spec.connectionSpecification.properties as Record<string, any>, s);
  return s;
};

describe('harness: checkSpec', () => {
  it('passes a good spec and config (message, list of messages, or bare spec)', () => {
    expect(checkSpec(GOOD_SPEC, GOOD_CONFIG)).to.deep.equal([]);
    expect(checkSpec([{ type: 'LOG', log: { level: 'INFO', message: '' } }, GOOD_SPEC], GOOD_CONFIG)).to.deep.equal([]);
    expect(checkSpec(GOOD_SPEC.spec)).to.deep.equal([]);
  });

  it('S0: exactly one SPEC message', () => {
    expect(checkSpec([GOOD_SPEC, GOOD_SPEC])).to.deep.equal(['S0: expected exactly one SPEC message, got 2']);
  });

  it('S1: the config must validate against connectionSpecification', () => {
    const { start_date: _omit, ...config } = GOOD_CONFIG;
    expect(checkSpec(GOOD_SPEC, config)).to.deep.equal(["S1: sample config does not match the spec: / must have required property 'start_date'"]);
    expect(checkSpec(GOOD_SPEC, { ...GOOD_CONFIG, start_date: 'yesterday' })).to.deep.equal([
      'S1: sample config does not match the spec: /start_date must match format "date-time" (got "yesterday")',
    ]);
  });

  it('S3: duplicate enum values fail', () => {
    // Ajv's draft-07 metaschema also wants unique enum items, so S1 reports the same mistake.
    expect(checkSpec(specWith((p) => (p.mode.enum = ['x', 'x'])))).to.deep.equal([
      'S1: connectionSpecification is not a valid draft-07 schema: schema is invalid: data/properties/mode/enum must NOT have duplicate items (items ## 0 and 1 are identical)',
      'S3: /properties/mode/enum has duplicate value "x"',
    ]);
  });

  it('S4: oneOf variants need exactly one const discriminator, with matching default/enum', () => {
    expect(checkSpec(specWith((p) => delete p.credentials.oneOf[1].properties.auth_type.const))).to.deep.equal([
      'S4: the variants of /properties/credentials/oneOf must have exactly one common property with a const in every variant (the discriminator); found none',
    ]);
    expect(checkSpec(specWith((p) => (p.credentials.oneOf[0].properties.auth_type.default = 'z')))).to.deep.equal([
      'S4: /properties/credentials/oneOf/0/properties/auth_type has a default different from its const',
    ]);
    expect(checkSpec(specWith((p) => (p.credentials.type = ['object', 'null'])))).to.include(
      'S4: the parent of /properties/credentials/oneOf must have type "object"',
    );
  });

  it('S5: a field named like a secret must be marked, by exact name only', () => {
    expect(checkSpec(specWith((p) => delete p.client_secret.airbyte_secret))).to.deep.equal([
      'S5: /properties/client_secret ("client_secret") can hold a secret but is not marked airbyte_secret: true',
    ]);
    expect(checkSpec(specWith((p) => delete p.credentials.oneOf[0].properties.token.airbyte_secret))).to.deep.equal([
      'S5: /properties/credentials/oneOf/0/properties/token ("token") can hold a secret but is not marked airbyte_secret: true',
    ]);
    // Not in CAT's list: neither forced nor forbidden.
    expect(checkSpec(specWith((p) => (p.api_key = { type: 'string' })))).to.deep.equal([]);
    expect(checkSpec(specWith((p) => (p.credentials.airbyte_secret = true)))).to.deep.equal([
      'S5: /properties/credentials ("credentials") is marked airbyte_secret but cannot hold a secret (object, boolean or const)',
    ]);
  });

  it('S6: nullable types are written [T, "null"]', () => {
    expect(checkSpec(specWith((p) => (p.max_calls_per_20s.type = ['null', 'integer'])))).to.deep.equal([
      'S6: /properties/max_calls_per_20s/type must be written [T, "null"] (null last); got ["null","integer"]',
    ]);
  });

  it('S7, S8: objects have content, arrays have one simple item type', () => {
    expect(checkSpec(specWith((p) => (p.extra = { type: 'object', properties: {} })))).to.deep.equal([
      'S7: object /properties/extra has neither oneOf nor properties',
    ]);
    expect(checkSpec(specWith((p) => (p.activity_type_ids.items = [{ type: 'integer' }])))).to.deep.equal([
      'S8: /properties/activity_type_ids/items must be one schema, not a list',
    ]);
    expect(checkSpec(specWith((p) => (p.activity_type_ids.items = { type: 'boolean' })))).to.deep.equal([
      'S8: /properties/activity_type_ids/items must have type object, string, number or integer, or an enum',
    ]);
  });

  it('S9: forbidden keywords fail, but not as property names', () => {
    const failures = checkSpec(specWith((p) => (p.x = { anyOf: [{ type: 'string' }, { type: 'integer' }] })));
    expect(failures).to.include('S9: /properties/x/anyOf uses "anyOf", which the Airbyte UI does not support (use oneOf)');
    expect(checkSpec(specWith((p) => (p.not = { type: 'string' })))).to.deep.equal([]);
  });

  it('S11, S12, S13: order, group and display_type rules', () => {
    expect(checkSpec(specWith((p) => (p.client_id.order = 0)))).to.deep.equal(['S11: /properties: "domain_url" and "client_id" share order 0 in group ""']);
    expect(checkSpec(specWith((p) => ((p.client_id.group = 'auth'), (p.client_id.order = 0))))).to.deep.equal([]);
    expect(checkSpec(specWith((p) => (p.credentials.oneOf[0].properties.token.group = 'g')))).to.deep.equal([
      'S12: /properties/credentials/oneOf/0/properties/token/group: "group" is allowed on top-level fields only',
    ]);
    expect(checkSpec(specWith((p) => (p.credentials.display_type = 'radio')))).to.deep.equal([]);
    expect(checkSpec(specWith((p) => (p.mode.display_type = 'list')))).to.deep.equal([
      'S13: /properties/mode/display_type: display_type is only allowed next to oneOf',
      'S13: /properties/mode/display_type must be "dropdown" or "radio", got "list"',
    ]);
  });

  it('S14: no $ref anywhere in the spec', () => {
    const s = specWith((p, spec) => {
      p.domain_url = { $ref: '#/definitions/url' };
      (spec.spec.connectionSpecification as Record<string, unknown>).definitions = { url: { type: 'string' } };
    });
    expect(checkSpec(s)).to.include('S14: /connectionSpecification/properties/domain_url/$ref: $ref is not allowed in a spec');
  });

  it('S15, S16: advanced_auth paths exist and OAuth is the first credentials variant', () => {
    const s = specWith((_p, spec) => {
      (spec.spec as Record<string, unknown>).advanced_auth = {
        auth_flow_type: 'oauth2.0',
        predicate_key: ['credentials', 'auth_type'],
        predicate_value: 'b',
        oauth_config_specification: {
          complete_oauth_output_specification: {
            properties: { refresh_token: { type: 'string', path_in_connector_config: ['credentials', 'refresh_token'] } },
          },
        },
      };
    });
    expect(checkSpec(s)).to.deep.equal([
      'S15: advanced_auth names /credentials/refresh_token, which is not a field of connectionSpecification',
      'S16: the first variant of credentials.oneOf must be OAuth: its auth_type const is "a", advanced_auth.predicate_value is "b"',
    ]);
  });

  it('S17: additionalProperties must be true', () => {
    expect(checkSpec(specWith((_p, spec) => (spec.spec.connectionSpecification.additionalProperties = false as never)))).to.deep.equal([
      'S17: /additionalProperties must be true (or absent), got false',
    ]);
  });
});

const GOOD_STREAM = {
  name: 'leads',
  json_schema: {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    properties: {
      id: { type: 'integer' },
      email: { type: ['null', 'string'] },
      updatedAt: { type: ['null', 'string'], format: 'date-time' },
      attributes: { type: ['null', 'array'], items: { type: 'object', properties: { name: { type: 'string' } } } },
    },
  },
  supported_sync_modes: ['full_refresh', 'incremental'],
  source_defined_cursor: true,
  default_cursor_field: ['updatedAt'],
  source_defined_primary_key: [['id']],
};
const catalogWith = (edit: (stream: Record<string, any>) => void) => {
  const stream = clone(GOOD_STREAM) as Record<string, any>;
  edit(stream);
  return { type: 'CATALOG', catalog: { streams: [stream] } };
};

describe('harness: checkCatalog', () => {
  it('passes a good catalog', () => {
    expect(checkCatalog({ type: 'CATALOG', catalog: { streams: [GOOD_STREAM] } })).to.deep.equal([]);
    expect(checkCatalog([{ type: 'CATALOG', catalog: { streams: [GOOD_STREAM] } }])).to.deep.equal([]);
  });

  it('D1: one CATALOG, non-empty, unique names', () => {
    expect(checkCatalog([])).to.deep.equal(['D1: expected exactly one CATALOG message, got 0']);
    expect(checkCatalog({ streams: [] })).to.deep.equal(['D1: the catalog has no streams']);
    expect(checkCatalog({ streams: [GOOD_STREAM, GOOD_STREAM] })).to.deep.equal(['D1: stream name "leads" appears more than once']);
  });

  it('D2: json_schema must be valid draft-07', () => {
    const failures = checkCatalog(catalogWith((s) => (s.json_schema.properties.id.type = 'int')));
    expect(failures).to.have.length(1);
    expect(failures[0]).to.match(/^D2: stream "leads" json_schema is not a valid draft-07 schema: /);
  });

  it('D3, D6, D9: cursor and primary key exist, and the key is scalar', () => {
    expect(checkCatalog(catalogWith((s) => (s.default_cursor_field = ['changedAt'])))).to.deep.equal([
      'D3: stream "leads" default_cursor_field ["changedAt"] is not in its json_schema',
    ]);
    expect(checkCatalog(catalogWith((s) => (s.source_defined_primary_key = [['uuid']])))).to.deep.equal([
      'D6: stream "leads" primary key ["uuid"] is not in its json_schema',
    ]);
    expect(checkCatalog(catalogWith((s) => (s.source_defined_primary_key = [['attributes']])))).to.deep.equal([
      'D9: stream "leads" primary key ["attributes"] has type ["null","array"]; keys must be scalar',
    ]);
    // The string form too, which CAT's set(type) misses.
    expect(checkCatalog(catalogWith((s) => (s.json_schema.properties.id = { type: 'object', properties: { a: {} } })))).to.deep.equal([
      'D9: stream "leads" primary key ["id"] has type "object"; keys must be scalar',
    ]);
  });

  it('D4, D5: no $ref, allOf or not (a property named "not" under type object is fine)', () => {
    expect(checkCatalog(catalogWith((s) => (s.json_schema.properties.email = { $ref: '#/definitions/e' })))).to.include(
      'D4: stream "leads" json_schema uses $ref at /properties/email/$ref',
    );
    expect(checkCatalog(catalogWith((s) => (s.json_schema.properties.email = { allOf: [{ type: 'string' }] })))).to.deep.equal([
      'D5: stream "leads" json_schema uses "allOf" at /properties/email/allOf',
    ]);
    expect(checkCatalog(catalogWith((s) => (s.json_schema.properties.not = { type: 'string' })))).to.deep.equal([]);
    expect(checkCatalog(catalogWith((s) => ((s.json_schema.type = ['object', 'null']), (s.json_schema.properties.not = { type: 'string' }))))).to.deep.equal([
      'D5: stream "leads" json_schema uses "not" at /properties/not',
    ]);
  });

  it('D7, D8: sync modes present, additionalProperties true', () => {
    expect(checkCatalog(catalogWith((s) => (s.supported_sync_modes = [])))).to.deep.equal(['D7: stream "leads" has no supported_sync_modes']);
    expect(checkCatalog(catalogWith((s) => (s.json_schema.properties.attributes.items.additionalProperties = false)))).to.deep.equal([
      'D8: stream "leads" json_schema /properties/attributes/items/additionalProperties must be true (or absent), got false',
    ]);
  });
});

const CONFIGURED = configuredCatalogFromDiscovered({ streams: [GOOD_STREAM] });
const goodRead = () => [
  status('leads', 'STARTED'),
  status('leads', 'RUNNING'),
  record('leads', { id: 1, email: 'a@b.c', updatedAt: '2024-01-01T00:00:00Z', attributes: [{ name: 'x' }] }),
  record('leads', { id: 2, email: null, updatedAt: '2024-01-01 10:00:00' }),
  state('leads', { updatedAt: '2024-01-01T10:00:00Z' }, 2),
  status('leads', 'COMPLETE'),
];

describe('harness: checkRecords', () => {
  it('passes a good read', () => {
    expect(checkRecords(goodRead(), CONFIGURED)).to.deep.equal([]);
  });

  it('B2: schema violations, extra top-level columns and unknown streams fail', () => {
    const msgs = goodRead();
    msgs[2] = record('leads', { id: 1.5, email: 5 });
    msgs[3] = record('leads', { id: 2, surprise: true });
    msgs.push(record('contacts', { id: 1 }));
    expect(checkRecords(msgs, CONFIGURED)).to.deep.equal([
      'B2: stream "leads" record #1: /id must be integer (got 1.5); /email must be null,string (got 5)',
      'B2: stream "leads" record #2: / must NOT have additional properties (\'surprise\')',
      'B2: record of stream "contacts", which is not in the configured catalog',
    ]);
    expect(checkRecords(msgs, CONFIGURED, { failOnExtraColumns: false })).to.have.length(2);
  });

  it("B2: integers are Python ints; date-time is CAT's lenient check", () => {
    const msgs = goodRead();
    msgs[2] = record('leads', { id: 1e21 });
    msgs[3] = record('leads', { id: 2, updatedAt: '2024-02-30T00:00:00Z' });
    expect(checkRecords(msgs, CONFIGURED)).to.deep.equal([
      'B2: stream "leads" record #1: /id must be integer (got 1e+21)',
      'B2: stream "leads" record #2: /updatedAt must match format "date-time" (got "2024-02-30T00:00:00Z")',
    ]);
    expect(isCatDateTime('2024-01-01 10:00:00')).to.equal(true);
    expect(isCatDateTime('2024-1-1T1:2:3.123+02:00')).to.equal(true);
    expect(isCatDateTime('2024-01-01')).to.equal(false);
    expect(isCatDateTime('2024-01-01T25:00:00Z')).to.equal(false);
  });

  it('B2: a record sharing no field with the schema fails', () => {
    const msgs = goodRead();
    msgs[2] = record('leads', {});
    expect(checkRecords(msgs, CONFIGURED, { validatePrimaryKeys: false })).to.deep.equal([
      'B2: stream "leads" record #1: none of its fields is in the stream\'s json_schema',
    ]);
  });

  it('B2: repeated failures are capped per stream', () => {
    const msgs = [...goodRead(), ...Array.from({ length: 8 }, () => record('leads', { id: 'x' }))];
    const failures = checkRecords(msgs, CONFIGURED);
    expect(failures).to.have.length(6);
    expect(failures[5]).to.equal('B2: stream "leads": … and 3 more like these');
  });

  it('B4: primary key values are scalar and not all null', () => {
    const msgs = goodRead();
    msgs[2] = record('leads', { email: 'x@y' });
    msgs[3] = record('leads', { id: { nested: 1 } });
    const failures = checkRecords(msgs, CONFIGURED, { validateSchema: false });
    expect(failures).to.deep.equal([
      'B4: stream "leads" record #1: primary key [["id"]] is null',
      'B4: stream "leads" record #2: primary key ["id"] is an object',
    ]);
  });

  it('B7: STARTED, RUNNING…, COMPLETE per configured stream', () => {
    const noRunning = goodRead().filter((m, i) => i !== 1);
    expect(checkRecords(noRunning, CONFIGURED)).to.deep.equal([
      'B7: stream "None-leads" statuses must be STARTED, RUNNING (at least one), …, COMPLETE; got [STARTED, COMPLETE]',
    ]);
    const incomplete = goodRead();
    incomplete[5] = status('leads', 'INCOMPLETE');
    expect(checkRecords(incomplete, CONFIGURED)).to.have.length(1);
    expect(checkRecords(incomplete, CONFIGURED, { allowIncomplete: true })).to.deep.equal([]);
    expect(checkRecords([...goodRead(), status('other', 'STARTED')], CONFIGURED)).to.deep.equal([
      'B7: stream statuses for "None-other", which is not a configured stream',
    ]);
    expect(checkRecords(noRunning, CONFIGURED, { validateStreamStatuses: false })).to.deep.equal([]);
  });

  it('B8: every STATE is a STREAM state with a descriptor and sourceStats; enough of them', () => {
    const noStats = goodRead();
    noStats[4] = state('leads', { updatedAt: 'x' });
    expect(checkRecords(noStats, CONFIGURED)).to.deep.equal(['B8: STATE #1 has no sourceStats object']);
    const global = goodRead();
    global[4] = { type: 'STATE', state: { type: 'GLOBAL', global: { stream_states: [] }, sourceStats: { recordCount: 2 } } } as never;
    expect(checkRecords(global, CONFIGURED)).to.deep.equal([
      'B8: STATE #1 has type "GLOBAL"; only STREAM state is accepted',
      'B8: STATE #1 has no stream.stream_descriptor.name',
    ]);
    expect(
      checkRecords(
        goodRead().filter((m) => m.type !== 'STATE'),
        CONFIGURED,
      ),
    ).to.deep.equal(['B8: 0 STATE messages for 1 configured streams; every stream must checkpoint at least once']);
  });
});

describe('harness: checkSequentialSlices', () => {
  it("passes when each recordCount counts that stream's records since its previous STATE", () => {
    const msgs = [
      record('a', { id: 1 }),
      record('b', { id: 1 }),
      record('a', { id: 2 }),
      state('a', {}, 2),
      state('b', {}, 1),
      record('a', { id: 3 }),
      state('a', {}, 1),
      state('a', {}, 0),
    ];
    expect(checkSequentialSlices(msgs)).to.deep.equal([]);
  });

  it('fails on a wrong or missing recordCount', () => {
    const msgs = [record('a', { id: 1 }), record('a', { id: 2 }), state('a', {}, 3), record('a', { id: 3 }), state('a', {})];
    expect(checkSequentialSlices(msgs)).to.deep.equal([
      'I2: stream "a" STATE #1 says recordCount 3, but 2 records were emitted since the previous STATE',
      'I2: stream "a" STATE #2 has no sourceStats.recordCount (1 records since the previous STATE)',
    ]);
  });
});

const GOOD_DOCKERFILE = `# syntax=docker/dockerfile:1
FROM node:20-slim AS build
WORKDIR /app
COPY . .
RUN npm ci && npm run build

FROM build AS runtime
ENV NODE_ENV=production \\
    AIRBYTE_ENTRYPOINT="node /app/bin/source-marketo"
LABEL io.airbyte.name=airbyte/source-marketo-ts io.airbyte.version=0.1.0
ENTRYPOINT ["node", "/app/bin/source-marketo"]
`;
const METADATA = `data:\n  dockerRepository: airbyte/source-marketo-ts\n  dockerImageTag: 0.1.0\n`;

describe('harness: checkImageStatics', () => {
  it('passes a matching Dockerfile and metadata.yaml', () => {
    expect(checkImageStatics(GOOD_DOCKERFILE, METADATA)).to.deep.equal([]);
    expect(checkImageStatics(GOOD_DOCKERFILE)).to.deep.equal([]);
  });

  it('S20: AIRBYTE_ENTRYPOINT must equal the ENTRYPOINT joined by spaces', () => {
    const wrong = GOOD_DOCKERFILE.replace('"node /app/bin/source-marketo"', '"node bin/source-marketo"');
    expect(checkImageStatics(wrong)).to.deep.equal([
      'S20: ENV AIRBYTE_ENTRYPOINT is "node bin/source-marketo" but the ENTRYPOINT joined by spaces is "node /app/bin/source-marketo"',
    ]);
    const shellForm = GOOD_DOCKERFILE.replace('["node", "/app/bin/source-marketo"]', 'node /app/bin/source-marketo');
    expect(checkImageStatics(shellForm)[0]).to.match(/joined by spaces is "\/bin\/sh -c node \/app\/bin\/source-marketo"/);
    expect(checkImageStatics('FROM node:20\nENTRYPOINT ["node"]\nLABEL io.airbyte.name=a io.airbyte.version=1')).to.deep.equal([
      'S20: the image has no ENV AIRBYTE_ENTRYPOINT',
    ]);
  });

  it('S20: ENV and ENTRYPOINT of an external base stage do not carry over', () => {
    const split = GOOD_DOCKERFILE.replace('FROM build AS runtime', 'FROM node:20-slim');
    expect(checkImageStatics(split)).to.deep.equal([]);
    const lost = `FROM node:20 AS base\nENV AIRBYTE_ENTRYPOINT="node x"\nENTRYPOINT ["node","x"]\nFROM node:20\nLABEL io.airbyte.name=a io.airbyte.version=1\n`;
    expect(checkImageStatics(lost)).to.deep.equal(['S20: the image has no ENTRYPOINT', 'S20: the image has no ENV AIRBYTE_ENTRYPOINT']);
  });

  it('S19: labels exist and match metadata.yaml', () => {
    expect(checkImageStatics(GOOD_DOCKERFILE, METADATA.replace('0.1.0', '0.2.0'))).to.deep.equal([
      'S19: LABEL io.airbyte.version is "0.1.0" but metadata.yaml data.dockerImageTag is "0.2.0"',
    ]);
    const noLabels = GOOD_DOCKERFILE.replace(/^LABEL.*$/m, 'ARG VERSION=0.1.0\nLABEL io.airbyte.version=${VERSION}');
    expect(checkImageStatics(noLabels, METADATA)).to.deep.equal(['S19: the image has no LABEL io.airbyte.name']);
  });
});

describe('harness: checkConnection and catalog builders', () => {
  it('C1–C3', () => {
    const ok = { type: 'CONNECTION_STATUS', connectionStatus: { status: 'SUCCEEDED' } };
    expect(checkConnection([ok], 'succeed')).to.deep.equal([]);
    expect(checkConnection([ok], 'failed')).to.deep.equal(['C2: expected status FAILED, got "SUCCEEDED"']);
    expect(checkConnection([ok, ok], 'succeed')).to.deep.equal(['C1: expected exactly one CONNECTION_STATUS message, got 2']);
    const trace = { type: 'TRACE', trace: { type: 'ERROR', emitted_at: 1, error: { message: 'x' } } };
    expect(checkConnection([trace], 'exception')).to.deep.equal([]);
  });

  it('configuredCatalogFromDiscovered writes optional fields as null, like CAT', () => {
    const discovered = { type: 'CATALOG', catalog: { streams: [{ name: 'types', json_schema: {}, supported_sync_modes: ['full_refresh'] }, GOOD_STREAM] } };
    const all = configuredCatalogFromDiscovered(discovered);
    expect(all.streams[0]).to.deep.equal({
      stream: {
        name: 'types',
        json_schema: {},
        supported_sync_modes: ['full_refresh'],
        namespace: null,
        source_defined_cursor: null,
        default_cursor_field: null,
        source_defined_primary_key: null,
        is_resumable: null,
      },
      sync_mode: 'full_refresh',
      cursor_field: null,
      destination_sync_mode: 'append',
      primary_key: null,
      generation_id: null,
      minimum_generation_id: null,
      sync_id: null,
    });
    const incremental = configuredCatalogFromDiscovered(discovered, { syncMode: 'incremental' });
    expect(incremental.streams.map((s) => [(s.stream as { name: string }).name, s.sync_mode, s.cursor_field])).to.deep.equal([
      ['leads', 'incremental', ['updatedAt']],
    ]);
    expect(invalidStreamCatalog().streams[0].sync_mode).to.equal('INVALID');
  });
});
