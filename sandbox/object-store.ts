// Records of a Lead-Database object other than leads: companies and custom objects (Companies; Custom Objects).
//
// Both follow the same generic model (Companies; Lead Database API reference): an `idField` Marketo assigns (`id` for
// companies, `marketoGUID` for custom objects), `dedupeFields` that identify a record (a
// compound key when several), `searchableFields`, and typed `fields` of which some are not
// updateable. An ObjectStore holds the definition and the records of one such object type.

import type { FieldValue } from './field-values';

export interface ObjectField {
  name: string;
  displayName: string;
  dataType: string;
  length?: number;
  updateable: boolean;
}

export interface ObjectRelationship {
  /** The link field on this object. */
  field: string;
  type: 'parent' | 'child';
  relatedTo: { name: string; field: string };
}

/** An object type as Describe presents it, plus how the sandbox serves it. */
export interface ObjectDefinition {
  /** The type's name: "Company", or a custom object's API name ("car_c"). */
  name: string;
  /** Custom objects show it; Describe Company's documented answer has none (Companies). */
  displayName?: string;
  pluralName?: string;
  description: string;
  /** Metadata dates Describe shows. */
  createdAt: string;
  updatedAt: string;
  idField: string;
  dedupeFields: string[];
  searchableFields: string[][];
  /** Custom objects list them (possibly empty); Describe Company has none (Companies; Custom Objects). */
  relationships?: ObjectRelationship[];
  /** Every field, system ones included, in Describe order. */
  fields: ObjectField[];
  /** The 1013 text this object's writes use: "Record not found" (companies) or "Object not found". */
  notFoundMessage: string;
  /** Actions that accept dedupeBy=idField (Companies; Custom Objects). */
  idFieldActions: readonly string[];
  /** Fields Get returns when `fields` is omitted (Companies; Custom Objects). */
  defaultFields: string[];
}

export type ObjectRecord = Record<string, FieldValue>;

export class ObjectStore {
  /** Records in creation order (the order reads list them in). */
  private readonly records = new Map<string, ObjectRecord>();

  constructor(
    readonly definition: ObjectDefinition,
    /** Assigns the idField value of a new record (company ids, custom-object GUIDs). */
    private readonly newId: () => number | string,
  ) {}

  field(name: string): ObjectField | undefined {
    return this.definition.fields.find((f) => f.name === name);
  }

  /** The record whose idField holds `id`. */
  byId(id: FieldValue): ObjectRecord | undefined {
    return id === null ? undefined : this.records.get(String(id));
  }

  /** The record with these dedupe field values (dedupe keys are unique). */
  byKey(key: Readonly<Record<string, FieldValue>>): ObjectRecord | undefined {
    const fields = this.definition.dedupeFields;
    for (const record of this.records.values()) {
      if (fields.every((f) => record[f] === key[f])) return record;
    }
    return undefined;
  }

  /** Records whose `field` holds one of `values`, each with the index of the first value it matched. */
  matching(field: string, values: readonly FieldValue[]): Array<{ seq: number; record: ObjectRecord }> {
    const index = new Map<FieldValue, number>();
    values.forEach((v, i) => {
      if (!index.has(v)) index.set(v, i);
    });
    const out: Array<{ seq: number; record: ObjectRecord }> = [];
    for (const record of this.records.values()) {
      const seq = index.get(record[field] ?? null);
      if (seq !== undefined && record[field] !== null && record[field] !== undefined) out.push({ seq, record });
    }
    // Results follow the order of the filter values, then creation order.
    return out.sort((a, b) => a.seq - b.seq);
  }

  create(values: Readonly<ObjectRecord>, at: string): ObjectRecord {
    const id = this.newId();
    const record: ObjectRecord = { [this.definition.idField]: id };
    for (const [k, v] of Object.entries(values)) if (v !== null) record[k] = v;
    record['createdAt'] = at;
    record['updatedAt'] = at;
    this.records.set(String(id), record);
    return record;
  }

  /** Applies values; updatedAt moves only when something changed. Returns whether it did. */
  update(record: ObjectRecord, values: Readonly<ObjectRecord>, at: string): boolean {
    let changed = false;
    for (const [k, v] of Object.entries(values)) {
      if ((record[k] ?? null) === v) continue;
      if (v === null) delete record[k];
      else record[k] = v;
      changed = true;
    }
    if (changed) record['updatedAt'] = at;
    return changed;
  }

  remove(record: ObjectRecord): void {
    this.records.delete(String(record[this.definition.idField]));
  }

  /** Copies of every record, in creation order. */
  all(): ObjectRecord[] {
    return [...this.records.values()].map((r) => ({ ...r }));
  }

  count(): number {
    return this.records.size;
  }
}

// Marketo documentation cited above by page name:
// - Companies: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/companies
// - Custom Objects: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/custom-objects
// - Lead Database API reference: https://developer.adobe.com/marketo-apis/api/mapi/
