import * as fs from 'fs';
import * as path from 'path';
import { expect } from 'chai';
import addFormats from 'ajv-formats';
import { newDraft07Ajv, formatAjvErrors } from '../harness/ajv-setup';
import { schemaDrift } from '../harness/protocol-drift';
import {
  loadOurSchema,
  loadProtocolSchema,
  officialSchemaSkipReason,
  OUR_SCHEMA_FILE,
  validateAgainstOfficialSchema,
  validateAgainstOurSchema,
} from '../harness/protocol-schema';
import { findRepoRoot } from '../harness/repo-root';
import { GENERATED_FILE, protocolTypesSource } from '../../scripts/generate-protocol-types';

/* Our own schema of the Airbyte protocol (protocol/airbyte-protocol.schema.json), the types generated
 * from it, and, when ../shared/airbyte-protocol is there, how it compares with the official one. */

const T = 1_700_000_000_000;
const descriptor = { name: 'activities' };

/** One message of every form the connectors emit or pass back. */
const MESSAGES_WE_EMIT: Record<string, unknown> = {
  record: { type: 'RECORD', record: { stream: 'activities', data: { marketoGUID: '1', id: 1 }, emitted_at: T } },
  'record with namespace': { type: 'RECORD', record: { stream: 'leads', namespace: 'mkto', data: {}, emitted_at: T } },
  'stream state': {
    type: 'STATE',
    state: { type: 'STREAM', stream: { stream_descriptor: descriptor, stream_state: { cursor: 'x' } }, sourceStats: { recordCount: 300 } },
  },
  'stream state passed back by the destination': {
    type: 'STATE',
    state: { type: 'STREAM', stream: { stream_descriptor: { name: 'leads' } }, destinationStats: { recordCount: 3, rejectedRecordCount: 1 } },
  },
  'global state passed back': {
    type: 'STATE',
    state: {
      type: 'GLOBAL',
      global: { shared_state: { s: 1 }, stream_states: [{ stream_descriptor: descriptor, stream_state: {} }] },
      destinationStats: { recordCount: 0 },
    },
  },
  'legacy state passed back': { type: 'STATE', state: { data: { leads: { updatedAt: '2026-01-01T00:00:00Z' } }, destinationStats: { recordCount: 2 } } },
  log: { type: 'LOG', log: { level: 'WARN', message: 'field hidden' } },
  spec: {
    type: 'SPEC',
    spec: {
      documentationUrl: 'https://example.com/docs',
      supportsIncremental: true,
      supported_destination_sync_modes: ['append', 'append_dedup'],
      connectionSpecification: { type: 'object' },
    },
  },
  'connection status': { type: 'CONNECTION_STATUS', connectionStatus: { status: 'FAILED', message: 'Marketo refused the client id or secret (601)' } },
  catalog: {
    type: 'CATALOG',
    catalog: {
      streams: [
        {
          name: 'activities',
          json_schema: { type: 'object', properties: {} },
          supported_sync_modes: ['full_refresh', 'incremental'],
          source_defined_cursor: true,
          default_cursor_field: ['activityDate'],
          source_defined_primary_key: [['marketoGUID']],
          is_resumable: true,
        },
      ],
    },
  },
  'error trace': {
    type: 'TRACE',
    trace: {
      type: 'ERROR',
      emitted_at: T,
      error: { message: 'Quota spent', internal_message: '607', failure_type: 'transient_error', stream_descriptor: descriptor },
    },
  },
  'estimate trace': { type: 'TRACE', trace: { type: 'ESTIMATE', emitted_at: T, estimate: { name: 'activities', type: 'STREAM', row_estimate: 150000 } } },
  'stream status trace': {
    type: 'TRACE',
    trace: { type: 'STREAM_STATUS', emitted_at: T, stream_status: { stream_descriptor: descriptor, status: 'INCOMPLETE' } },
  },
};

