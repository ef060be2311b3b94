import { JsonSchema } from '../../protocol/types';

// Record schemas of the Asset API streams, as Get Programs, Get Smart Campaigns, Get
// Segmentations and Get Segments answer (https://developer.adobe.com/marketo-apis/api/asset/).
// Nullable wherever Marketo may leave a value out; dates are normalised to ISO 8601 UTC.

const n = (type: string, extra: Record<string, unknown> = {}) => ({ type: ['null', type], ...extra });
const date = n('string', { format: 'date-time' });
const open = (properties: Record<string, unknown>) => ({ type: ['null', 'object'], additionalProperties: true, properties });

/** Every asset's: id, name, description and dates. */
function schema(properties: Record<string, unknown>): JsonSchema {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    additionalProperties: true,
    properties: { id: { type: 'integer' }, name: n('string'), description: n('string'), createdAt: date, updatedAt: date, ...properties },
  };
}

export const PROGRAM_SCHEMA = schema({
  url: n('string'),
  type: n('string', { description: 'Default, Event, Event with Webinar, Engagement or Email' }),
  channel: n('string'),
  folder: open({ type: n('string'), value: n('integer'), folderName: n('string') }),
  status: n('string', { description: '"" for Default and Event programs; on/off for Engagement; locked/unlocked/completed for Email' }),
  workspace: n('string'),
  headStart: n('boolean'),
  sfdcId: n('string'),
  sfdcName: n('string'),
  startDate: n('string'),
  endDate: n('string'),
  tags: {
    type: ['null', 'array'],
    description: 'Tags as Get Program by Id gives them',
    items: { type: 'object', additionalProperties: true, properties: { tagType: n('string'), tagValue: n('string') } },
  },
  costs: {
    type: ['null', 'array'],
    description: 'Period costs as Get Program by Id gives them',
    items: { type: 'object', additionalProperties: true, properties: { startDate: n('string'), cost: n('number'), note: n('string') } },
  },
});

export const SMART_CAMPAIGN_SCHEMA = schema({
  folder: open({ id: n('integer'), type: n('string') }),
  status: n('string'),
  type: n('string', { description: 'batch, trigger or default' }),
  isSystem: n('boolean'),
  isActive: n('boolean'),
  isRequestable: n('boolean'),
  isCommunicationLimitEnabled: n('boolean'),
  recurrence: open({}),
  qualificationRuleType: n('string'),
  qualificationRuleInterval: n('integer'),
  qualificationRuleUnit: n('string'),
  maxMembers: n('integer'),
  workspace: n('string'),
  smartListId: n('integer'),
  flowId: n('integer'),
  parentProgramId: n('integer'),
  computedUrl: n('string'),
});

export const SEGMENTATION_SCHEMA = schema({
  url: n('string'),
  folder: open({ type: n('string'), value: n('integer'), folderName: n('string') }),
  status: n('string', { description: 'approved or draft' }),
  workspace: n('string'),
});

export const SEGMENT_SCHEMA = schema({
  url: n('string'),
  segmentationId: n('integer'),
});

export const STATIC_LIST_SCHEMA = schema({
  folder: open({ id: n('integer'), type: n('string') }),
  computedUrl: n('string'),
  url: n('string'),
  workspace: n('string'),
});
