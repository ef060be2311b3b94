// Lead endpoints (Leads): Describe Lead, Get Leads by Filter Type, Get Lead by Id,
// Sync Leads, Delete Leads, Merge Leads, Get Lead Partitions.

import type { ChangeOrigin } from './activity-details';
import { errorEnvelope, successEnvelope, type Envelope } from './envelope';
import { normalizeFieldValue, valueForMessage } from './field-values';
import type { LeadOperations } from './lead-operations';
import type { LeadPartition, LeadPartitions } from './lead-partitions';
import type { LeadView } from './lead-view';
import type { Lead, LeadStore, LeadValue } from './leads';
import * as MarketoFacts from './marketo-facts';
import { encodeRecordToken } from './paging';
import { filterReadOf, listParam, requiredParam, type Parsed } from './params';
import type { RequestContext } from './request-context';
import { countStatuses, type WriteLog } from './write-log';
import { choiceOf, inputOf, isRecord, jsonBodyOf, RecordSkip, writeBodyOf } from './write-request';
import { textOf } from '../protocol/text';

/** Object name inside Get Leads paging tokens. */
const LEAD_TOKEN_OBJECT = 'lead';

export interface LeadEndpointContext {
  leads: LeadStore;
  view: LeadView;
  operations: LeadOperations;
  writeLog: WriteLog;
  partitions: LeadPartitions;
  now: () => number;
}

type Result = Record<string, unknown>;

export class LeadEndpoints {
  constructor(private readonly ctx: LeadEndpointContext) {}

  private get leads(): LeadStore {
    return this.ctx.leads;
  }

  /** GET /rest/v1/leads/describe.json: the recorded 100-field Describe Lead, minus hidden fields (Leads). */
  describe(req: RequestContext): Envelope {
    return successEnvelope(req.requestId, this.leads.fields.describe());
  }

  /** GET /rest/v1/leads/partitions.json: `{id, name, description}` of every partition. */
  partitions(req: RequestContext): Envelope {
    return successEnvelope(req.requestId, this.ctx.partitions.list());
  }

  // -------------------------------------------------------------------------------------------
  // Reads
  // -------------------------------------------------------------------------------------------

  /**
   * GET /rest/v1/leads.json?filterType&filterValues[&fields&batchSize&nextPageToken] (Leads).
   * Matches ascend by lead id; more than 1000 is response-level 1003; pages of batchSize carry
   * moreResult and a nextPageToken, the last page neither (as recorded responses).
   */
  getLeads(req: RequestContext): Envelope {
    const params = filterReadOf(req, this.searchableFilterType(req), this.requestedFields(req), LEAD_TOKEN_OBJECT);
    if (!params.ok) return params.envelope;
    const { filterType, values, fields, batchSize, offset: after } = params.value;

    const matches = this.matching(req, filterType, values);
    if (!matches.ok) return matches.envelope;
    if (matches.value.length > MarketoFacts.MAX_FILTER_MATCHES)
      return errorEnvelope(req.requestId, MarketoFacts.ERR_INVALID_DATA, MarketoFacts.MSG_TOO_MANY_RESULTS);

    const remaining = matches.value.filter((l) => l.id > after);
    const page = remaining.slice(0, batchSize);
    const result = page.map((lead) => this.ctx.view.record(lead, fields));
    if (remaining.length > page.length) {
      const last = page[page.length - 1];
      return successEnvelope(req.requestId, result, { nextPageToken: encodeRecordToken(LEAD_TOKEN_OBJECT, last.id), moreResult: true });
    }
    return successEnvelope(req.requestId, result);
  }

  /** GET /rest/v1/lead/{id}.json[?fields]: one lead, or an empty result for an unknown (or merged-away) id (Leads). */
  getLeadById(req: RequestContext): Envelope {
    const fields = this.requestedFields(req);
    if (!fields.ok) return fields.envelope;
    const lead = this.leads.get(Number(req.pathParams?.[0]));
    return successEnvelope(req.requestId, lead ? [this.ctx.view.record(lead, fields.value)] : []);
  }

