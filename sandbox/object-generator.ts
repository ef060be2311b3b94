// Generated companies and custom object records, so that a fresh sandbox has objects to read back
// (options `companyCount` and `customObjectCount`). Everything derives from the seed; records are
// dated before the activity window starts, like the leads that existed before it.

import type { FieldValue } from './field-values';
import type { ObjectField, ObjectStore } from './object-store';
import { rngFor, type Rng } from './prng';
import * as SampleData from './sample-data';

const SALT_COMPANIES = 0xc0a1;
const SALT_CUSTOM_OBJECTS = 0xc0b2;
/** Generated records were created up to this long before the window, and changed since. */
const HISTORY_SECONDS = 365 * 86_400;

function isoSecond(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace('.000Z', 'Z');
}

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[rng.int(0, items.length - 1)];
}

/** Stores a record created at a random second of the year before `beforeSec`, changed at a later one. */
function addDated(store: ObjectStore, rng: Rng, values: Record<string, FieldValue>, beforeSec: number): void {
  const created = beforeSec - rng.int(3600, HISTORY_SECONDS);
  const record = store.create(values, isoSecond(created));
  record['updatedAt'] = isoSecond(created + rng.int(0, beforeSec - 60 - created));
}

export function generateCompanies(store: ObjectStore, count: number, seed: number, beforeSec: number): void {
  const rng = rngFor(seed, SALT_COMPANIES);
  for (let n = 1; n <= count; n++) {
    const name = `${pick(rng, SampleData.COMPANIES)}${n > SampleData.COMPANIES.length ? ` ${n}` : ''}`;
    const location = pick(rng, SampleData.LOCATIONS);
    const values: Record<string, FieldValue> = { externalCompanyId: `ACC-${String(n).padStart(6, '0')}`, company: name };
    if (rng.chance(0.8)) values['annualRevenue'] = rng.int(1, 5000) * 10_000;
    if (rng.chance(0.8)) values['numberOfEmployees'] = rng.int(1, 20_000);
    if (rng.chance(0.7)) values['industry'] = pick(rng, SampleData.INDUSTRIES);
    if (rng.chance(0.5)) values['website'] = `https://${pick(rng, SampleData.COMPANY_DOMAINS)}`;
    if (rng.chance(0.5)) values['mainPhone'] = `+1 555 ${String(rng.int(0, 9_999_999)).padStart(7, '0')}`;
    if (location.city) values['billingCity'] = location.city;
    if (location.country) values['billingCountry'] = location.country;
    addDated(store, rng, values, beforeSec);
  }
}

/** A value for a custom field of a generated record, by data type; dedupe fields get unique values. */
function valueFor(field: ObjectField, rng: Rng, n: number, unique: boolean, leadIds: readonly number[], typeName: string): FieldValue | undefined {
  if (unique) return field.dataType === 'integer' ? n : `${typeName.toUpperCase()}-${String(n).padStart(6, '0')}`;
  if (!rng.chance(0.85)) return undefined;
  switch (field.dataType) {
    case 'integer':
      return rng.int(1990, 2026);
    case 'float':
    case 'currency':
      return rng.int(500_000, 9_000_000) / 100;
    case 'boolean':
      return rng.chance(0.5);
    case 'date':
      return isoSecond(1_600_000_000 + rng.int(0, 150_000_000)).slice(0, 10);
    case 'datetime':
      return isoSecond(1_600_000_000 + rng.int(0, 150_000_000));
    case 'email':
      return `${pick(rng, SampleData.FIRST_NAMES).toLowerCase()}.${n}@${pick(rng, SampleData.COMPANY_DOMAINS)}`;
    case 'link':
      return leadIds.length > 0 ? pick(rng, leadIds) : undefined;
    default:
      return `${pick(rng, SampleData.COMPANIES)} ${field.name} ${rng.int(1, 99)}`;
  }
}

/** `count` records of every custom object type; link fields to Lead.id name existing leads. */
export function generateCustomObjects(
  stores: ReadonlyMap<string, ObjectStore>,
  count: number,
  seed: number,
  beforeSec: number,
  leadIds: readonly number[],
): void {
  let typeIndex = 0;
  for (const [name, store] of stores) {
    const rng = rngFor(seed, SALT_CUSTOM_OBJECTS, typeIndex++);
    const definition = store.definition;
    const own = definition.fields.filter((f) => f.name !== definition.idField && f.name !== 'createdAt' && f.name !== 'updatedAt');
    for (let n = 1; n <= count; n++) {
      const values: Record<string, FieldValue> = {};
      for (const field of own) {
        const linksLeadId = definition.relationships?.some((r) => r.field === field.name && r.relatedTo.name === 'Lead' && r.relatedTo.field === 'id');
        if (field.dataType === 'link' && !linksLeadId) continue;
        const value = valueFor(field, rng, n, definition.dedupeFields.includes(field.name), leadIds, name);
        if (value !== undefined) values[field.name] = value;
      }
      addDated(store, rng, values, beforeSec);
    }
  }
}
