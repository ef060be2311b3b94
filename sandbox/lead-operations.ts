// What happens in the lead database when a lead is created, changed, deleted or merged, by an
// API call (Sync / Delete / Merge Leads) or "in the Marketo UI" (the in-process helpers): the
// store changes and the activities Marketo logs are written, so that lead changes, deleted leads
// and the leads themselves keep agreeing (Activities; Leads).
//
// * create: the next lead id, createdAt = updatedAt = now, one New Lead (12) activity.
// * update: one Change Data Value (13) per field whose value changes, none for unchanged values;
//   updatedAt moves only when something changed. A company field of a lead linked to a company
//   changed in the UI, by a form or a flow step changes the company record (whose values the lead
//   shows) and logs the Change Data Value on that lead only (UNVERIFIED, see sandbox/README.md);
//   through the API it is refused (1021).
// * delete: the lead leaves the store, one Delete Lead (37) activity (Get Deleted Leads).
// * merge: the winner keeps its id and takes the losers' values where its own are empty; the
//   losers leave the store; one Merge Leads (32) activity on the winner naming them in
//   "Merge IDs"; the winner's updatedAt moves. No Delete Lead for the losers (as generated merges).

import type { ActivityDetails, Change, ChangeOrigin, ExplicitDetails } from './activity-details';
import type { ActivityGenerator } from './activity-generator';
import { COMPANY_KEY_FIELD, type CompanyStore } from './companies';
import { isEmptyValue, normalizeFieldValue, valueForMessage } from './field-values';
import { fullName, type Lead, type LeadStore, type LeadValue } from './leads';
import * as MarketoFacts from './marketo-facts';
import { RecordSkip } from './write-request';

/** Lead fields Marketo maintains itself: never taken from a merged-away lead. */
const SYSTEM_LEAD_FIELDS = new Set(['id', 'createdAt', 'updatedAt', 'mktoName']);

/** Who changes a lead through the in-process updateLead: a person in the UI (default), a smart campaign, a form, or an API user. */
export interface UpdateLeadOptions {
  /**
   * 'unlogged': a change Marketo records no activity for. Marketo does not log a Change Data Value
   * for every field on every path (the Bulk Lead Extract page,
   * https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/bulk-extract/bulk-lead-extract,
   * offers the `updatedAt` filter on the last change to any field for what activities miss): only
   * that filter finds such a change.
   */
  source?: 'ui' | 'flow' | 'form' | 'api' | 'unlogged';
  /** With source 'api': the "Modifying User" (default: the sandbox's apiUser). */
  apiUser?: string;
}

export interface LeadOperationsContext {
  leads: LeadStore;
  companies: CompanyStore;
  generator: ActivityGenerator;
  details: ActivityDetails;
  /** The sandbox clock, epoch ms: the date of every write. */
  now: () => number;
}

/** Values of a write, checked and in stored form, and the read-only fields that were ignored. */
export interface PreparedValues {
  values: Record<string, LeadValue>;
  ignored: string[];
}

function isoSecond(sec: number): string {
  return new Date(sec * 1000).toISOString().replace('.000Z', 'Z');
}

export class LeadOperations {
  constructor(private readonly ctx: LeadOperationsContext) {}

  private nowSec(): number {
    return Math.floor(this.ctx.now() / 1000);
  }

  /**
   * Checks the fields of one input record against Describe Lead: an unknown (or hidden) name is
   * 1006, a value its type refuses is 1003 with the recorded message; read-only fields are
   * ignored (Marketo's behaviour is UNVERIFIED (Leads)). `exclude` names keys handled by the caller
   * (the lookup id).
   */
  prepare(input: Readonly<Record<string, unknown>>, exclude: readonly string[] = []): PreparedValues | RecordSkip {
    const values: Record<string, LeadValue> = {};
    const ignored: string[] = [];
    for (const [name, raw] of Object.entries(input)) {
      if (exclude.includes(name)) continue;
      const field = this.ctx.leads.fields.get(name);
      if (!field?.rest) return new RecordSkip(MarketoFacts.ERR_FIELD_NOT_FOUND, MarketoFacts.fieldNotFoundMessage(name));
      if (name === 'id') {
        // Describe calls `id` writable, but a record may carry it only as updateOnly's lookup value (Leads; Error Codes).
        return new RecordSkip(MarketoFacts.ERR_INVALID_DATA, MarketoFacts.invalidFieldValueMessage(name, valueForMessage(raw)));
      }
      if (field.rest.readOnly) {
        ignored.push(name);
        continue;
      }
      const normalized = normalizeFieldValue(field.dataType, raw);
      if (!normalized.ok) return new RecordSkip(MarketoFacts.ERR_INVALID_DATA, MarketoFacts.invalidFieldValueMessage(name, valueForMessage(raw)));
      values[name] = normalized.value;
    }
    return { values, ignored };
  }

