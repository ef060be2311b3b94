import { JsonSchema } from '../../protocol/types';

// Record schemas of the activity-like streams. Nullable everywhere Marketo may omit a value;
// `additionalProperties: true` as Airbyte's acceptance tests require.

const nullable = (type: string, extra: Record<string, unknown> = {}) => ({ type: ['null', type], ...extra });

const attributeValue = { type: ['null', 'string', 'number', 'integer', 'boolean'] };

export const ACTIVITY_PROPERTIES: Record<string, JsonSchema> = {
  marketoGUID: { type: 'string', description: 'Unique id of the activity (Marketo replaces `id` with it).' },
  id: nullable('integer', { description: 'Legacy activity id; absent and not unique on Activity Service instances.' }),
  leadId: nullable('integer'),
  activityDate: { type: 'string', format: 'date-time', description: 'When the activity happened, UTC, to the second.' },
  activityTypeId: nullable('integer'),
  campaignId: nullable('integer', { description: 'The smart campaign that caused the activity, if any.' }),
  primaryAttributeValueId: nullable('integer'),
  primaryAttributeValue: nullable('string'),
  attributes: {
    type: ['null', 'array'],
    description: 'Secondary attributes as Marketo gives them: name/value pairs (empty values omitted).',
    items: {
      type: 'object',
      additionalProperties: true,
      properties: { name: { type: 'string' }, value: attributeValue, apiName: nullable('string') },
    },
  },
};

export const ACTIVITY_SCHEMA: JsonSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  additionalProperties: true,
  properties: ACTIVITY_PROPERTIES,
};

export const LEAD_CHANGE_SCHEMA: JsonSchema = {
  ...ACTIVITY_SCHEMA,
  properties: {
    ...ACTIVITY_PROPERTIES,
    fields: {
      type: ['null', 'array'],
      description: 'For Change Data Value: the lead fields changed, with their new and old values.',
      items: {
        type: 'object',
        additionalProperties: true,
        properties: { id: nullable('integer'), name: { type: 'string' }, newValue: attributeValue, oldValue: attributeValue },
      },
    },
    externalCompanyId: nullable('string', {
      description:
        "For a Change Data Value of a company field (one Describe Company lists): the externalCompanyId of the lead's company when the change was made; a linked lead's change is its company's, so join companies on it to apply the change there.",
    }),
  },
};

export const ACTIVITY_TYPE_SCHEMA: JsonSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  additionalProperties: true,
  properties: {
    id: { type: 'integer' },
    name: nullable('string'),
    description: nullable('string'),
    apiName: nullable('string', { description: 'Set for custom activity types.' }),
    primaryAttribute: {
      type: ['null', 'object'],
      additionalProperties: true,
      properties: { name: nullable('string'), dataType: nullable('string'), apiName: nullable('string') },
    },
    attributes: {
      type: ['null', 'array'],
      items: {
        type: 'object',
        additionalProperties: true,
        properties: { name: nullable('string'), dataType: nullable('string'), apiName: nullable('string') },
      },
    },
  },
};
