import { isObject } from '../json-walk';

/**
 * The path helpers CAT's `utils/json_schema_helper.py` uses (B2a, S15): paths like `/a/b` and
 * `/list/[]`, where arrays are represented by their first element.
 */

/** CAT `get_object_structure`: every path present in a record, arrays by their first item. */
export function objectStructure(data: unknown): string[] {
  const paths: string[] = [];
  const visit = (value: unknown, path: string): void => {
    if (path) paths.push(path);
    if (isObject(value)) for (const [k, v] of Object.entries(value)) visit(v, `${path}/${k}`);
    else if (Array.isArray(value) && value.length > 0) visit(value[0], `${path}/[]`);
  };
  visit(data, '');
  return paths;
}

/**
 * CAT `get_expected_schema_structure`: the leaf paths of a schema, plus objects without
 * `properties`. oneOf/anyOf variants are merged; a node without `type` counts as an object.
 */
export function expectedSchemaStructure(schema: unknown): string[] {
  const paths: string[] = [];
  const scan = (node: unknown, path: string): void => {
    if (!isObject(node)) return;
    const variants = node.oneOf ?? node.anyOf;
    if (Array.isArray(variants)) {
      for (const v of variants) scan(v, path);
      return;
    }
    const rawType = node.type ?? ['object', 'null'];
    const types = Array.isArray(rawType) ? rawType : [rawType];
    if (types.includes('object')) {
      const props = node.properties;
      if (!isObject(props) || Object.keys(props).length === 0) {
        if (path) paths.push(path);
        return;
      }
      for (const [k, v] of Object.entries(props)) scan(v, `${path}/${k}`);
    } else if (types.includes('array')) {
      scan(node.items ?? {}, `${path}/[]`);
    } else {
      paths.push(path);
    }
  };
  scan(schema, '');
  return paths;
}

/** The schema node at a record path `[a, b]`, i.e. `properties.a.properties.b` (D3, D6, D9). */
export function propertyAtPath(schema: unknown, fieldPath: readonly string[]): Record<string, unknown> | undefined {
  let node: unknown = schema;
  for (const field of fieldPath) {
    const props = isObject(node) ? node.properties : undefined;
    if (!isObject(props) || !(field in props)) return undefined;
    node = props[field];
  }
  return isObject(node) ? node : undefined;
}