  /** 1006 for a name Describe does not list (or a hidden field), 1011 for a field that is not searchable (Leads). */
  /** filterType: required, and a field Get Leads can search by. */
  private searchableFilterType(req: RequestContext): Parsed<string> {
    const filterType = requiredParam(req, 'filterType');
    if (!filterType.ok) return filterType;
    const unsearchable = this.checkSearchable(req, filterType.value);
    return unsearchable ? { ok: false, envelope: unsearchable } : filterType;
  }

  private checkSearchable(req: RequestContext, name: string): Envelope | undefined {
    const searchability = this.leads.fields.searchability(name);
    if (searchability === 'notFound') return errorEnvelope(req.requestId, MarketoFacts.ERR_FIELD_NOT_FOUND, MarketoFacts.fieldNotFoundMessage(name));
    if (searchability === 'notSupported')
      return errorEnvelope(req.requestId, MarketoFacts.ERR_FIELD_NOT_SUPPORTED, MarketoFacts.fieldNotSupportedMessage(name));
    return undefined;
  }

  /** `fields`: default id, firstName, lastName, email, updatedAt, createdAt; an unknown name is response-level 1006. */
  private requestedFields(req: RequestContext): Parsed<readonly string[]> {
    const names = listParam(req.params, 'fields');
    if (names.length === 0) return { ok: true, value: MarketoFacts.DEFAULT_LEAD_FIELDS };
    for (const name of names) {
      if (!this.leads.fields.get(name)?.rest) {
        return { ok: false, envelope: errorEnvelope(req.requestId, MarketoFacts.ERR_FIELD_NOT_FOUND, MarketoFacts.fieldNotFoundMessage(name)) };
      }
    }
    return { ok: true, value: names };
  }

  /** Live leads whose `field` holds one of `values`, ascending id. */
  private matching(req: RequestContext, field: string, values: string[]): Parsed<Lead[]> {
    const dataType = this.leads.fields.get(field)?.dataType ?? 'string';
    const integer = field === 'id' || dataType === 'integer';
    const isEmail = dataType === 'email';
    const wanted = new Set<LeadValue>();
    for (const v of values) {
      if (integer) {
        if (!/^[+-]?\d+$/.test(v))
          return { ok: false, envelope: errorEnvelope(req.requestId, MarketoFacts.ERR_INVALID_VALUE_TYPE, MarketoFacts.invalidValueMessage(v, 'Integer')) };
        wanted.add(Number(v));
      } else {
        wanted.add(isEmail ? v.toLowerCase() : v);
      }
    }
    const out: Lead[] = [];
    if (field === 'id') {
      for (const id of wanted) {
        const lead = this.leads.get(id as number);
        if (lead) out.push(lead);
      }
    } else {
      for (const lead of this.leads.live()) {
        const v = lead[field];
        if (v === undefined || v === null) continue;
        const key = isEmail && typeof v === 'string' ? v.toLowerCase() : integer ? v : String(v);
        if (wanted.has(key)) out.push(lead);
      }
    }
    return { ok: true, value: out.sort((a, b) => a.id - b.id) };
  }

  // -------------------------------------------------------------------------------------------
  // Writes
  // -------------------------------------------------------------------------------------------

  /**
   * POST /rest/v1/leads.json (Leads). The legacy `?_method=DELETE` form deletes leads, as recorded.
   */
  syncLeads(req: RequestContext): Envelope {
    if ((req.params.get('_method') ?? '').toUpperCase() === 'DELETE') return this.deleteLeads(req);
    const ignored = new Set<string>();
    return this.logged(req, 'sync', this.syncRecords(req, ignored), { ignoredFields: [...ignored] });
  }

