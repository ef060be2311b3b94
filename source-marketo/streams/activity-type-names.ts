import { ActivityType } from '../../marketo/endpoints';

/**
 * How per-type activity streams and their attribute columns are named (docs: "Per-type activity
 * streams"). Get Activity Types lists display names ("Visit Webpage", "Fill Out LinkedIn Lead Gen
 * Form", custom ones of the user's choosing); warehouses want lower snake case, as Airbyte's and
 * Fivetran's Marketo connectors name these tables and columns (`activities_visit_webpage`,
 * `ACTIVITY_VISIT_WEBPAGE`, `webpage_url`).
 */

/** Every per-type stream's name starts so; `activities` itself is the stream of all types. */
export const ACTIVITY_TYPE_STREAM_PREFIX = 'activities_';

/**
 * Lower snake case: accents dropped (`Café` → `cafe`), every run of other characters than ASCII
 * letters and digits becomes one `_`, none at either end. Camel case is not split (`LinkedIn` →
 * `linkedin`, as the names read in Marketo's UI). Empty when nothing is left (a name of symbols or
 * of non-Latin script only).
 */
export function snakeCase(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/**
 * The stream name of each activity type, by id: `activities_` + the name in snake case
 * (`Visit Webpage` → `activities_visit_webpage`; a leading digit is fine behind the prefix). A name
 * with nothing left in snake case is `activities_type_<id>`. When two types give the same name
 * (`Click Link` and `Click-Link`), or a name another stream of the source already has (`reserved`),
 * the type with the lowest id keeps it and the others get `_<id>` behind it, so the names do not
 * depend on the order Marketo lists the types in.
 */
export function activityStreamNames(types: readonly Pick<ActivityType, 'id' | 'name'>[], reserved: ReadonlySet<string> = new Set()): Map<number, string> {
  const names = new Map<number, string>();
  const taken = new Set(reserved);
  const byId = [...types].sort((a, b) => a.id - b.id);
  const base = (t: Pick<ActivityType, 'id' | 'name'>) => {
    const snake = snakeCase(t.name ?? '');
    return `${ACTIVITY_TYPE_STREAM_PREFIX}${snake === '' ? `type_${t.id}` : snake}`;
  };
  // Plain names first, so that a suffixed name can never take the plain name of a later type.
  const plain = new Map<string, number>();
  for (const type of byId) {
    const name = base(type);
    if (!taken.has(name) && !plain.has(name)) plain.set(name, type.id);
  }
  for (const [name, id] of plain) {
    names.set(id, name);
    taken.add(name);
  }
  for (const type of byId) {
    if (names.has(type.id)) continue;
    let name = `${base(type)}_${type.id}`;
    for (let n = 2; taken.has(name); n++) name = `${base(type)}_${type.id}_${n}`;
    names.set(type.id, name);
    taken.add(name);
  }
  return names;
}

/**
 * Column names of a type's attributes, in the order given: snake case of the attribute's name
 * (`Webpage URL` → `webpage_url`); a name starting with a digit gets a leading `_` (`3D Secure` →
 * `_3d_secure`: many warehouses refuse such column names); an empty one is `attribute`. Repeats
 * get `_2`, `_3`… in order. The common activity columns are camel case (`leadId`) and can never
 * clash with these.
 */
export function attributeColumnNames(attributeNames: readonly string[]): string[] {
  const taken = new Set<string>();
  return attributeNames.map((name) => {
    let base = snakeCase(name);
    if (base === '') base = 'attribute';
    if (/^\d/.test(base)) base = `_${base}`;
    let column = base;
    for (let n = 2; taken.has(column); n++) column = `${base}_${n}`;
    taken.add(column);
    return column;
  });
}