  /**
   * 1021 when the values change company fields of a lead linked to an existing company (through
   * the values' externalCompanyId or the lead's own) (Leads).
   */
  companyConflict(values: Readonly<Record<string, LeadValue>>, lead?: Readonly<Lead>): RecordSkip | undefined {
    const externalId = COMPANY_KEY_FIELD in values ? values[COMPANY_KEY_FIELD] : lead?.[COMPANY_KEY_FIELD];
    if (!this.ctx.companies.linkedTo(externalId ?? null)) return undefined;
    const companyFields = this.ctx.companies.companyFieldNames();
    if (!companyFields.some((f) => f in values)) return undefined;
    return new RecordSkip(MarketoFacts.ERR_COMPANY_UPDATE_NOT_ALLOWED, MarketoFacts.MSG_COMPANY_UPDATE_NOT_ALLOWED);
  }

  /** Ids of the live leads whose `field` holds `value` (emails compared case-insensitively), ascending. */
  findBy(field: string, value: LeadValue): number[] {
    if (value === null) return [];
    if (field === 'id') return typeof value === 'number' && this.ctx.leads.has(value) ? [value] : [];
    const isEmail = this.ctx.leads.fields.getAny(field)?.dataType === 'email';
    const wanted = isEmail && typeof value === 'string' ? value.toLowerCase() : value;
    const ids: number[] = [];
    for (const id of this.ctx.leads.idsWithValue(field, value)) {
      const v = this.ctx.leads.currentValue(id, field);
      if ((isEmail && typeof v === 'string' ? v.toLowerCase() : v) === wanted) ids.push(id);
    }
    return ids.sort((a, b) => a - b);
  }

  /** A new lead with these (prepared) values, logged as New Lead with the origin's source type. */
  create(values: Readonly<Record<string, LeadValue>>, origin: ChangeOrigin): Lead {
    const { leads, generator, details } = this.ctx;
    const sec = this.nowSec();
    const id = leads.allocateId();
    const lead: Lead = { id };
    for (const [k, v] of Object.entries(values)) if (v !== null) lead[k] = v;
    lead['mktoName'] = fullName(lead);
    lead['createdAt'] = isoSecond(sec);
    lead['updatedAt'] = isoSecond(sec);
    leads.insert(lead);
    // Its values do not derive from the seed: later generated changes must read them from the store.
    generator.markAllExplicit(id);
    generator.writeExplicit(MarketoFacts.TYPE_NEW_LEAD, sec, id, details.newLeadDetails(lead, sec, newLeadSourceType(origin)));
    return { ...lead };
  }

  /**
   * Applies (prepared) values to a lead; one Change Data Value per changed field. Returns the
   * changed fields. `datedSec` (default now) dates the activities: earlier than now, they are
   * committed late, while the lead's updatedAt is the time of the commit.
   */
  update(id: number, values: Readonly<Record<string, LeadValue>>, origin: ChangeOrigin | 'unlogged', datedSec?: number): string[] {
    const { leads, generator, details } = this.ctx;
    if (!leads.has(id)) return [];
    const sec = this.nowSec();
    const changed: string[] = [];
    // The link first: company fields then belong to the company the lead is linked to after it.
    const ordered = Object.entries(values).sort(([a], [b]) => Number(b === COMPANY_KEY_FIELD) - Number(a === COMPANY_KEY_FIELD));
    for (const [field, newValue] of ordered) {
      const company = this.linkedCompanyField(id, field);
      const oldValue = company ? (company[field] ?? null) : leads.currentValue(id, field);
      if (this.same(field, oldValue, newValue)) continue;
      if (company) {
        this.ctx.companies.update(company, { [field]: newValue }, isoSecond(sec));
        leads.touch(id, sec);
      } else leads.setField(id, field, newValue, sec);
      generator.markExplicitValue(id, field);
      if (origin !== 'unlogged')
        generator.writeExplicit(
          MarketoFacts.TYPE_CHANGE_DATA_VALUE,
          datedSec ?? sec,
          id,
          details.changeDataValueDetails({ field, oldValue, newValue }, origin),
        );
      changed.push(field);
    }
    return changed;
  }

