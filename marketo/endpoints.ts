import { MarketoClient, MarketoEnvelope } from './client';
import { MAX_BATCH_SIZE, MAX_FILTER_VALUES } from './constants';

// Typed wrappers of the Marketo endpoints the connectors use; shapes as in the Lead Database API
// reference (https://developer.adobe.com/marketo-apis/api/mapi/).

/**
 * The fields of an activity besides its `id`, in the order Bulk Activity Extract writes them when a
 * job names no `fields` (https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/bulk-extract/bulk-activity-extract).
 */
export const ACTIVITY_EXPORT_FIELDS = [
  'marketoGUID',
  'leadId',
  'activityDate',
  'activityTypeId',
  'campaignId',
  'primaryAttributeValueId',
  'primaryAttributeValue',
  'attributes',
] as const;

export interface Activity {
  id?: number;
  marketoGUID: string;
  leadId: number;
  activityDate: string;
  activityTypeId: number;
  campaignId?: number;
  primaryAttributeValueId?: number;
  primaryAttributeValue?: string;
  attributes?: Array<{ name: string; value: unknown; apiName?: string }>;
  fields?: Array<{ id: number; name: string; newValue?: unknown; oldValue?: unknown }>;
  [key: string]: unknown;
}

export interface ActivityType {
  id: number;
  name: string;
  description?: string;
  apiName?: string;
  primaryAttribute?: { name: string; dataType: string; apiName?: string };
  attributes?: Array<{ name: string; dataType: string; apiName?: string }>;
}

export interface LeadField {
  id: number;
  displayName: string;
  dataType: string;
  length?: number;
  rest?: { name: string; readOnly: boolean };
  soap?: { name: string; readOnly: boolean };
}

export interface CompanyDescription {
  name?: string;
  idField?: string;
  dedupeFields?: string[];
  fields: Array<{ name: string; displayName?: string; dataType: string; length?: number; updateable?: boolean }>;
}

/** Metadata of a company or custom object type; List Custom Objects keys types by `name` or `apiName` (Custom Objects). */
export interface ObjectDescription extends CompanyDescription {
  apiName?: string;
  displayName?: string;
  searchableFields?: string[][];
  /** Link fields; one documented example writes `object` where the others write `relatedTo`. */
  relationships?: Array<{ field: string; type?: string; relatedTo?: { name: string; field: string }; object?: { name: string; field: string } }>;
}

export const COMPANIES_PATH = '/rest/v1/companies.json';
export const CUSTOM_OBJECTS_PATH = '/rest/v1/customobjects.json';

export function customObjectPath(apiName: string, suffix: '' | '/describe' | '/delete' = ''): string {
  return `/rest/v1/customobjects/${encodeURIComponent(apiName)}${suffix}.json`;
}

/** The name under which a custom object type is addressed: docs and Swagger disagree on the key (Custom Objects). */
export function customObjectName(description: ObjectDescription): string {
  return description.apiName ?? description.name ?? '';
}

/** One page of a record read (Get Companies, Get Custom Objects): the records and, when more match, the token of the next page. */
export interface RecordPage {
  records: Record<string, unknown>[];
  nextPageToken?: string;
}

export type Lead = Record<string, unknown> & { id: number };

export interface ActivityPage {
  activities: Activity[];
  moreResult: boolean;
  nextPageToken: string;
}

// Server-side timeout of Get Paging Token is 300 s; ours must be longer.
const PAGING_TOKEN_TIMEOUT_MS = 330_000;

export class MarketoEndpoints {
  constructor(readonly client: MarketoClient) {}

  async getPagingToken(sinceDatetime: string): Promise<string> {
    const envelope = await this.client.get('/rest/v1/activities/pagingtoken.json', { query: { sinceDatetime }, timeoutMs: PAGING_TOKEN_TIMEOUT_MS });
    if (!envelope.nextPageToken) throw new Error('Get Paging Token answered without a nextPageToken');
    return envelope.nextPageToken;
  }

  async getLeadActivities(nextPageToken: string, activityTypeIds: number[], batchSize = MAX_BATCH_SIZE): Promise<ActivityPage> {
    const envelope = await this.client.get<Activity>('/rest/v1/activities.json', { query: { nextPageToken, activityTypeIds, batchSize } });
    return toActivityPage(envelope, nextPageToken);
  }

  async getLeadChanges(nextPageToken: string, fields: string[], batchSize = MAX_BATCH_SIZE): Promise<ActivityPage> {
    const envelope = await this.client.get<Activity>('/rest/v1/activities/leadchanges.json', { query: { nextPageToken, fields, batchSize } });
    return toActivityPage(envelope, nextPageToken);
  }

  async getDeletedLeads(nextPageToken: string, batchSize = MAX_BATCH_SIZE): Promise<ActivityPage> {
    const envelope = await this.client.get<Activity>('/rest/v1/activities/deletedleads.json', { query: { nextPageToken, batchSize } });
    return toActivityPage(envelope, nextPageToken);
  }

  async getActivityTypes(): Promise<ActivityType[]> {
    return (await this.client.get<ActivityType>('/rest/v1/activities/types.json')).result;
  }

  async describeLead(): Promise<LeadField[]> {
    return (await this.client.get<LeadField>('/rest/v1/leads/describe.json')).result;
  }

  async describeCompany(): Promise<CompanyDescription | undefined> {
    return (await this.client.get<CompanyDescription>('/rest/v1/companies/describe.json')).result[0];
  }

  async listCustomObjects(): Promise<ObjectDescription[]> {
    return (await this.client.get<ObjectDescription>(CUSTOM_OBJECTS_PATH)).result;
  }

  async describeCustomObject(apiName: string): Promise<ObjectDescription | undefined> {
    return (await this.client.get<ObjectDescription>(customObjectPath(apiName, '/describe'))).result[0];
  }

  /**
   * One page of Get Companies / Get Custom Objects by the values (at most 300) of one searchable
   * field. More matches than a batch come with a position token; the next page repeats the same
   * filter with it.
   */
  async getObjectsPage(path: string, filterType: string, values: Array<string | number>, fields: string[], nextPageToken?: string): Promise<RecordPage> {
    if (values.length > MAX_FILTER_VALUES) throw new Error(`getObjectsPage takes at most ${MAX_FILTER_VALUES} values`);
    const envelope = await this.client.get(path, { query: { filterType, filterValues: values, fields, batchSize: MAX_BATCH_SIZE, nextPageToken } });
    return { records: envelope.result, nextPageToken: envelope.moreResult ? envelope.nextPageToken : undefined };
  }

  /**
   * Get Leads by Filter Type on `id`: at most 300 ids, so one call and no paging. Long field lists
   * go as POST with _method=GET (the client decides by URI length).
   */
  async getLeadsByIds(ids: number[], fields: string[]): Promise<Lead[]> {
    if (ids.length === 0) return [];
    if (ids.length > MAX_FILTER_VALUES) throw new Error(`getLeadsByIds takes at most ${MAX_FILTER_VALUES} ids`);
    const envelope = await this.client.get<Lead>('/rest/v1/leads.json', {
      query: { filterType: 'id', filterValues: ids, fields, batchSize: MAX_BATCH_SIZE },
    });
    return envelope.result;
  }
}

function toActivityPage(envelope: MarketoEnvelope<Activity>, previousToken: string): ActivityPage {
  return {
    activities: envelope.result,
    moreResult: envelope.moreResult === true,
    nextPageToken: envelope.nextPageToken ?? previousToken,
  };
}
