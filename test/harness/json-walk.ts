/**
 * Generic JSON traversal used by the acceptance checks. CAT finds keywords with dpath globs such
 * as `**\/type`, which visit every key at any depth (property names included); walking every key
 * here reproduces that, and each check decides which keys to exempt.
 */

export type JsonPath = (string | number)[];

export interface JsonEntry {
  /** Path from the root to `value`; the last element is `key`. */
  path: JsonPath;
  key: string | number;
  value: unknown;
  /** The object or array that holds `key`. */
  parent: Record<string, unknown> | unknown[];
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every key/index below `root`, depth first, parents before children. */
export function* walkJson(root: unknown, path: JsonPath = []): Generator<JsonEntry> {
  if (Array.isArray(root)) {
    for (let i = 0; i < root.length; i++) {
      yield { path: [...path, i], key: i, value: root[i], parent: root };
      yield* walkJson(root[i], [...path, i]);
    }
  } else if (isObject(root)) {
    for (const [key, value] of Object.entries(root)) {
      yield { path: [...path, key], key, value, parent: root };
      yield* walkJson(value, [...path, key]);
    }
  }
}

/** True when the entry's key is a property name (a child of a `properties` map), not a keyword. */
export function isPropertyName(entry: JsonEntry): boolean {
  return entry.path.length >= 2 && entry.path[entry.path.length - 2] === 'properties';
}

/** RFC 6901 JSON pointer, e.g. `/properties/client_secret`. */
export function pointer(path: JsonPath): string {
  return path.map((p) => `/${String(p).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('') || '/';
}

export function nodeAt(root: unknown, path: JsonPath): unknown {
  let node: unknown = root;
  for (const key of path) {
    if (Array.isArray(node) && typeof key === 'number') node = node[key];
    else if (isObject(node)) node = node[String(key)];
    else return undefined;
  }
  return node;
}

/** Order-insensitive deep equality key, so `{a,b}` and `{b,a}` compare equal (as Python dicts do). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}
