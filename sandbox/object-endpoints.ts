// Describe / Get / Sync / Delete of one non-lead object type (companies, a custom object)
// (Companies; Custom Objects; Lead Database API reference). Companies and custom objects share these rules:
//
// * Get: `filterType` is the idField, a searchable field, or the aliases `idField` /
//   `dedupeFields`; ≤ 300 `filterValues` (a compound dedupe key goes as JSON `input` with
//   POST _method=GET); `fields` default to idField, dedupe fields, updatedAt, createdAt; every
//   record carries `seq` (the index of the filter value it matched); absent values are left out
//   ("a requested field absent from a record means null" (Lead Database API reference)).
// * Sync: `action` createOrUpdate (default) | createOnly | updateOnly, `dedupeBy` dedupeFields
//   (default; every record carries all dedupe fields) | idField; results `{seq, <idField>, status}`.
// * Delete: `deleteBy` dedupeFields | idField; `{seq, <idField>, status:"deleted"}` or skipped 1013.

import { errorEnvelope, successEnvelope, type Envelope } from './envelope';
import { normalizeFieldValue, valueForMessage, type FieldValue } from './field-values';
import * as MarketoFacts from './marketo-facts';
import type { ObjectField, ObjectRecord, ObjectRelationship, ObjectStore } from './object-store';
import { encodeRecordToken } from './paging';
import { batchSizeOf, filterValuesOf, listParam, recordOffsetOf, requiredParam, type Parsed } from './params';
import type { RequestContext } from './request-context';
import { countStatuses, type WriteLog } from './write-log';
import { choiceOf, inputOf, isRecord, jsonBodyOf, RecordSkip, writeBodyOf } from './write-request';
import { textOf } from '../protocol/text';

export interface ObjectEndpointContext {
  store: ObjectStore;
  /** What the write log calls this object: "companies" or the custom object's name. */
  logName: string;
  /** The sandbox clock, epoch ms. */
  now: () => number;
  /** Whether a link field's value names an existing related record (e.g. a lead id). */
  relatedExists: (relatedTo: ObjectRelationship['relatedTo'], value: FieldValue) => boolean;
  writeLog: WriteLog;
}

type Result = Record<string, unknown>;