describe('our Airbyte protocol schema', () => {
  it('is a valid draft-07 schema under Ajv strict mode', () => {
    const ajv = newDraft07Ajv({ strict: true, discriminator: true });
    addFormats(ajv);
    expect(() => ajv.compile(loadOurSchema())).to.not.throw();
  });

  it(`${GENERATED_FILE} is what \`npm run generate\` writes from it today`, async function () {
    this.timeout(20_000);
    const committed = fs.readFileSync(path.join(findRepoRoot(), GENERATED_FILE), 'utf8');
    expect(committed === (await protocolTypesSource()), `${GENERATED_FILE} is stale: run \`npm run generate\` and commit it`).to.equal(true);
  });

  for (const [form, message] of Object.entries(MESSAGES_WE_EMIT)) {
    it(`accepts a ${form}`, () => expect(validateAgainstOurSchema(message)).to.deep.equal([]));
  }

  it('accepts the configured catalog Airbyte hands the source, with the nulls its acceptance tests write', () => {
    const ajv = newDraft07Ajv({ strict: true, discriminator: true });
    addFormats(ajv);
    ajv.addSchema(loadOurSchema(), 'ours');
    const validate = ajv.getSchema('ours#/definitions/ConfiguredAirbyteCatalog')!;
    const catalog = JSON.parse(fs.readFileSync(path.join(findRepoRoot(), 'integration_tests/source-marketo/configured_catalog.json'), 'utf8'));
    const withNulls = { streams: [{ ...catalog.streams[0], cursor_field: null, primary_key: null, generation_id: null, sync_id: null }] };
    expect(validate(catalog) ? [] : formatAjvErrors(validate.errors)).to.deep.equal([]);
    expect(validate(withNulls) ? [] : formatAjvErrors(validate.errors)).to.deep.equal([]);
  });
});

describe('harness: schemaDrift', () => {
  it('names each field, value, type, format and requirement ours has and the official schema has not', () => {
    const official = {
      definitions: {
        Message: {
          type: 'object',
          required: ['type', 'at'],
          properties: {
            type: { type: 'string', enum: ['A', 'B'] },
            at: { type: 'number' },
            url: { type: 'string', format: 'uri' },
            tags: { type: 'array', items: { type: 'string' } },
          },
        },
      },
    };
    const ours = {
      definitions: {
        Message: { oneOf: [{ $ref: '#/definitions/A' }, { $ref: '#/definitions/C' }] },
        A: { type: 'object', required: ['type', 'at'], properties: { type: { const: 'A' }, at: { type: 'integer' }, url: { type: 'string', format: 'uri' } } },
        C: {
          type: 'object',
          required: ['type'],
          properties: {
            type: { const: 'C' },
            at: { type: 'string' },
            url: { type: 'string' },
            tags: { type: 'array', items: { type: ['string', 'null'] } },
            extra: {},
          },
        },
      },
    };
    expect(schemaDrift(ours, official, 'Message')).to.deep.equal([
      'Message/type: value "C" is not in the official enum',
      'Message/at: type string (official: number)',
      'Message/url: format undefined (official: uri)',
      'Message/tags[]: type null (official: string)',
      'Message: field extra is not in the official schema',
      'Message: the official schema requires at, ours does not',
    ]);
  });
});

describe('our Airbyte protocol schema against the official one', function () {
  before(function () {
    const reason = officialSchemaSkipReason();
    if (reason === undefined) return;
    console.log(`    skipped: ${reason}`);
    this.skip();
  });

  for (const [form, message] of Object.entries(MESSAGES_WE_EMIT)) {
    it(`the official schema accepts our ${form} too`, () => expect(validateAgainstOfficialSchema(message)).to.deep.equal([]));
  }

  it(`${OUR_SCHEMA_FILE} says nothing the official schema does not, except what it means to`, () => {
    const ours = loadOurSchema();
    const official = loadProtocolSchema();
    const drift = [...schemaDrift(ours, official, 'AirbyteMessage'), ...schemaDrift(ours, official, 'ConfiguredAirbyteCatalog')];
    expect(drift).to.deep.equal([
      // The platform's "Full Refresh - Overwrite + Deduped" mode, newer than the official schema file.
      'ConfiguredAirbyteCatalog/streams[]/destination_sync_mode: value "overwrite_dedup" is not in the official enum',
      // Airbyte's acceptance tests write absent optional fields of a configured stream as nulls.
      'ConfiguredAirbyteCatalog/streams[]/cursor_field: type null (official: array)',
      'ConfiguredAirbyteCatalog/streams[]/primary_key: type null (official: array)',
      'ConfiguredAirbyteCatalog/streams[]/generation_id: type null (official: integer)',
      'ConfiguredAirbyteCatalog/streams[]/minimum_generation_id: type null (official: integer)',
      'ConfiguredAirbyteCatalog/streams[]/sync_id: type null (official: integer)',
    ]);
  });
});
