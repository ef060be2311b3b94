import { MarketoClient, MarketoEnvelope } from './client';
import { MAX_BATCH_SIZE, MAX_FILTER_VALUES } from './constants';

// Typed wrappers of the Marketo endpoints the connectors use; shapes as in the Lead Database API
// reference (https://developer.adobe.com/marketo-apis/api/mapi/).

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