  private syncRecords(req: RequestContext, ignored: Set<string>): Envelope {
    const parsed = writeBodyOf(req);
    if (!parsed.ok) return parsed.envelope;
    const { body, input } = parsed.value;
    const action = choiceOf(req, body, 'action', MarketoFacts.LEAD_ACTIONS, 'createOrUpdate');
    if (!action.ok) return action.envelope;
    const rawLookup = body['lookupField'];
    const lookupField = typeof rawLookup === 'string' && rawLookup !== '' ? rawLookup : MarketoFacts.DEFAULT_LEAD_LOOKUP_FIELD;
    const unsearchable = this.checkSearchable(req, lookupField);
    if (unsearchable) return unsearchable;
    if (lookupField === 'id' && action.value !== 'updateOnly') {
      // `id` as lookup field only with updateOnly (Leads); the exact text is UNVERIFIED.
      return errorEnvelope(
        req.requestId,
        MarketoFacts.ERR_INVALID_DATA,
        MarketoFacts.invalidParameterMessage('lookupField', `id' with action '${action.value}`),
      );
    }
    const origin: ChangeOrigin = {
      kind: 'api',
      apiUser: req.apiUser ?? '',
      apiMethodName: MarketoFacts.API_METHOD_SYNC_LEAD,
      requestId: req.requestId,
    };
    const rawPartition = body['partitionName'];
    const partitionName = typeof rawPartition === 'string' && rawPartition !== '' ? rawPartition : undefined;
    // Records are applied one after the other: a later record sees what an earlier one created.
    const results = input.map((raw): Result => {
      const outcome = this.syncOne(raw, action.value, lookupField, partitionName, origin, ignored);
      if (outcome instanceof RecordSkip) return { status: 'skipped', reasons: outcome.reasons() };
      return { id: outcome.id, status: outcome.status };
    });
    return successEnvelope(req.requestId, results);
  }

  private syncOne(
    raw: unknown,
    action: string,
    lookupField: string,
    partitionName: string | undefined,
    origin: ChangeOrigin,
    ignored: Set<string>,
  ): RecordSkip | { id: number; status: 'created' | 'updated' } {
    if (!isRecord(raw)) return new RecordSkip(MarketoFacts.ERR_INVALID_DATA, MarketoFacts.MSG_INVALID_DATA);
    const ops = this.ctx.operations;
    const byId = lookupField === 'id';
    const prepared = ops.prepare(raw, byId ? ['id'] : []);
    if (prepared instanceof RecordSkip) return prepared;
    prepared.ignored.forEach((f) => ignored.add(f));
    const { values } = prepared;

    if (action === 'createDuplicate') return this.createChecked(values, partitionName, origin);

    let lookupValue: LeadValue;
    if (byId) {
      const n = normalizeFieldValue('integer', raw['id'] ?? null);
      if (!n.ok) return new RecordSkip(MarketoFacts.ERR_INVALID_DATA, MarketoFacts.invalidFieldValueMessage('id', valueForMessage(raw['id'])));
      lookupValue = n.value;
    } else {
      lookupValue = values[lookupField] ?? null;
    }
    // A record without its lookup value cannot be matched (Marketo's answer is UNVERIFIED; 1003 chosen).
    if (lookupValue === null) return new RecordSkip(MarketoFacts.ERR_INVALID_DATA, MarketoFacts.missingLookupValueMessage(lookupField));

    const matches = ops.findBy(lookupField, lookupValue);
    if (action === 'createOnly') {
      if (matches.length > 0) return new RecordSkip(MarketoFacts.ERR_LEAD_ALREADY_EXISTS, MarketoFacts.MSG_LEAD_ALREADY_EXISTS);
      return this.createChecked(values, partitionName, origin);
    }
    if (matches.length > 1) return new RecordSkip(MarketoFacts.ERR_MULTIPLE_LEADS_MATCH, MarketoFacts.MSG_MULTIPLE_LEADS_MATCH);
    if (matches.length === 0) {
      if (action === 'updateOnly') return new RecordSkip(MarketoFacts.ERR_LEAD_NOT_FOUND, MarketoFacts.MSG_LEAD_NOT_FOUND);
      return this.createChecked(values, partitionName, origin);
    }
    const id = matches[0];
    // partitionName is honoured by createOnly / createOrUpdate only; such an update must name the lead's own partition.
    if (partitionName !== undefined && action !== 'updateOnly') {
      const named = this.ctx.partitions.byName(partitionName);
      if (!named) return new RecordSkip(MarketoFacts.ERR_PARTITION_ACCESS_DENIED, MarketoFacts.partitionAccessDeniedMessage(partitionName));
      if (this.ctx.partitions.idOf(id) !== named.id)
        return new RecordSkip(MarketoFacts.ERR_PARTITION_UPDATE_NOT_ALLOWED, MarketoFacts.MSG_PARTITION_UPDATE_NOT_ALLOWED);
    }
    const conflict = ops.companyConflict(values, this.leads.get(id));
    if (conflict) return conflict;
    ops.update(id, values, origin);
    return { id, status: 'updated' };
  }

