// Lead fields (Describe Lead) and the lead records of the sandbox subscription.
//
// The default field set is the recorded Describe Lead response of a real instance (100 fields,
// sandbox/data/describe-lead.json, copied from shared/marketo-recordings). Fields can be added
// or hidden at run time so tests can exercise schema drift. Lead values are generated
// deterministically from (seed, lead id, field name), so any initial value can be recomputed
// without storing it; the store keeps the current values, which activities change.

import recordedDescribe from './data/describe-lead.json';
import { RECORDED_CUSTOM_LEAD_FIELDS, SEARCHABLE_CUSTOM_FIELD_TYPES, STANDARD_SEARCHABLE_LEAD_FIELDS } from './marketo-facts';
import type { LeadField as LeadFieldDescription } from '../marketo/endpoints';
import { mixSeed, Rng } from './prng';
import * as SampleData from './sample-data';

/** A Describe Lead field: the same wire shape the client reads ((Leads): `rest` is absent when REST cannot use the field). */
export type { LeadFieldDescription };

/** A field added to Describe Lead at run time (a custom field created by an admin). */
export interface NewLeadField {
  /** REST API name. */
  name: string;
  displayName: string;
  /** string, text, email, phone, url, integer, float, currency, percent, boolean, date, datetime, ... */
  dataType: string;
  length?: number;
  readOnly?: boolean;
}

export type LeadValue = string | number | boolean | null;
/** A lead as Get Leads returns it: REST field names to values; `id` always present. */
export type Lead = { id: number } & Record<string, LeadValue>;

/** The 100 recorded fields, in the recorded order. */
export const RECORDED_LEAD_FIELDS: readonly LeadFieldDescription[] = recordedDescribe.result;

/** Whether a name can be used as filterType / lookupField (Leads). */
export type Searchability = 'searchable' | 'notFound' | 'notSupported';

/** Describe Lead's field list, with fields that can be added and hidden. */
export class LeadFieldStore {
  private readonly fields: LeadFieldDescription[];
  private readonly hidden = new Set<string>();
  /** REST names of custom fields (Describe has no flag for it): the recorded ones and those added. */
  private readonly custom = new Set<string>(RECORDED_CUSTOM_LEAD_FIELDS);

  constructor(fields: readonly LeadFieldDescription[] = RECORDED_LEAD_FIELDS) {
    this.fields = JSON.parse(JSON.stringify(fields)) as LeadFieldDescription[];
  }

  /** What Describe Lead returns now: every field that is not hidden, in order. */
  describe(): LeadFieldDescription[] {
    return this.fields.filter((f) => !(f.rest && this.hidden.has(f.rest.name)));
  }

  /** A visible field by REST name. */
  get(restName: string): LeadFieldDescription | undefined {
    if (this.hidden.has(restName)) return undefined;
    return this.fields.find((f) => f.rest?.name === restName);
  }

  /** A field by REST name even when hidden: old activities still name hidden fields. */
  getAny(restName: string): LeadFieldDescription | undefined {
    return this.fields.find((f) => f.rest?.name === restName);
  }

  /** Adds a custom field; its id is the next free one unless given. */
  add(field: Omit<LeadFieldDescription, 'id'> & { id?: number }): LeadFieldDescription {
    const name = field.rest?.name;
    if (name && this.getAny(name)) throw new Error(`lead field '${name}' already exists`);
    const id = field.id ?? Math.max(0, ...this.fields.map((f) => f.id)) + 1;
    const added: LeadFieldDescription = { ...field, id };
    this.fields.push(added);
    if (name) this.custom.add(name);
    return added;
  }

  hide(restName: string): void {
    this.hidden.add(restName);
  }

  isHidden(restName: string): boolean {
    return this.hidden.has(restName);
  }

  isCustom(restName: string): boolean {
    return this.custom.has(restName);
  }