  /**
   * A lead field changed by an activity other than Change Data Value (Change Score, Change
   * Segment, Change Lead Partition): the value, updatedAt and one activity of `typeId` whose
   * details `describe` builds from the change. false when nothing changes (Marketo logs nothing).
   */
  changeByActivity(id: number, typeId: number, field: string, newValue: LeadValue, describe: (change: Change) => ExplicitDetails, datedSec?: number): boolean {
    const { leads, generator } = this.ctx;
    if (!leads.has(id)) return false;
    const oldValue = leads.currentValue(id, field);
    if (this.same(field, oldValue, newValue)) return false;
    const sec = this.nowSec();
    leads.setField(id, field, newValue, sec);
    generator.markExplicitValue(id, field);
    generator.writeExplicit(typeId, datedSec ?? sec, id, describe({ field, oldValue, newValue }));
    return true;
  }

  /** The company record holding `field` for this lead: the lead is linked and `field` is a company field. */
  private linkedCompanyField(id: number, field: string): Record<string, LeadValue> | undefined {
    const company = this.ctx.companies.linkedTo(this.ctx.leads.currentValue(id, COMPANY_KEY_FIELD));
    return company && this.ctx.companies.companyFieldNames().includes(field) ? company : undefined;
  }

  /** Removes a lead and logs Delete Lead (dated `datedSec`, default now). false when there is no such lead. */
  delete(id: number, datedSec?: number): boolean {
    const lead = this.ctx.leads.remove(id);
    if (!lead) return false;
    this.ctx.generator.writeExplicit(MarketoFacts.TYPE_DELETE_LEAD, datedSec ?? this.nowSec(), id, this.ctx.details.deleteLeadDetails(lead));
    return true;
  }

  /** Merges the losers into the winner (all must exist, the winner not among them); the activity is dated `datedSec` (default now). */
  merge(winnerId: number, loserIds: readonly number[], mergeSource: string, datedSec?: number): void {
    const { leads, generator, details } = this.ctx;
    const sec = this.nowSec();
    let filled = false;
    for (const loserId of loserIds) {
      const loser = leads.get(loserId);
      const winner = leads.get(winnerId);
      if (!loser || !winner) continue;
      for (const [field, value] of Object.entries(loser)) {
        if (SYSTEM_LEAD_FIELDS.has(field) || isEmptyValue(value) || !isEmptyValue(winner[field])) continue;
        leads.setField(winnerId, field, value, sec);
        generator.markExplicitValue(winnerId, field);
        filled = true;
      }
      leads.remove(loserId);
    }
    leads.touch(winnerId, sec);
    const winner = leads.get(winnerId) as Lead;
    generator.writeExplicit(
      MarketoFacts.TYPE_MERGE_LEADS,
      datedSec ?? sec,
      winnerId,
      details.mergeLeadsDetails(winner, loserIds, { masterUpdated: filled, mergeSource }),
      loserIds[0] ?? 0,
    );
  }

  /** Unchanged values log nothing; an unset boolean reads false, so writing false to it changes nothing. */
  private same(field: string, a: LeadValue, b: LeadValue): boolean {
    if (a === b) return true;
    if (this.ctx.leads.fields.getAny(field)?.dataType === 'boolean') return (a ?? false) === (b ?? false);
    return false;
  }
}

/** New Lead's "Source Type" for a lead created by this origin (the generator's values). */
function newLeadSourceType(origin: ChangeOrigin): string {
  switch (origin.kind) {
    case 'api':
      return MarketoFacts.API_SOURCE;
    case 'form':
      return MarketoFacts.FORM_SOURCE;
    default:
      return MarketoFacts.UI_NEW_LEAD_SOURCE_TYPE;
  }
}

// Marketo documentation cited above by page name:
// - Activities: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/activities
// - Leads: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/leads
// - Error Codes: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/error-codes