  private createChecked(
    values: Record<string, LeadValue>,
    partitionName: string | undefined,
    origin: ChangeOrigin,
  ): RecordSkip | { id: number; status: 'created' } {
    const partition = this.partitionForCreate(partitionName);
    if (partition instanceof RecordSkip) return partition;
    const conflict = this.ctx.operations.companyConflict(values);
    if (conflict) return conflict;
    return { id: this.ctx.operations.create({ ...values, ...this.ctx.partitions.valuesFor(partition) }, origin).id, status: 'created' };
  }

  /** The partition a new lead goes to: the one named, else the only one; several and none named is 1009. */
  private partitionForCreate(partitionName: string | undefined): LeadPartition | RecordSkip {
    const partitions = this.ctx.partitions;
    if (partitionName === undefined) {
      return partitions.several ? new RecordSkip(MarketoFacts.ERR_PARTITION_NAME_REQUIRED, MarketoFacts.MSG_PARTITION_NAME_REQUIRED) : partitions.first;
    }
    return (
      partitions.byName(partitionName) ?? new RecordSkip(MarketoFacts.ERR_PARTITION_ACCESS_DENIED, MarketoFacts.partitionAccessDeniedMessage(partitionName))
    );
  }

  /**
   * POST /rest/v1/leads/delete.json {input:[{id}]} (or `id=1,2` in the query with no body) (Leads).
   * An unknown id is skipped with 1004 "Lead not found" and keeps its id, as list-membership
   * results do (Marketo's answer is UNVERIFIED).
   */
  deleteLeads(req: RequestContext): Envelope {
    return this.logged(req, 'delete', this.deleteRecords(req));
  }

  private deleteRecords(req: RequestContext): Envelope {
    const body = jsonBodyOf(req);
    if (!body.ok) return body.envelope;
    let input: unknown[];
    if (body.value === undefined && listParam(req.params, 'id').length > 0) {
      input = listParam(req.params, 'id').map((id) => ({ id }));
      if (input.length > MarketoFacts.MAX_WRITE_RECORDS)
        return errorEnvelope(req.requestId, MarketoFacts.ERR_INVALID_DATA, MarketoFacts.tooManyValuesMessage('id', MarketoFacts.MAX_WRITE_RECORDS));
    } else {
      const parsed = inputOf(req, body.value ?? {});
      if (!parsed.ok) return parsed.envelope;
      input = parsed.value.input;
    }
    const results = input.map((raw): Result => {
      const id = normalizeFieldValue('integer', isRecord(raw) ? (raw['id'] ?? null) : null);
      if (!id.ok || id.value === null) {
        const shown = isRecord(raw) ? valueForMessage(raw['id'] ?? null) : valueForMessage(raw);
        return { status: 'skipped', reasons: new RecordSkip(MarketoFacts.ERR_INVALID_DATA, MarketoFacts.invalidFieldValueMessage('id', shown)).reasons() };
      }
      const leadId = id.value as number;
      if (!this.ctx.operations.delete(leadId)) {
        return { id: leadId, status: 'skipped', reasons: new RecordSkip(MarketoFacts.ERR_LEAD_NOT_FOUND, MarketoFacts.MSG_LEAD_NOT_FOUND).reasons() };
      }
      return { id: leadId, status: 'deleted' };
    });
    return successEnvelope(req.requestId, results);
  }

