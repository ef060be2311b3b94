import { JsonSchema } from '../../protocol/types';
import { converterFor, jsonTypeOf } from './lead-schema';

/** A field as Describe Company, Describe Custom Object and Describe Program Member list it. */
export interface DescribedField {
  name: string;
  displayName?: string;
  dataType: string;
  length?: number;
  updateable?: boolean;
}

export type Converters = Map<string, (value: unknown) => unknown>;

/**
 * The schema of an object read back from Marketo, built from its describe: one nullable column per
 * field, typed as the `leads` columns are (the data type map); key columns are not nullable.
 */
export function buildObjectSchema(fields: DescribedField[], keys: string[], extra: Record<string, JsonSchema> = {}): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const field of fields) {
    const { type, format } = jsonTypeOf(field.dataType);
    const description = `${field.displayName ?? field.name} (Marketo ${field.dataType}${field.updateable === false ? ', read-only' : ''})`;
    properties[field.name] = { type: keys.includes(field.name) ? type : ['null', type], ...(format ? { format } : {}), description };
  }
  return { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', additionalProperties: true, properties: { ...properties, ...extra } };
}

/** Per-field converters, so every value matches the declared type (link ids as numbers, old datetime spellings). */
export function objectConverters(fields: DescribedField[]): Converters {
  const converters: Converters = new Map();
  for (const field of fields) {
    const { type, format } = jsonTypeOf(field.dataType);
    converters.set(field.name, converterFor(type, format));
  }
  return converters;
}

/**
 * A record with every requested field: Marketo leaves out the fields a record has no value for
 * ("a requested field absent from a record means null"), and `seq` is an artefact of the call.
 */
export function toObjectRecord(raw: Record<string, unknown>, fields: string[], converters: Converters): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const field of fields) {
    const convert = converters.get(field);
    const value = raw[field];
    record[field] = convert ? convert(value) : (value ?? null);
  }
  return record;
}

/** Selected columns that the object still has, plus the keys and the cursor; what vanished is logged by the caller. */
export function requestedObjectFields(described: DescribedField[], selected: string[] | undefined, always: string[]): { fields: string[]; vanished: string[] } {
  const known = new Set(described.map((f) => f.name));
  const wanted = selected ?? [...known];
  const vanished = wanted.filter((f) => !known.has(f) && !f.startsWith('_ab_'));
  return { fields: [...new Set([...always, ...wanted.filter((f) => known.has(f))])], vanished };
}
