import { LeadField } from '../../marketo/endpoints';
import { JsonSchema } from '../../protocol/types';
import { textOf } from '../../protocol/text';

/** The column Airbyte's deduplicating destinations read to delete a row (CDC convention). */
export const CDC_DELETED_AT = '_ab_cdc_deleted_at';

type JsonType = 'string' | 'integer' | 'number' | 'boolean';

/** Marketo `dataType` → JSON type and format (Field Types, https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/field-types). Unknown types stay strings. */
const DATA_TYPES: Record<string, { type: JsonType; format?: string }> = {
  string: { type: 'string' },
  text: { type: 'string' },
  email: { type: 'string' },
  phone: { type: 'string' },
  url: { type: 'string' },
  reference: { type: 'string' }, // keys such as leadPartitionId or contactCompany: ids whose type varies, kept as text
  formula: { type: 'string' },
  lead_function: { type: 'string' },
  integer: { type: 'integer' },
  score: { type: 'integer' },
  float: { type: 'number' },
  currency: { type: 'number' },
  percent: { type: 'number' }, // documented as integer, but decimals are seen in exports
  boolean: { type: 'boolean' },
  date: { type: 'string', format: 'date' },
  datetime: { type: 'string', format: 'date-time' },
};

export function jsonTypeOf(dataType: string): { type: JsonType; format?: string } {
  return DATA_TYPES[dataType] ?? { type: 'string' };
}

/** The `leads` schema, built live from Describe Lead: every REST field, nullable, described. */
export function buildLeadSchema(fields: LeadField[], companyFields: Set<string>): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const field of fields) {
    const name = field.rest!.name;
    const { type, format } = jsonTypeOf(field.dataType);
    let description = `${field.displayName} (Marketo ${field.dataType}${field.rest!.readOnly ? ', read-only' : ''})`;
    if (companyFields.has(name)) {
      description += '. Company field: its value comes from the company linked by externalCompanyId';
    }
    properties[name] = { type: ['null', type], ...(format ? { format } : {}), description };
  }
  properties.id = { type: 'integer', description: 'Marketo lead id' };
  properties[CDC_DELETED_AT] = {
    type: ['null', 'string'],
    format: 'date-time',
    description: 'Set when the lead was deleted or merged into another lead; deduplicating destinations delete the row',
  };
  return { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', additionalProperties: true, properties };
}

/**
 * Per-field converters so that every value matches the declared type: Marketo sends reference ids
 * as numbers, and old instances send `2014-11-13 12:43:04` for datetimes.
 */
export function buildConverters(fields: LeadField[]): Map<string, (value: unknown) => unknown> {
  const converters = new Map<string, (value: unknown) => unknown>();
  for (const field of fields) {
    const { type, format } = jsonTypeOf(field.dataType);
    converters.set(field.rest!.name, converterFor(type, format));
  }
  converters.set('id', (v) => (typeof v === 'string' ? Number(v) : v));
  return converters;
}

export function converterFor(type: JsonType, format?: string): (value: unknown) => unknown {
  switch (type) {
    case 'string':
      if (format === 'date-time') {
        return (v) => (typeof v === 'string' && /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(v) ? `${v.replace(' ', 'T')}Z` : stringOrNull(v));
      }
      return stringOrNull;
    case 'integer':
      return (v) => {
        if (v === null || v === undefined || v === '') return null;
        const n = typeof v === 'number' ? v : Number(v);
        return Number.isInteger(n) ? n : null;
      };
    case 'number':
      return (v) => {
        if (v === null || v === undefined || v === '') return null;
        const n = typeof v === 'number' ? v : Number(v);
        return Number.isFinite(n) ? n : null;
      };
    case 'boolean':
      return (v) => (v === null || v === undefined ? null : v === true || v === 'true' || v === 1);
  }
}

function stringOrNull(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  return textOf(v);
}