  /**
   * POST /rest/v1/leads/{winnerId}/merge.json?leadId=|leadIds= (Leads): no `result` on success.
   * Unknown ids are response-level 1004 (UNVERIFIED); more than 25 losers 1080.
   */
  mergeLeads(req: RequestContext): Envelope {
    const envelope = this.mergeRecords(req);
    const losers = [...listParam(req.params, 'leadId'), ...listParam(req.params, 'leadIds')];
    this.ctx.writeLog.add({
      at: this.ctx.now(),
      requestId: req.requestId,
      object: 'leads',
      operation: 'merge',
      records: losers.length,
      created: 0,
      updated: envelope.success ? 1 : 0,
      deleted: envelope.success ? losers.length : 0,
      skipped: 0,
      ...(envelope.errors?.[0] ? { error: envelope.errors[0].code } : {}),
    });
    return envelope;
  }

  private mergeRecords(req: RequestContext): Envelope {
    const winnerId = Number(req.pathParams?.[0]);
    const raw = [...listParam(req.params, 'leadId'), ...listParam(req.params, 'leadIds')];
    if (raw.length === 0) return errorEnvelope(req.requestId, MarketoFacts.ERR_MISSING_PARAMETER, MarketoFacts.missingParameterMessage('leadId'));
    const loserIds: number[] = [];
    for (const v of raw) {
      if (!/^\d+$/.test(v)) return errorEnvelope(req.requestId, MarketoFacts.ERR_INVALID_VALUE_TYPE, MarketoFacts.invalidValueMessage(v, 'Integer'));
      if (!loserIds.includes(Number(v))) loserIds.push(Number(v));
    }
    if (loserIds.length > MarketoFacts.MAX_MERGE_LEAD_IDS) {
      return errorEnvelope(req.requestId, MarketoFacts.ERR_MERGE_TOO_MANY_LEADS, `Merge Leads takes at most ${MarketoFacts.MAX_MERGE_LEAD_IDS} leadIds`);
    }
    if (loserIds.includes(winnerId)) {
      return errorEnvelope(req.requestId, MarketoFacts.ERR_INVALID_DATA, MarketoFacts.invalidParameterMessage('leadIds', String(winnerId)));
    }
    for (const id of [winnerId, ...loserIds]) {
      if (!this.leads.has(id)) return errorEnvelope(req.requestId, MarketoFacts.ERR_LEAD_NOT_FOUND, MarketoFacts.MSG_LEAD_NOT_FOUND);
    }
    this.ctx.operations.merge(winnerId, loserIds, MarketoFacts.API_SOURCE);
    return successEnvelope(req.requestId, undefined);
  }

  /** Records a write in the write log; returns its answer. */
  private logged(req: RequestContext, operation: 'sync' | 'delete', envelope: Envelope, extra: { ignoredFields?: string[] } = {}): Envelope {
    const body = jsonBodyOf(req);
    const parsed = body.ok ? body.value : undefined;
    const input = parsed?.['input'];
    const records = Array.isArray(input) ? input.length : listParam(req.params, 'id').length;
    this.ctx.writeLog.add({
      at: this.ctx.now(),
      requestId: req.requestId,
      object: 'leads',
      operation,
      ...(operation === 'sync' ? { action: textOf(parsed?.['action'] ?? 'createOrUpdate') } : {}),
      records,
      ...countStatuses((envelope.result ?? []) as Array<{ status?: unknown }>),
      ...(envelope.errors?.[0] ? { error: envelope.errors[0].code } : {}),
      ...(extra.ignoredFields && extra.ignoredFields.length > 0 ? { ignoredFields: extra.ignoredFields } : {}),
    });
    return envelope;
  }
}

// Marketo documentation cited above by page name:
// - Leads: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/leads