function isoSecond(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

function isBlank(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

export class ObjectEndpoints {
  constructor(private readonly ctx: ObjectEndpointContext) {}

  private get store(): ObjectStore {
    return this.ctx.store;
  }

  /** The type's metadata as List Custom Objects (without fields) and Describe (with) show it (Companies; Custom Objects). */
  metadata(withFields: boolean): Record<string, unknown> {
    const definition = this.store.definition;
    const out: Record<string, unknown> = { name: definition.name };
    if (definition.displayName !== undefined) out['displayName'] = definition.displayName;
    if (definition.pluralName !== undefined) out['pluralName'] = definition.pluralName;
    out['description'] = definition.description;
    out['createdAt'] = definition.createdAt;
    out['updatedAt'] = definition.updatedAt;
    out['idField'] = definition.idField;
    out['dedupeFields'] = [...definition.dedupeFields];
    out['searchableFields'] = definition.searchableFields.map((s) => [...s]);
    if (definition.relationships) out['relationships'] = definition.relationships.map((r) => ({ ...r, relatedTo: { ...r.relatedTo } }));
    if (withFields) out['fields'] = definition.fields.map((f) => ({ ...f }));
    return out;
  }

  describe(req: RequestContext): Envelope {
    return successEnvelope(req.requestId, [this.metadata(true)]);
  }

  // -------------------------------------------------------------------------------------------
  // Get
  // -------------------------------------------------------------------------------------------

  get(req: RequestContext): Envelope {
    const filterType = requiredParam(req, 'filterType');
    if (!filterType.ok) return filterType.envelope;
    const keyFields = this.filterFields(req, filterType.value);
    if (!keyFields.ok) return keyFields.envelope;
    const fields = this.requestedFields(req);
    if (!fields.ok) return fields.envelope;
    const batchSize = batchSizeOf(req);
    if (!batchSize.ok) return batchSize.envelope;
    const offset = recordOffsetOf(req, this.store.definition.name);
    if (!offset.ok) return offset.envelope;

    const matches = keyFields.value.length === 1 ? this.matchValues(req, keyFields.value[0]) : this.matchCompound(req, keyFields.value);
    if (!matches.ok) return matches.envelope;

    const all = matches.value;
    const page = all.slice(offset.value, offset.value + batchSize.value);
    const items = page.map(({ seq, record }) => this.project(seq, record, fields.value));
    const end = offset.value + page.length;
    if (end < all.length) {
      return successEnvelope(req.requestId, items, {
        nextPageToken: encodeRecordToken(this.store.definition.name, end),
        moreResult: true,
      });
    }
    return successEnvelope(req.requestId, items);
  }

  /** The fields a filterType stands for: one field, or the dedupe fields (maybe compound). */
  private filterFields(req: RequestContext, filterType: string): Parsed<string[]> {
    const definition = this.store.definition;
    if (filterType === MarketoFacts.DEDUPE_BY_ID_FIELD) return { ok: true, value: [definition.idField] };
    if (filterType === MarketoFacts.DEDUPE_BY_DEDUPE_FIELDS) return { ok: true, value: [...definition.dedupeFields] };
    if (!this.store.field(filterType)) {
      return { ok: false, envelope: errorEnvelope(req.requestId, MarketoFacts.ERR_FIELD_NOT_FOUND, MarketoFacts.fieldNotFoundMessage(filterType)) };
    }
    const searchable =
      filterType === definition.idField ||
      definition.searchableFields.some((s) => s.length === 1 && s[0] === filterType) ||
      (definition.dedupeFields.length === 1 && definition.dedupeFields[0] === filterType);
    if (!searchable) {
      return { ok: false, envelope: errorEnvelope(req.requestId, MarketoFacts.ERR_FIELD_NOT_SUPPORTED, MarketoFacts.fieldNotSupportedMessage(filterType)) };
    }
    return { ok: true, value: [filterType] };
  }

  private requestedFields(req: RequestContext): Parsed<string[]> {
    const names = listParam(req.params, 'fields');
    if (names.length === 0) return { ok: true, value: [...this.store.definition.defaultFields] };
    for (const name of names) {
      if (!this.store.field(name)) {
        return { ok: false, envelope: errorEnvelope(req.requestId, MarketoFacts.ERR_FIELD_NOT_FOUND, MarketoFacts.fieldNotFoundMessage(name)) };
      }
    }
    return { ok: true, value: names };
  }

  /** filterValues of one field, compared in the field's stored form; values of the wrong type match nothing. */
  private matchValues(req: RequestContext, field: string): Parsed<Array<{ seq: number; record: ObjectRecord }>> {
    const values = filterValuesOf(req);
    if (!values.ok) return values;
    const dataType = (this.store.field(field) as ObjectField).dataType;
    const keys = values.value.map((v) => {
      const n = normalizeFieldValue(dataType, v);
      return n.ok ? n.value : null;
    });
    return { ok: true, value: this.store.matching(field, keys) };
  }

  /** A compound key: JSON `input` records carrying every key field, sent with POST _method=GET (Custom Objects). */
  private matchCompound(req: RequestContext, keyFields: string[]): Parsed<Array<{ seq: number; record: ObjectRecord }>> {
    // A body that does not parse reads as one without input (1002), as it did before.
    const body = jsonBodyOf(req);
    const parsed = inputOf(req, (body.ok ? body.value : undefined) ?? {}, MarketoFacts.MAX_FILTER_VALUES);
    if (!parsed.ok) return parsed;
    const { input } = parsed.value;
    const out: Array<{ seq: number; record: ObjectRecord }> = [];
    const seen = new Set<ObjectRecord>();
    input.forEach((raw, seq) => {
      if (!isRecord(raw)) return;
      const key = this.keyOf(raw, keyFields);
      if (key instanceof RecordSkip) return;
      const record = this.store.byKey(key);
      if (record && !seen.has(record)) {
        seen.add(record);
        out.push({ seq, record });
      }
    });
    return { ok: true, value: out };
  }

  private project(seq: number, record: ObjectRecord, fields: string[]): Result {
    const idField = this.store.definition.idField;
    const out: Result = { seq, [idField]: record[idField] };
    for (const name of fields) {
      if (name in out) continue;
      const value = record[name];
      if (value !== null && value !== undefined) out[name] = value;
    }
    return out;
  }

  // -------------------------------------------------------------------------------------------
  // Sync and Delete
  // -------------------------------------------------------------------------------------------

  sync(req: RequestContext): Envelope {
    return this.logged(req, 'sync', this.syncRecords(req));
  }

  delete(req: RequestContext): Envelope {
    return this.logged(req, 'delete', this.deleteRecords(req));
  }

  private syncRecords(req: RequestContext): Envelope {
    const parsed = writeBodyOf(req);
    if (!parsed.ok) return parsed.envelope;
    const { body, input } = parsed.value;
    const action = choiceOf(req, body, 'action', MarketoFacts.OBJECT_ACTIONS, 'createOrUpdate');
    if (!action.ok) return action.envelope;
    const dedupeBy = this.keyChoice(req, body, 'dedupeBy');
    if (!dedupeBy.ok) return dedupeBy.envelope;
    const { byId, keyFields } = dedupeBy.value;
    const definition = this.store.definition;
    if (byId && !definition.idFieldActions.includes(action.value)) {
      return errorEnvelope(
        req.requestId,
        MarketoFacts.ERR_INVALID_DATA,
        MarketoFacts.invalidParameterMessage('dedupeBy', `${MarketoFacts.DEDUPE_BY_ID_FIELD}' with action '${action.value}`),
      );
    }
    const now = isoSecond(this.ctx.now());
    const seenKeys = new Set<string>();
    const results = input.map((raw, seq): Result => {
      const outcome = this.syncOne(raw, keyFields, byId, action.value, seenKeys, now);
      if (outcome instanceof RecordSkip) return { seq, status: 'skipped', reasons: outcome.reasons() };
      return { seq, [definition.idField]: outcome.record[definition.idField], status: outcome.status };
    });
    return successEnvelope(req.requestId, results);
  }

  private syncOne(
    raw: unknown,
    keyFields: string[],
    byId: boolean,
    action: string,
    seenKeys: Set<string>,
    now: string,
  ): RecordSkip | { record: ObjectRecord; status: 'created' | 'updated' } {
    if (!isRecord(raw)) return new RecordSkip(MarketoFacts.ERR_INVALID_DATA, MarketoFacts.MSG_INVALID_DATA);
    const key = this.keyOf(raw, keyFields);
    if (key instanceof RecordSkip) return key;
    for (const name of keyFields) {
      if (!this.linkHolds(name, key[name] ?? null))
        return new RecordSkip(MarketoFacts.ERR_INVALID_DATA, MarketoFacts.invalidFieldValueMessage(name, valueForMessage(raw[name])));
    }
    const keyText = JSON.stringify(keyFields.map((f) => key[f]));
    if (seenKeys.has(keyText)) return new RecordSkip(MarketoFacts.ERR_DUPLICATE_IN_INPUT, MarketoFacts.MSG_DUPLICATE_IN_INPUT);
    seenKeys.add(keyText);

    const values: ObjectRecord = {};
    for (const [name, value] of Object.entries(raw)) {
      if (keyFields.includes(name)) continue;
      const field = this.store.field(name);
      if (!field) return new RecordSkip(MarketoFacts.ERR_FIELD_NOT_FOUND, MarketoFacts.fieldNotFoundMessage(name));
      // Fields that are not updateable (idField, dedupe fields, dates) are ignored, like read-only lead fields.
      if (!field.updateable) continue;
      const normalized = normalizeFieldValue(field.dataType, value);
      if (!normalized.ok || !this.linkHolds(name, normalized.value)) {
        return new RecordSkip(MarketoFacts.ERR_INVALID_DATA, MarketoFacts.invalidFieldValueMessage(name, valueForMessage(value)));
      }
      values[name] = normalized.value;
    }

    const existing = byId ? this.store.byId(key[this.store.definition.idField] ?? null) : this.store.byKey(key);
    if (existing) {
      if (action === 'createOnly') return new RecordSkip(MarketoFacts.ERR_OBJECT_ALREADY_EXISTS, MarketoFacts.MSG_OBJECT_ALREADY_EXISTS);
      this.store.update(existing, values, now);
      return { record: existing, status: 'updated' };
    }
    // A record named by its idField cannot be created under that id.
    if (action === 'updateOnly' || byId) return new RecordSkip(MarketoFacts.ERR_OBJECT_NOT_FOUND, this.store.definition.notFoundMessage);
    return { record: this.store.create({ ...key, ...values }, now), status: 'created' };
  }

  private deleteRecords(req: RequestContext): Envelope {
    const parsed = writeBodyOf(req);
    if (!parsed.ok) return parsed.envelope;
    const { body, input } = parsed.value;
    const deleteBy = this.keyChoice(req, body, 'deleteBy');
    if (!deleteBy.ok) return deleteBy.envelope;
    const { byId, keyFields } = deleteBy.value;
    const definition = this.store.definition;
    const results = input.map((raw, seq): Result => {
      if (!isRecord(raw)) return { seq, status: 'skipped', reasons: new RecordSkip(MarketoFacts.ERR_INVALID_DATA, MarketoFacts.MSG_INVALID_DATA).reasons() };
      const key = this.keyOf(raw, keyFields);
      if (key instanceof RecordSkip) return { seq, status: 'skipped', reasons: key.reasons() };
      const record = byId ? this.store.byId(key[definition.idField] ?? null) : this.store.byKey(key);
      if (!record) return { seq, status: 'skipped', reasons: new RecordSkip(MarketoFacts.ERR_OBJECT_NOT_FOUND, definition.notFoundMessage).reasons() };
      this.store.remove(record);
      return { seq, [definition.idField]: record[definition.idField], status: 'deleted' };
    });
    return successEnvelope(req.requestId, results);
  }

  /** `dedupeBy` / `deleteBy`: whether records are named by the idField or by the dedupe fields (the default), and those fields. */
  private keyChoice(req: RequestContext, body: Record<string, unknown>, name: 'dedupeBy' | 'deleteBy'): Parsed<{ byId: boolean; keyFields: string[] }> {
    const choice = choiceOf(req, body, name, [MarketoFacts.DEDUPE_BY_DEDUPE_FIELDS, MarketoFacts.DEDUPE_BY_ID_FIELD], MarketoFacts.DEDUPE_BY_DEDUPE_FIELDS);
    if (!choice.ok) return choice;
    const byId = choice.value === MarketoFacts.DEDUPE_BY_ID_FIELD;
    const definition = this.store.definition;
    return { ok: true, value: { byId, keyFields: byId ? [definition.idField] : definition.dedupeFields } };
  }

  /** The key of an input record in stored form: every key field present and valid. */
  private keyOf(raw: Record<string, unknown>, keyFields: string[]): ObjectRecord | RecordSkip {
    const key: ObjectRecord = {};
    for (const name of keyFields) {
      const value = raw[name];
      if (isBlank(value)) return new RecordSkip(MarketoFacts.ERR_INVALID_DATA, MarketoFacts.missingDedupeValueMessage(name));
      const field = this.store.field(name) as ObjectField;
      const normalized = normalizeFieldValue(field.dataType, value);
      if (!normalized.ok || normalized.value === null) {
        return new RecordSkip(MarketoFacts.ERR_INVALID_DATA, MarketoFacts.invalidFieldValueMessage(name, valueForMessage(value)));
      }
      key[name] = normalized.value;
    }
    return key;
  }

  /** A link field must name an existing related record (failure code UNVERIFIED: 1003 chosen) (Custom Objects). */
  private linkHolds(field: string, value: FieldValue): boolean {
    if (value === null) return true;
    const link = this.store.definition.relationships?.find((r) => r.field === field);
    return !link || this.ctx.relatedExists(link.relatedTo, value);
  }

  /** Records a write in the write log; returns its answer. */
  private logged(req: RequestContext, operation: 'sync' | 'delete', envelope: Envelope): Envelope {
    const body = jsonBodyOf(req);
    const parsed = body.ok ? body.value : undefined;
    const input = parsed?.['input'];
    const action = operation === 'sync' ? (parsed?.['action'] ?? 'createOrUpdate') : (parsed?.['deleteBy'] ?? MarketoFacts.DEDUPE_BY_DEDUPE_FIELDS);
    const results = (envelope.result ?? []) as Array<{ status?: unknown }>;
    this.ctx.writeLog.add({
      at: this.ctx.now(),
      requestId: req.requestId,
      object: this.ctx.logName,
      operation,
      action: textOf(action),
      records: Array.isArray(input) ? input.length : 0,
      ...countStatuses(results),
      ...(envelope.errors?.[0] ? { error: envelope.errors[0].code } : {}),
    });
    return envelope;
  }
}

// Marketo documentation cited above by page name:
// - Companies: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/companies
// - Custom Objects: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/custom-objects
// - Lead Database API reference: https://developer.adobe.com/marketo-apis/api/mapi/