  /**
   * filterType / lookupField rules (Leads): the standard searchable fields and custom string,
   * email or integer fields; other fields are not supported (1011), unknown names not found (1006).
   */
  searchability(restName: string): Searchability {
    const field = this.get(restName);
    if (!field?.rest) return 'notFound';
    if (STANDARD_SEARCHABLE_LEAD_FIELDS.includes(restName)) return 'searchable';
    if (this.isCustom(restName) && SEARCHABLE_CUSTOM_FIELD_TYPES.includes(field.dataType)) return 'searchable';
    return 'notSupported';
  }

  unhide(restName: string): void {
    this.hidden.delete(restName);
  }
}

// ---------------------------------------------------------------------------------------------
// Value generation
// ---------------------------------------------------------------------------------------------

/** Salts keep the random streams of different purposes independent. */
const SALT_LEAD_FIELD = 0x1ead;
const SALT_LEAD_META = 0x1eaf;

function nameHash(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function slug(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');
}

function isoSeconds(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * The lead fields that generated Change Data Value activities change, each with a generator
 * producing a plausible new value. `leadScore` is changed by Change Score activities instead.
 */
export const CHANGEABLE_FIELDS = [
  'firstName',
  'lastName',
  'email',
  'title',
  'company',
  'phone',
  'mobilePhone',
  'city',
  'state',
  'country',
  'postalCode',
  'industry',
  'leadSource',
  'leadStatus',
  'rating',
  'department',
  'numberOfEmployees',
  'annualRevenue',
  'website',
  'unsubscribed',
  'doNotCall',
  'integer_field',
  'boolean_field',
  'float_field',
  'textarea_field',
  'percent_field',
  'currency_field',
  'datetime_field',
] as const;

/** A new value for `field` of lead `leadId`, drawn from `rng`. Never null. */
export function generateFieldValue(field: string, rng: Rng, leadId: number): LeadValue {
  switch (field) {
    case 'firstName':
      return rng.pick(SampleData.FIRST_NAMES);
    case 'lastName':
      return rng.pick(SampleData.LAST_NAMES);
    case 'email':
      // The lead id keeps emails unique across leads, as a dedupe key must be.
      return `${slug(rng.pick(SampleData.FIRST_NAMES))}.${slug(rng.pick(SampleData.LAST_NAMES))}.${leadId}@${rng.pick(SampleData.COMPANY_DOMAINS)}`;
    case 'title':
      return rng.pick(SampleData.TITLES);
    case 'company':
      return rng.pick(SampleData.COMPANIES);
    case 'phone':
    case 'mobilePhone':
      return `+1 ${rng.int(200, 989)}-555-${String(rng.int(0, 9999)).padStart(4, '0')}`;
    case 'city':
      return rng.pick(SampleData.LOCATIONS).city;
    case 'state':
      return rng.pick(SampleData.LOCATIONS).state;
    case 'country':
      return rng.pick(SampleData.LOCATIONS).country;
    case 'postalCode':
      return rng.pick(SampleData.LOCATIONS).postalCode;
    case 'industry':
      return rng.pick(SampleData.INDUSTRIES);
    case 'leadSource':
      return rng.pick(SampleData.LEAD_SOURCES);
    case 'leadStatus':
      return rng.pick(SampleData.LEAD_STATUSES);
    case 'rating':
      return rng.pick(SampleData.RATINGS);
    case 'department':
      return rng.pick(SampleData.DEPARTMENTS);
    case 'numberOfEmployees':
      return rng.pick([5, 12, 50, 120, 250, 800, 1500, 5000, 12000]);
    case 'annualRevenue':
    case 'currency_field':
      return rng.int(10, 50000) * 1000;
    case 'website':
      return `https://www.${rng.pick(SampleData.COMPANY_DOMAINS)}`;
    case 'unsubscribed':
    case 'doNotCall':
    case 'boolean_field':
      return rng.chance(0.5);
    case 'leadScore':
      return rng.int(0, 150);
    case 'integer_field':
      return rng.int(-1000, 100000);
    case 'float_field':
      return Math.round(rng.next() * 1e6) / 100;
    case 'percent_field':
      return rng.int(0, 100);
    case 'textarea_field':
      return `Note ${rng.hex(6)}:\nmet at ${rng.pick(SampleData.LOCATIONS).city}; interested in ${rng.pick(SampleData.INDUSTRIES).toLowerCase()} use cases.`;
    case 'datetime_field':
      return isoSeconds(1767225600 + rng.int(0, 365 * 86400)); // some time in 2026
    default:
      return `${field} ${rng.hex(8)}`;
  }
}

/** How Change Data Value writes a value into "New Value"/"Old Value" and `fields[]`: as text. */
export function valueAsText(value: LeadValue): string | null {
  if (value === null) return null;
  return String(value);
}

/** Fields a generated lead may leave empty, and how often. */
const OPTIONAL_FIELD_NULL_RATE: Readonly<Record<string, number>> = {
  title: 0.15,
  phone: 0.3,
  mobilePhone: 0.6,
  city: 0.1,
  state: 0.1,
  country: 0.05,
  postalCode: 0.2,
  industry: 0.2,
  leadSource: 0.1,
  rating: 0.5,
  department: 0.4,
  numberOfEmployees: 0.3,
  annualRevenue: 0.5,
  website: 0.4,
  integer_field: 0.5,
  boolean_field: 0.5,
  float_field: 0.6,
  textarea_field: 0.8,
  percent_field: 0.7,
  currency_field: 0.7,
  datetime_field: 0.7,
};

/** Fields every generated lead has a value for. */
const FILLED_FIELDS = ['firstName', 'lastName', 'company', 'leadStatus', 'leadScore', 'unsubscribed', 'doNotCall'] as const;

/**
 * The initial value of one field of one generated lead: a pure function of (seed, leadId,
 * field), so Change Data Value activities can name the value a field had before any change.
 */
export function initialFieldValue(seed: number, leadId: number, field: string): LeadValue {
  if (field === 'email') {
    const first = initialFieldValue(seed, leadId, 'firstName') as string;
    const last = initialFieldValue(seed, leadId, 'lastName') as string;
    const rng = new Rng(mixSeed(seed, SALT_LEAD_FIELD, leadId, nameHash(field)));
    return `${slug(first)}.${slug(last)}.${leadId}@${rng.pick(SampleData.COMPANY_DOMAINS)}`;
  }
  if (field === 'unsubscribed' || field === 'doNotCall') {
    const rng = new Rng(mixSeed(seed, SALT_LEAD_FIELD, leadId, nameHash(field)));
    return rng.chance(0.04);
  }
  const nullRate = OPTIONAL_FIELD_NULL_RATE[field];
  const isFilled = (FILLED_FIELDS as readonly string[]).includes(field);
  if (nullRate === undefined && !isFilled) return null;
  const rng = new Rng(mixSeed(seed, SALT_LEAD_FIELD, leadId, nameHash(field)));
  if (nullRate !== undefined && rng.chance(nullRate)) return null;
  return generateFieldValue(field, rng, leadId);
}

/** Every field a generated lead can carry (besides id, createdAt, updatedAt, mktoName). */
export const GENERATED_LEAD_FIELDS: readonly string[] = ['email', ...FILLED_FIELDS, ...Object.keys(OPTIONAL_FIELD_NULL_RATE)];

/** "First Last": the read-only mktoName Marketo derives, and the name activities show. */
export function fullName(lead: Readonly<Record<string, LeadValue | undefined>>): string {
  return [lead['firstName'], lead['lastName']].filter((v) => v !== null && v !== undefined && v !== '').join(' ');
}

/** A generated lead with its initial values, created at `createdAtSec`. */
export function generateLead(seed: number, leadId: number, createdAtSec: number, updatedAtSec = createdAtSec): Lead {
  const lead: Lead = { id: leadId };
  for (const field of GENERATED_LEAD_FIELDS) {
    const value = initialFieldValue(seed, leadId, field);
    if (value !== null) lead[field] = value;
  }
  lead.mktoName = fullName(lead);
  lead.createdAt = isoSeconds(createdAtSec);
  lead.updatedAt = isoSeconds(updatedAtSec);
  return lead;
}

/** When a lead that existed before the generated activity window was created. */
export function preexistingCreatedAt(seed: number, leadId: number, windowStartSec: number): number {
  const rng = new Rng(mixSeed(seed, SALT_LEAD_META, leadId));
  // Up to two years before the window, at least an hour before it.
  return windowStartSec - 3600 - rng.int(0, 2 * 365 * 86400);
}

// ---------------------------------------------------------------------------------------------
// The store
// ---------------------------------------------------------------------------------------------

/** The subscription's leads by id, with the id allocator every lead-creating path shares. */
export class LeadStore {
  readonly fields: LeadFieldStore;
  private readonly byId = new Map<number, Lead>();
  /**
   * updatedAt in epoch seconds for leads changed since their record was last read: formatting a
   * date on every generated change is the costliest part of generating a million activities, so
   * the record's updatedAt string is brought up to date only when the lead is read.
   */
  private readonly pendingUpdatedAt = new Map<number, number>();
  /**
   * The last change to any field, epoch seconds, for leads changed since they were stored. The
   * visible `updatedAt` tracks standard fields only; the bulk lead extract's `updatedAt` filter
   * uses this time instead (https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/bulk-extract/bulk-lead-extract#filters).
   */
  private readonly lastChangeSec = new Map<number, number>();
  /** Live lead ids in insertion order, for uniform random picks. */
  private liveIds: number[] = [];
  private nextId: number;
  /**
   * Lead ids by value (strings lower-cased) for each field looked up so far: Sync Leads finds the
   * lead of every record by its lookup field, which a scan of every lead makes quadratic. Built on
   * a field's first lookup; insert, setField and remove, the only ways leads change, keep it current.
   */
  private readonly valueIndexes = new Map<string, Map<LeadValue, Set<number>>>();

  /** Ids 1..reservedUpTo are reserved for the generated leads, created or still pending. */
  constructor(reservedUpTo: number, fields: LeadFieldStore = new LeadFieldStore()) {
    this.fields = fields;
    this.nextId = reservedUpTo + 1;
  }

  /** A fresh lead id: Marketo ids only grow, and ids of deleted or merged leads are never reused. */
  allocateId(): number {
    return this.nextId++;
  }

  insert(lead: Lead): void {
    if (this.byId.has(lead.id)) throw new Error(`lead ${lead.id} already exists`);
    this.byId.set(lead.id, lead);
    this.liveIds.push(lead.id);
    for (const [field, index] of this.valueIndexes) indexAdd(index, lead[field], lead.id);
    if (lead.id >= this.nextId) this.nextId = lead.id + 1;
  }

  get(id: number): Lead | undefined {
    const lead = this.byId.get(id);
    if (lead) this.settle(lead);
    return lead;
  }

  /** A field's current value (null when unset) without copying the lead. */
  currentValue(id: number, field: string): LeadValue {
    return this.byId.get(id)?.[field] ?? null;
  }

  private settle(lead: Lead): void {
    const sec = this.pendingUpdatedAt.get(lead.id);
    if (sec === undefined) return;
    this.pendingUpdatedAt.delete(lead.id);
    const at = isoSeconds(sec);
    if (typeof lead.updatedAt !== 'string' || lead.updatedAt < at) lead.updatedAt = at;
  }

  has(id: number): boolean {
    return this.byId.has(id);
  }

  /** Removes a lead (delete or merged away). */
  remove(id: number): Lead | undefined {
    const lead = this.byId.get(id);
    if (!lead) return undefined;
    this.settle(lead);
    this.byId.delete(id);
    this.liveIds = this.liveIds.filter((x) => x !== id);
    for (const [field, index] of this.valueIndexes) indexDelete(index, lead[field], id);
    return lead;
  }

  /**
   * Sets one field, keeping mktoName and updatedAt consistent as Marketo does: a custom field's
   * change moves only the time of the last change, not updatedAt.
   */
  setField(id: number, field: string, value: LeadValue, atSec: number): void {
    const lead = this.byId.get(id);
    if (!lead) return;
    const index = this.valueIndexes.get(field);
    if (index) {
      indexDelete(index, lead[field], id);
      indexAdd(index, value, id);
    }
    if (value === null) delete lead[field];
    else lead[field] = value;
    if (field === 'firstName' || field === 'lastName') lead.mktoName = fullName(lead);
    this.changedAt(id, atSec);
    if (this.fields.isCustom(field)) return;
    const pending = this.pendingUpdatedAt.get(id);
    if (pending === undefined || atSec > pending) this.pendingUpdatedAt.set(id, atSec);
  }

  private changedAt(id: number, atSec: number): void {
    const last = this.lastChangeSec.get(id);
    if (last === undefined || atSec > last) this.lastChangeSec.set(id, atSec);
  }

  /** When any field of the lead last changed (its updatedAt when no custom field changed later), epoch ms; undefined for no such lead. */
  lastChangedAtMs(id: number): number | undefined {
    const lead = this.get(id);
    if (!lead) return undefined;
    const updatedAt = Date.parse(String(lead.updatedAt));
    const last = this.lastChangeSec.get(id);
    return last === undefined || last * 1000 < updatedAt ? updatedAt : last * 1000;
  }

  /** A random live lead id (undefined when there is none). */
  randomLiveId(rng: Rng): number | undefined {
    if (this.liveIds.length === 0) return undefined;
    return this.liveIds[Math.floor(rng.next() * this.liveIds.length)];
  }

  count(): number {
    return this.byId.size;
  }

  /** Moves updatedAt to `atSec` (when later) without changing a field: a merge does this. */
  touch(id: number, atSec: number): void {
    if (!this.byId.has(id)) return;
    this.changedAt(id, atSec);
    const pending = this.pendingUpdatedAt.get(id);
    if (pending === undefined || atSec > pending) this.pendingUpdatedAt.set(id, atSec);
  }

  /** Every live lead, in insertion order, up to date but not copied: callers must not change them. */
  *live(): IterableIterator<Readonly<Lead>> {
    for (const lead of this.byId.values()) {
      this.settle(lead);
      yield lead;
    }
  }

  /** Ids of the live leads whose `field` may hold `value`: the same value, or for text the same ignoring case. */
  idsWithValue(field: string, value: LeadValue): number[] {
    let index = this.valueIndexes.get(field);
    if (!index) {
      index = new Map();
      for (const lead of this.byId.values()) indexAdd(index, lead[field], lead.id);
      this.valueIndexes.set(field, index);
    }
    return [...(index.get(indexKey(value)) ?? [])];
  }

  /** Copies of every lead, ascending id. */
  all(): Lead[] {
    for (const lead of this.byId.values()) this.settle(lead);
    return [...this.byId.values()].sort((a, b) => a.id - b.id).map((l) => ({ ...l }));
  }
}

function indexKey(value: LeadValue): LeadValue {
  return typeof value === 'string' ? value.toLowerCase() : value;
}

function indexAdd(index: Map<LeadValue, Set<number>>, value: LeadValue | undefined, id: number): void {
  if (value === undefined || value === null) return;
  const key = indexKey(value);
  let ids = index.get(key);
  if (!ids) index.set(key, (ids = new Set()));
  ids.add(id);
}

function indexDelete(index: Map<LeadValue, Set<number>>, value: LeadValue | undefined, id: number): void {
  if (value === undefined || value === null) return;
  const key = indexKey(value);
  const ids = index.get(key);
  if (!ids) return;
  ids.delete(id);
  if (ids.size === 0) index.delete(key);
}

// Marketo documentation cited above by page name:
// - Leads: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/leads
