import { textOf } from '../../protocol/text';

/**
 * Where our protocol schema says something the official one does not: a field it does not have,
 * a value outside its enum, a type it does not allow, a format it does not ask for, or a field it
 * requires and we leave optional. Walks both schemas side by side from a pair of definitions,
 * following `$ref`s; a `oneOf` of ours (one branch per message type) is compared branch by branch
 * with the single official object, since each branch narrows it.
 *
 * Each finding is `<path>: <what>`, the path being definition/property/… (`[]` for array items),
 * so a test can list the differences we mean and catch any other.
 */

type Schema = Record<string, unknown>;

interface Walk {
  oursRoot: Schema;
  officialRoot: Schema;
  findings: string[];
}

const MAX_DEPTH = 12;

export function schemaDrift(oursRoot: Schema, officialRoot: Schema, definition: string): string[] {
  const walk: Walk = { oursRoot, officialRoot, findings: [] };
  compare(walk, { $ref: `#/definitions/${definition}` }, { $ref: `#/definitions/${definition}` }, definition, 0);
  return walk.findings;
}

function resolve(root: Schema, schema: Schema): Schema {
  let s = schema;
  while (typeof s.$ref === 'string') {
    const name = s.$ref.replace(/^#\/definitions\//, '');
    const definitions = root.definitions as Record<string, Schema> | undefined;
    const target = definitions?.[name];
    if (!target) throw new Error(`unresolved $ref ${s.$ref}`);
    s = target;
  }
  return s;
}

const asArray = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

function compare(walk: Walk, oursRef: Schema, officialRef: Schema, at: string, depth: number): void {
  if (depth > MAX_DEPTH) return;
  const ours = resolve(walk.oursRoot, oursRef);
  const official = resolve(walk.officialRoot, officialRef);
  const find = (what: string): void => void walk.findings.push(`${at}: ${what}`);

  if (Array.isArray(ours.oneOf)) {
    for (const branch of ours.oneOf as Schema[]) compare(walk, branch, official, at, depth + 1);
  }

  const officialTypes = asArray(official.type);
  for (const type of asArray(ours.type)) {
    const allowed = officialTypes.length === 0 || officialTypes.includes(type) || (type === 'integer' && officialTypes.includes('number'));
    if (!allowed) find(`type ${String(type)} (official: ${officialTypes.join(', ')})`);
  }

  const values = ours.const !== undefined ? [ours.const] : asArray(ours.enum);
  if (Array.isArray(official.enum)) {
    for (const value of values) if (!official.enum.includes(value)) find(`value ${JSON.stringify(value)} is not in the official enum`);
  }

  if (official.format !== undefined && ours.format !== official.format) find(`format ${textOf(ours.format)} (official: ${textOf(official.format)})`);

  const oursProperties = (ours.properties ?? {}) as Record<string, Schema>;
  const officialProperties = (official.properties ?? {}) as Record<string, Schema>;
  for (const [name, schema] of Object.entries(oursProperties)) {
    if (!(name in officialProperties)) find(`field ${name} is not in the official schema`);
    else compare(walk, schema, officialProperties[name], `${at}/${name}`, depth + 1);
  }
  if (ours.properties !== undefined) {
    const required = asArray(ours.required);
    for (const name of asArray(official.required)) if (!required.includes(name)) find(`the official schema requires ${String(name)}, ours does not`);
  }

  if (typeof ours.items === 'object' && typeof official.items === 'object' && ours.items && official.items) {
    compare(walk, ours.items as Schema, official.items as Schema, `${at}[]`, depth + 1);
  }
}
