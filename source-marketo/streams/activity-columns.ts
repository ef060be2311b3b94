import { ActivityType } from '../../marketo/endpoints';
import { JsonSchema } from '../../protocol/types';
import { textOf } from '../../protocol/text';
import { toMarketoSecond } from '../dates';
import { attributeColumnNames } from './activity-type-names';

/**
 * How an activity type's attributes become typed columns of its per-type stream.
 *
 * Get Activity Types gives each attribute a `dataType`
 * (https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/activities);
 * the values in Get Lead Activities may come as JSON strings, numbers or booleans whatever that
 * type ("value may be string, number or boolean"), so every value is converted to the column's
 * type. A value that cannot be (`"n/a"` in an integer attribute) is left empty and counted.
 */

export type AttributeJsonType = 'string' | 'integer' | 'number' | 'boolean' | 'array';

/**
 * Attribute `dataType` → JSON type (and format). Every type Get Activity Types is known to return,
 * standard and custom (Custom Activities:
 * https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/custom-activities).
 * A type not listed here is read as text: a new Marketo type never fails a sync.
 */
export const ATTRIBUTE_DATA_TYPES: Readonly<Record<string, { type: AttributeJsonType; format?: string }>> = {
  string: { type: 'string' },
  text: { type: 'string' },
  email: { type: 'string' },
  phone: { type: 'string' },
  url: { type: 'string' },
  link: { type: 'string' }, // custom activity attributes: a hyperlink
  reference: { type: 'string' }, // the name of what was changed (Change Data Value's Attribute Name)
  integer: { type: 'integer' },
  score: { type: 'integer' },
  float: { type: 'number' },
  currency: { type: 'number' },
  percent: { type: 'number' }, // documented as integer, decimals are seen in exports
  boolean: { type: 'boolean' },
  date: { type: 'string', format: 'date' },
  datetime: { type: 'string', format: 'date-time' },
  array: { type: 'array' },
};

export function attributeJsonType(dataType: string | undefined): { type: AttributeJsonType; format?: string } {
  return ATTRIBUTE_DATA_TYPES[String(dataType ?? '').toLowerCase()] ?? { type: 'string' };
}

/** The JSON schema of a column of this `dataType`: nullable (Marketo omits empty values). */
export function attributeSchema(dataType: string | undefined, description: string): JsonSchema {
  const { type, format } = attributeJsonType(dataType);
  if (type === 'array') return { type: ['null', 'array'], items: { type: ['null', 'string', 'number', 'integer', 'boolean'] }, description };
  return { type: ['null', type], ...(format ? { format } : {}), description };
}

/** What a value becomes in a column of this `dataType`: the typed value, null for no value, or `invalid`. */
export type Converted = { value: unknown } | { invalid: true };

const NONE: Converted = { value: null };
const INVALID: Converted = { invalid: true };

export function convertAttribute(dataType: string | undefined, raw: unknown): Converted {
  if (raw === null || raw === undefined || raw === '') return NONE;
  const { type, format } = attributeJsonType(dataType);
  switch (type) {
    case 'integer': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw.trim()) : NaN;
      return Number.isInteger(n) ? { value: n } : INVALID;
    }
    case 'number': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw.trim().replace(/%$/, '')) : NaN;
      return Number.isFinite(n) ? { value: n } : INVALID;
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return { value: raw };
      const text = textOf(raw).trim().toLowerCase();
      if (text === 'true' || text === '1' || text === 'yes') return { value: true };
      if (text === 'false' || text === '0' || text === 'no') return { value: false };
      return INVALID;
    }
    case 'array':
      return { value: Array.isArray(raw) ? raw : [raw] };
    case 'string': {
      const text = textOf(raw);
      if (format === 'date-time') {
        const second = toMarketoSecond(text);
        return second ? { value: second } : INVALID;
      }
      if (format === 'date') {
        const day = /^\d{4}-\d{2}-\d{2}/.exec(text)?.[0];
        return day ? { value: day } : INVALID;
      }
      return { value: text };
    }
  }
}

/** One typed column of a per-type stream: where its value comes from. */
export interface AttributeColumn {
  column: string;
  /** The attribute's name as Marketo lists it (and as activities carry it). */
  attribute: string;
  dataType: string;
  /** The type's primary attribute: its value is the activity's primaryAttributeValueId or primaryAttributeValue. */
  primary: boolean;
}

/** The columns of a type: its primary attribute first, then each secondary attribute, as Get Activity Types lists them. */
export function attributeColumns(type: ActivityType): AttributeColumn[] {
  const attributes = [
    ...(type.primaryAttribute ? [{ ...type.primaryAttribute, primary: true }] : []),
    ...(type.attributes ?? []).map((a) => ({ ...a, primary: false })),
  ];
  const names = attributeColumnNames(attributes.map((a) => a.name));
  return attributes.map((a, i) => ({ column: names[i], attribute: a.name, dataType: a.dataType, primary: a.primary }));
}

/**
 * The primary attribute's value: the id Marketo gives in `primaryAttributeValueId` when the
 * attribute is a number (Webpage ID, Mailing ID), else the text of `primaryAttributeValue`
 * (Change Data Value's Attribute Name, Interesting Moment's Description).
 */
export function primaryValue(dataType: string, activity: { primaryAttributeValueId?: unknown; primaryAttributeValue?: unknown }): unknown {
  const { type } = attributeJsonType(dataType);
  if ((type === 'integer' || type === 'number') && activity.primaryAttributeValueId !== undefined) return activity.primaryAttributeValueId;
  return activity.primaryAttributeValue ?? activity.primaryAttributeValueId;
}
