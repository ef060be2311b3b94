import { expect } from 'chai';
import { LeadField } from '../../marketo/endpoints';
import { buildConverters, buildLeadSchema, CDC_DELETED_AT, converterFor, jsonTypeOf } from '../../source-marketo/streams/lead-schema';

function field(name: string, dataType: string, readOnly = false): LeadField {
  return { id: 1, displayName: name.toUpperCase(), dataType, rest: { name, readOnly } };
}

describe('lead schema: Marketo data types as JSON types', () => {
  const table: Array<[string, ReturnType<typeof jsonTypeOf>]> = [
    ['string', { type: 'string' }],
    ['text', { type: 'string' }],
    ['email', { type: 'string' }],
    ['phone', { type: 'string' }],
    ['url', { type: 'string' }],
    ['reference', { type: 'string' }],
    ['formula', { type: 'string' }],
    ['lead_function', { type: 'string' }],
    ['integer', { type: 'integer' }],
    ['score', { type: 'integer' }],
    ['float', { type: 'number' }],
    ['currency', { type: 'number' }],
    ['percent', { type: 'number' }],
    ['boolean', { type: 'boolean' }],
    ['date', { type: 'string', format: 'date' }],
    ['datetime', { type: 'string', format: 'date-time' }],
    ['a type Marketo adds later', { type: 'string' }],
  ];
  for (const [dataType, expected] of table) {
    it(`${dataType} → ${expected.type}${expected.format ? ` (${expected.format})` : ''}`, () => expect(jsonTypeOf(dataType)).to.deep.equal(expected));
  }
});

describe('lead schema: value converters', () => {
  const table: Array<[string, ReturnType<typeof jsonTypeOf>, unknown, unknown]> = [
    ['a string stays', { type: 'string' }, 'Acme', 'Acme'],
    ['a reference id sent as a number becomes text', { type: 'string' }, 42, '42'],
    ['an object in a string field is its JSON', { type: 'string' }, { a: 1 }, '{"a":1}'],
    ['a missing string is null', { type: 'string' }, undefined, null],
    ['an ISO datetime stays', { type: 'string', format: 'date-time' }, '2026-01-02T03:04:05Z', '2026-01-02T03:04:05Z'],
    ["an old instance's space-separated datetime becomes ISO UTC", { type: 'string', format: 'date-time' }, '2014-11-13 12:43:04', '2014-11-13T12:43:04Z'],
    ['a date stays', { type: 'string', format: 'date' }, '2026-01-02', '2026-01-02'],
    ['an integer stays', { type: 'integer' }, 7, 7],
    ['an integer sent as text is a number', { type: 'integer' }, '7', 7],
    ['a decimal in an integer field is null', { type: 'integer' }, 7.5, null],
    ['an empty integer is null', { type: 'integer' }, '', null],
    ['a non-number integer is null', { type: 'integer' }, 'seven', null],
    ['a decimal stays', { type: 'number' }, 12.5, 12.5],
    ['a decimal sent as text is a number', { type: 'number' }, '12.5', 12.5],
    ['an empty number is null', { type: 'number' }, '', null],
    ['a non-number is null', { type: 'number' }, 'n/a', null],
    ['true stays', { type: 'boolean' }, true, true],
    ['"true" is true', { type: 'boolean' }, 'true', true],
    ['1 is true', { type: 'boolean' }, 1, true],
    ['"false" is false', { type: 'boolean' }, 'false', false],
    ['0 is false', { type: 'boolean' }, 0, false],
    ['a missing boolean is null', { type: 'boolean' }, null, null],
  ];
  for (const [name, { type, format }, input, output] of table) {
    it(name, () => expect(converterFor(type, format)(input)).to.deep.equal(output));
  }

  it('converts each described field by its type, and the id sent as text to a number', () => {
    const converters = buildConverters([field('score', 'score'), field('updatedAt', 'datetime'), field('unsubscribed', 'boolean')]);
    const table: Array<[string, unknown, unknown]> = [
      ['score', '12', 12],
      ['updatedAt', '2014-11-13 12:43:04', '2014-11-13T12:43:04Z'],
      ['unsubscribed', 'true', true],
      ['id', '5', 5],
      ['id', 5, 5],
    ];
    for (const [name, input, output] of table) expect(converters.get(name)!(input), `${name} ${String(input)}`).to.deep.equal(output);
  });
});

describe('lead schema: the leads stream schema from Describe Lead', () => {
  const schema = buildLeadSchema(
    [
      field('email', 'email'),
      field('leadScore', 'integer'),
      field('createdAt', 'datetime', true),
      field('company', 'string'),
      field('externalCompanyId', 'string'),
    ],
    new Set(['company', 'externalCompanyId']),
  );
  const properties = schema.properties as Record<string, Record<string, unknown>>;

  const table: Array<[string, Record<string, unknown>]> = [
    ['email', { type: ['null', 'string'], description: 'EMAIL (Marketo email)' }],
    ['leadScore', { type: ['null', 'integer'], description: 'LEADSCORE (Marketo integer)' }],
    ['createdAt', { type: ['null', 'string'], format: 'date-time', description: 'CREATEDAT (Marketo datetime, read-only)' }],
    [
      'company',
      { type: ['null', 'string'], description: 'COMPANY (Marketo string). Company field: its value comes from the company linked by externalCompanyId' },
    ],
    [
      'externalCompanyId',
      {
        type: ['null', 'string'],
        description: 'EXTERNALCOMPANYID (Marketo string). Company field: its value comes from the company linked by externalCompanyId',
      },
    ],
    ['id', { type: 'integer', description: 'Marketo lead id' }],
    [
      CDC_DELETED_AT,
      {
        type: ['null', 'string'],
        format: 'date-time',
        description: 'Set when the lead was deleted or merged into another lead; deduplicating destinations delete the row',
      },
    ],
  ];
  for (const [name, expected] of table) {
    it(name, () => expect(properties[name]).to.deep.equal(expected));
  }

  it('has exactly the described fields, id and the deletion column, and allows more', () => {
    expect(Object.keys(properties)).to.have.members(table.map(([name]) => name));
    expect(schema).to.include({ type: 'object', additionalProperties: true });
  });
});
