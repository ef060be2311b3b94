// Activity types and attributes created after the sandbox started, as an admin creates them in
// Marketo (Admin > Marketo Custom Activities, or the Custom Activities REST endpoints): a new
// custom type, or a new attribute on a type. Activities created afterwards carry them; older ones
// do not (Marketo never rewrites past activities). Attribute values cover every dataType Get
// Activity Types may list, and come as Marketo's docs allow: "value may be string, number or
// boolean", so a number or a boolean is sometimes its text (Activities).

import type { ActivityAttributeType, ActivityType } from './activity-types';
import type { ActivityAttribute, AttributeValue } from './activity-details';
import type { ActivityRow } from './activity-store';
import { rngFor, type Rng } from './prng';
import { isJsonObject } from '../protocol/json';

/** A custom activity type as an admin creates it (Custom Activities). */
export interface NewActivityType {
  name: string;
  apiName?: string;
  description?: string;
  primaryAttribute: ActivityAttributeType;
  attributes?: ActivityAttributeType[];
}

/** Whether a request body has the shape of a new activity type (addType checks what the shape cannot say: names taken, limits). */
export function isNewActivityType(def: Record<string, unknown>): def is Record<string, unknown> & NewActivityType {
  const optionalText = (value: unknown) => value === undefined || typeof value === 'string';
  return (
    typeof def.name === 'string' &&
    optionalText(def.apiName) &&
    optionalText(def.description) &&
    isAttribute(def.primaryAttribute) &&
    (def.attributes === undefined || (Array.isArray(def.attributes) && def.attributes.every(isAttribute)))
  );
}

/** Custom activity types get ids from here on (Marketo's examples use 100001 and up; Custom Activities). */
export const FIRST_CUSTOM_TYPE_ID = 100_001;
/** Marketo allows 10 custom activity types (1027, "Max activity type limit reached"; Custom Activities). */
export const MAX_CUSTOM_ACTIVITY_TYPES = 10;
/** ...and 20 secondary attributes per type (1028). */
export const MAX_SECONDARY_ATTRIBUTES = 20;

const SALT_ADDED_VALUES = 0xadd7;

/** The details an activity needs from this module: what generation gave, extended. */
export interface AddedDetails {
  primaryAttributeValueId?: number;
  primaryAttributeValue?: string;
  attributes: ActivityAttribute[];
}

interface Added {
  attribute: ActivityAttributeType;
  /** Activities with this id and above carry it. */
  fromActivityId: number;
  primary: boolean;
}

export class ActivityTypeChanges {
  private readonly added = new Map<number, Added[]>();

  constructor(
    private readonly seed: number,
    private readonly types: ActivityType[],
    private readonly nextActivityId: () => number,
  ) {}

  /** A new custom activity type (approved), its primary attribute and secondary attributes included. */
  addType(def: NewActivityType): ActivityType {
    if (typeof def?.name !== 'string' || def.name === '' || !isAttribute(def.primaryAttribute))
      throw new Error('an activity type needs a name and a primaryAttribute {name, dataType}');
    if (this.types.some((t) => t.name === def.name)) throw new Error(`an activity type named '${def.name}' exists`);
    const custom = this.types.filter((t) => t.id >= FIRST_CUSTOM_TYPE_ID);
    if (custom.length >= MAX_CUSTOM_ACTIVITY_TYPES) throw new Error('1027 Max activity type limit reached');
    const id = Math.max(FIRST_CUSTOM_TYPE_ID - 1, ...custom.map((t) => t.id)) + 1;
    const type: ActivityType = { id, name: def.name, primaryAttribute: { ...def.primaryAttribute }, attributes: [] };
    if (def.apiName) type.apiName = def.apiName;
    if (def.description) type.description = def.description;
    this.types.push(type);
    this.types.sort((a, b) => a.id - b.id);
    this.remember(id, def.primaryAttribute, true);
    for (const attribute of def.attributes ?? []) this.addAttribute(id, attribute);
    return type;
  }

