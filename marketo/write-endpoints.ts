import { MarketoEnvelope } from './client';
import { MAX_BATCH_SIZE, MAX_FILTER_VALUES } from './constants';
import { COMPANIES_PATH, customObjectPath, MarketoEndpoints } from './endpoints';

export { COMPANIES_PATH, CUSTOM_OBJECTS_PATH, customObjectName, customObjectPath, type ObjectDescription } from './endpoints';

// The write side of the Lead Database API (Leads; Companies; Custom Objects), plus the metadata calls
// a writer needs. Read endpoints and Describe Lead/Company come from MarketoEndpoints.

/** Records per synchronous write call (`input`) for leads, companies and custom objects (Integration Best Practices). */
export const MAX_RECORDS_PER_WRITE = MAX_BATCH_SIZE;
/** Marketo refuses request bodies above 1 MB with HTTP 413 (Integration Best Practices); we stay under a rounder bound. */
export const MAX_REQUEST_BODY_BYTES = 1_000_000;
/** Server-side timeouts reach 120 s (Sync Custom Objects) (Lead Database API reference); ours must be longer. */
const WRITE_TIMEOUT_MS = 150_000;

// Record-level result codes (in `result[].reasons`) the destination acts on (Error Codes).
export const LEAD_NOT_FOUND = '1004';
export const RECORD_NOT_FOUND = '1013'; // delete of a company/custom object that does not exist
export const COMPANY_UPDATE_NOT_ALLOWED = '1021'; // company fields sent through Sync Leads
export const PARTITION_ACCESS_DENIED = '1008'; // partitionName names a partition the API user cannot reach
export const PARTITION_NAME_REQUIRED = '1009'; // a create without partitionName on an instance with several partitions
export const PARTITION_UPDATE_NOT_ALLOWED = '1010'; // the lead lives in another partition than partitionName
/** Delete answers meaning "nothing to delete": the record is already gone, which is what was asked. */
export const ALREADY_GONE_CODES = new Set([LEAD_NOT_FOUND, RECORD_NOT_FOUND]);

// Record statuses of write results (Error Codes).
export type RecordStatus = 'created' | 'updated' | 'deleted' | 'skipped';

export interface RecordResult {
  seq?: number; // companies and custom objects: input position, 0-based
  id?: number; // leads and companies; skipped leads carry none (seen in recorded Marketo responses)
  marketoGUID?: string; // custom objects
  status: string; // a RecordStatus, or one Marketo adds later (read as not written)
  reasons?: Array<{ code: string; message: string }>;
}

/** Sync Leads actions (Leads). `id` as lookup field is only valid with updateOnly. */
export type LeadAction = 'createOrUpdate' | 'updateOnly';

/** A lead partition as Get Lead Partitions answers it. */
export interface LeadPartition {
  id: number;
  name: string;
  description?: string;
}

export const LEADS_PATH = '/rest/v1/leads.json';
export const LEAD_PARTITIONS_PATH = '/rest/v1/leads/partitions.json';
export const DELETE_LEADS_PATH = '/rest/v1/leads/delete.json';
export const DELETE_COMPANIES_PATH = '/rest/v1/companies/delete.json';

/**
 * Marketo endpoints the destination calls. Each write sends at most 300 records and returns one
 * result per record in input order; whole-request failures are the client's to retry.
 */
export class MarketoWriteEndpoints extends MarketoEndpoints {
  /**
   * Sync Leads. `partitionName` is the partition new leads are created in; Marketo needs it on
   * instances with several lead partitions and honours it for creates only
   * (https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/leads#partitions).
   */
  async syncLeads(input: Record<string, unknown>[], lookupField: string, action: LeadAction, partitionName?: string): Promise<RecordResult[]> {
    return this.write(LEADS_PATH, { action, lookupField, ...(partitionName === undefined ? {} : { partitionName }), input });
  }

  /** Get Lead Partitions: every partition's id, name and description. */
  async getLeadPartitions(): Promise<LeadPartition[]> {
    return (await this.client.get<LeadPartition>(LEAD_PARTITIONS_PATH)).result;
  }

