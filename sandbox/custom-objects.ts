// Custom objects (Custom Objects): the configurable object types of the sandbox subscription.
//
// Each type has the system fields every custom object has (marketoGUID, its idField, plus
// createdAt and updatedAt), its own fields, dedupe fields (a compound key when several) and
// optional link fields to leads (`relationships`). The default subscription has one type,
// `car_c`, keyed by `vin` and linked to leads through `leadId`.

import { CUSTOM_OBJECT_ID_FIELD, MAX_CUSTOM_OBJECT_FIELDS, MAX_CUSTOM_OBJECT_TYPES, MSG_OBJECT_NOT_FOUND } from './marketo-facts';
import { mixSeed, rngFor } from './prng';
import { ObjectStore, type ObjectDefinition, type ObjectField, type ObjectRelationship } from './object-store';

export interface CustomObjectFieldType {
  name: string;
  displayName?: string;
  /** string, boolean, integer, float, link, email, currency, date, datetime, phone, text (Custom Objects) */
  dataType: string;
  length?: number;
  /** Default: true, except for dedupe fields (set once, when the record is created). */
  updateable?: boolean;
}

/** A custom object type as configured (option `customObjects`). */
export interface CustomObjectType {
  /** API name, the path segment of its endpoints, e.g. "car_c". */
  name: string;
  displayName?: string;
  pluralName?: string;
  description?: string;
  /** One or more of `fields` (several = compound key). */
  dedupeFields: string[];
  /** Its own fields; marketoGUID, createdAt and updatedAt are added. */
  fields: CustomObjectFieldType[];
  /** Default: the dedupe fields (as one key), marketoGUID, then each link field. */
  searchableFields?: string[][];
  /** Link fields; a link to Lead must name an existing lead id. */
  relationships?: ObjectRelationship[];
}

/** Metadata dates of the configured types (Describe shows when a type was created). */
const TYPE_CREATED_AT = '2025-06-01T09:00:00Z';

export const DEFAULT_CUSTOM_OBJECTS: readonly CustomObjectType[] = [
  {
    name: 'car_c',
    displayName: 'Car',
    pluralName: 'Cars',
    description: 'Car owner',
    dedupeFields: ['vin'],
    fields: [
      { name: 'vin', displayName: 'VIN', dataType: 'string', length: 255 },
      { name: 'make', displayName: 'Make', dataType: 'string', length: 255 },
      { name: 'model', displayName: 'Model', dataType: 'string', length: 255 },
      { name: 'year', displayName: 'Year', dataType: 'integer' },
      { name: 'price', displayName: 'Price', dataType: 'currency' },
      { name: 'purchasedAt', displayName: 'Purchased At', dataType: 'datetime' },
      { name: 'leadId', displayName: 'Lead Id', dataType: 'link' },
    ],
    relationships: [{ field: 'leadId', type: 'parent', relatedTo: { name: 'Lead', field: 'id' } }],
  },
];

const SALT_GUID = 0x9017d;

/** A custom object's definition with its system fields, checked against Marketo's limits. */
export function customObjectDefinition(type: CustomObjectType): ObjectDefinition {
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(type.name)) throw new Error(`custom object name '${type.name}' is not an API name`);
  if (type.fields.length > MAX_CUSTOM_OBJECT_FIELDS) {
    throw new Error(`custom object '${type.name}' has ${type.fields.length} fields; Marketo allows ${MAX_CUSTOM_OBJECT_FIELDS}`);
  }
  const names = new Set(type.fields.map((f) => f.name));
  if (type.dedupeFields.length === 0 || type.dedupeFields.some((d) => !names.has(d))) {
    throw new Error(`custom object '${type.name}': dedupeFields must name some of its fields`);
  }
  const relationships = type.relationships ?? [];
  const fields: ObjectField[] = [
    { name: CUSTOM_OBJECT_ID_FIELD, displayName: 'Marketo GUID', dataType: 'string', length: 36, updateable: false },
    ...type.fields.map((f) => {
      const field: ObjectField = {
        name: f.name,
        displayName: f.displayName ?? f.name,
        dataType: f.dataType,
        updateable: f.updateable ?? !type.dedupeFields.includes(f.name),
      };
      if (f.length !== undefined) field.length = f.length;
      return field;
    }),
    { name: 'createdAt', displayName: 'Created At', dataType: 'datetime', updateable: false },
    { name: 'updatedAt', displayName: 'Updated At', dataType: 'datetime', updateable: false },
  ];
  const definition: ObjectDefinition = {
    name: type.name,
    displayName: type.displayName ?? type.name,
    description: type.description ?? type.displayName ?? type.name,
    createdAt: TYPE_CREATED_AT,
    updatedAt: TYPE_CREATED_AT,
    idField: CUSTOM_OBJECT_ID_FIELD,
    dedupeFields: [...type.dedupeFields],
    searchableFields: type.searchableFields ?? [[...type.dedupeFields], [CUSTOM_OBJECT_ID_FIELD], ...relationships.map((r) => [r.field])],
    relationships: relationships.map((r) => ({ ...r, relatedTo: { ...r.relatedTo } })),
    fields,
    notFoundMessage: MSG_OBJECT_NOT_FOUND, // Delete Custom Objects' documented text (Custom Objects)
    idFieldActions: ['updateOnly'], // idField mode "only with updateOnly" (Custom Objects)
    defaultFields: [CUSTOM_OBJECT_ID_FIELD, ...type.dedupeFields, 'updatedAt', 'createdAt'], // (Custom Objects)
  };
  if (type.pluralName !== undefined) definition.pluralName = type.pluralName;
  return definition;
}

/** A GUID-shaped marketoGUID, deterministic from (seed, type, n). */
function guid(seed: number, typeIndex: number, n: number): string {
  const hex = rngFor(seed, SALT_GUID, typeIndex, n).hex(32);
  // Version 4 layout: xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The stores of every configured custom object type, by name. */
export function createCustomObjectStores(types: readonly CustomObjectType[], seed: number): Map<string, ObjectStore> {
  if (types.length > MAX_CUSTOM_OBJECT_TYPES) {
    throw new Error(`${types.length} custom object types; Marketo allows ${MAX_CUSTOM_OBJECT_TYPES}`);
  }
  const stores = new Map<string, ObjectStore>();
  types.forEach((type, index) => {
    if (stores.has(type.name)) throw new Error(`custom object '${type.name}' is configured twice`);
    let n = 0;
    const typeSeed = mixSeed(seed, index);
    stores.set(type.name, new ObjectStore(customObjectDefinition(type), () => guid(typeSeed, index, n++)));
  });
  return stores;
}

// Marketo documentation cited above by page name:
// - Custom Objects: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/custom-objects