  /** A new secondary attribute on a type. */
  addAttribute(typeId: number, attribute: ActivityAttributeType): ActivityType {
    const type = this.types.find((t) => t.id === typeId);
    if (!type) throw new Error(`no activity type ${typeId}`);
    if (!isAttribute(attribute)) throw new Error('an attribute needs {name, dataType}');
    if (type.attributes.some((a) => a.name === attribute.name) || type.primaryAttribute?.name === attribute.name)
      throw new Error(`type ${typeId} has an attribute '${attribute.name}'`);
    if (type.attributes.length >= MAX_SECONDARY_ATTRIBUTES) throw new Error('1028 Max attribute limit reached');
    type.attributes.push({ ...attribute });
    this.remember(typeId, attribute, false);
    return type;
  }

  private remember(typeId: number, attribute: ActivityAttributeType, primary: boolean): void {
    this.added.set(typeId, [...(this.added.get(typeId) ?? []), { attribute: { ...attribute }, fromActivityId: this.nextActivityId(), primary }]);
  }

  /** The activity's details with values for what was added to its type before it was created. */
  extend<T extends AddedDetails>(row: ActivityRow, details: T): T {
    const list = this.added.get(row.typeId);
    if (!list) return details; // the common case: nothing added to this type
    const added = list.filter((a) => row.id >= a.fromActivityId);
    if (added.length === 0) return details;
    const out = { ...details, attributes: [...details.attributes] };
    added.forEach((a, i) => {
      const rng = rngFor(this.seed, SALT_ADDED_VALUES, row.id, i);
      if (a.primary) {
        // The primary attribute comes as the asset's id and name (primaryAttributeValueId, primaryAttributeValue).
        const value = typedValue(a.attribute.dataType, rng, row.dateSec);
        if (typeof value === 'number' && Number.isInteger(value)) {
          out.primaryAttributeValueId = value;
          out.primaryAttributeValue = `${a.attribute.name} ${value}`;
        } else out.primaryAttributeValue = String(value);
        return;
      }
      const value = attributeValue(a.attribute.dataType, rng, row.dateSec);
      const attribute: ActivityAttribute = { name: a.attribute.name, value };
      if (a.attribute.apiName) attribute.apiName = a.attribute.apiName;
      out.attributes.push(attribute);
    });
    return out;
  }
}

function isAttribute(value: unknown): value is ActivityAttributeType {
  return isJsonObject(value) && typeof value.name === 'string' && value.name !== '' && typeof value.dataType === 'string';
}

/** A value of this dataType as an activity carries it; numbers and booleans come as text one time in three. */
export function attributeValue(dataType: string, rng: Rng, dateSec: number): AttributeValue {
  const asText = rng.chance(1 / 3);
  const typed = typedValue(dataType, rng, dateSec);
  return asText && typeof typed !== 'string' ? String(typed) : typed;
}

function typedValue(dataType: string, rng: Rng, dateSec: number): AttributeValue {
  switch (dataType) {
    case 'integer':
    case 'score':
      return rng.int(1, 5000);
    case 'float':
    case 'currency':
      return Math.round(rng.next() * 100_000) / 100;
    case 'percent':
      return rng.int(0, 100);
    case 'boolean':
      return rng.chance(0.5);
    case 'date':
      return new Date((dateSec - rng.int(0, 30) * 86400) * 1000).toISOString().slice(0, 10);
    case 'datetime':
      return new Date((dateSec - rng.int(0, 86400)) * 1000).toISOString().replace('.000Z', 'Z');
    case 'email':
      return `person${rng.int(1, 999)}@example.com`;
    case 'url':
    case 'link':
      return `https://www.example.com/page/${rng.int(1, 99)}`;
    case 'phone':
      return `+1 555 01${String(rng.int(0, 99)).padStart(2, '0')}`;
    default:
      return `value ${rng.int(1, 999)}`;
  }
}

// Marketo documentation cited above by page name:
// - Activities: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/activities
// - Custom Activities: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/custom-activities