  /**
   * Get Leads by Filter Type: every lead whose `filterType` field holds one of `values` (≤ 300).
   * Several leads may share a value, so the answer is paged even for 300 values.
   */
  async findLeads(filterType: string, values: string[], fields: string[]): Promise<Record<string, unknown>[]> {
    if (values.length > MAX_FILTER_VALUES) throw new Error(`findLeads takes at most ${MAX_FILTER_VALUES} values`);
    const leads: Record<string, unknown>[] = [];
    let nextPageToken: string | undefined;
    do {
      const envelope: MarketoEnvelope = await this.client.get(LEADS_PATH, {
        query: { filterType, filterValues: values, fields, batchSize: MAX_BATCH_SIZE, nextPageToken },
      });
      leads.push(...envelope.result);
      nextPageToken = envelope.moreResult ? envelope.nextPageToken : undefined;
    } while (nextPageToken);
    return leads;
  }

  /**
   * Get Companies by their dedupe field, or Get Custom Objects by their dedupe fields (Companies;
   * Custom Objects): at most 300 keys, each record answered with the `seq` of the key it matched; a field
   * a record has no value for is left out (it means null). A single key field whose values hold
   * no comma goes as `filterValues`; a compound key, or a value with a comma, goes as JSON
   * `input` with POST _method=GET.
   */
  async findObjects(path: string, keyFields: string[], keys: Record<string, unknown>[], fields: string[]): Promise<Record<string, unknown>[]> {
    if (keys.length > MAX_FILTER_VALUES) throw new Error(`findObjects takes at most ${MAX_FILTER_VALUES} keys`);
    const byQuery = keyFields.length === 1 && keys.every((k) => !String(k[keyFields[0]]).includes(','));
    const records: Record<string, unknown>[] = [];
    let nextPageToken: string | undefined;
    do {
      const envelope: MarketoEnvelope = byQuery
        ? await this.client.get(path, {
            query: { filterType: keyFields[0], filterValues: keys.map((k) => String(k[keyFields[0]])), fields, batchSize: MAX_BATCH_SIZE, nextPageToken },
          })
        : await this.client.post(path, {
            query: { _method: 'GET', nextPageToken },
            json: { filterType: 'dedupeFields', fields, input: keys, batchSize: MAX_BATCH_SIZE },
          });
      records.push(...envelope.result);
      nextPageToken = envelope.moreResult ? envelope.nextPageToken : undefined;
    } while (nextPageToken);
    return records;
  }

  async deleteLeads(ids: number[]): Promise<RecordResult[]> {
    return this.write(DELETE_LEADS_PATH, { input: ids.map((id) => ({ id })) });
  }

  async syncCompanies(input: Record<string, unknown>[]): Promise<RecordResult[]> {
    return this.write(COMPANIES_PATH, { action: 'createOrUpdate', dedupeBy: 'dedupeFields', input });
  }

  async deleteCompanies(input: Record<string, unknown>[]): Promise<RecordResult[]> {
    return this.write(DELETE_COMPANIES_PATH, { deleteBy: 'dedupeFields', input });
  }

  async syncCustomObjects(apiName: string, input: Record<string, unknown>[]): Promise<RecordResult[]> {
    return this.write(customObjectPath(apiName), { action: 'createOrUpdate', dedupeBy: 'dedupeFields', input });
  }

  async deleteCustomObjects(apiName: string, input: Record<string, unknown>[]): Promise<RecordResult[]> {
    return this.write(customObjectPath(apiName, '/delete'), { deleteBy: 'dedupeFields', input });
  }

  private async write(path: string, body: { input: unknown[] } & Record<string, unknown>): Promise<RecordResult[]> {
    if (body.input.length > MAX_RECORDS_PER_WRITE) throw new Error(`${path} takes at most ${MAX_RECORDS_PER_WRITE} records per call`);
    return (await this.client.post<RecordResult>(path, { json: body, timeoutMs: WRITE_TIMEOUT_MS })).result;
  }
}

// Marketo documentation cited above by page name:
// - Integration Best Practices: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/marketo-integration-best-practices
// - Lead Database API reference: https://developer.adobe.com/marketo-apis/api/mapi/
// - Error Codes: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/error-codes
// - Custom Objects: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/custom-objects
// - Leads: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/leads
// - Companies: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/companies
