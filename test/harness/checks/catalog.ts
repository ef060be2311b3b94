import { newDraft07Ajv } from '../ajv-setup';
import { isObject, JsonEntry, nodeAt, pointer, walkJson } from '../json-walk';
import { Failures, payloadOf } from './failures';
import { propertyAtPath } from './schema-structure';
import { checkAdditionalProperties } from './spec';

/** CAT TestDiscovery D1–D9 (D10 needs a previous image). */

const DRAFT_07 = 'http://json-schema.org/draft-07/schema#';

/**
 * `catalog` may be the messages of a `discover` run (then D1 checks there is exactly one CATALOG),
 * one CATALOG AirbyteMessage, or the AirbyteCatalog itself.
 */
export function checkCatalog(catalog: unknown): string[] {
  const failures = new Failures();
  const streams = extractStreams(catalog, failures);
  if (!streams) return failures.result();

  // Validating against the draft-07 metaschema by id, whatever `$schema` a stream declares,
  // is what CAT's Draft7Validator.check_schema does.
  const ajv = newDraft07Ajv({ strict: false });
  const names = new Set<string>();
  streams.forEach((stream, i) => {
    if (!isObject(stream)) {
      failures.add(`D1: streams/${i} is not an object`);
      return;
    }
    const name = typeof stream.name === 'string' ? stream.name : `streams/${i}`;
    if (names.has(name)) failures.add(`D1: stream name "${name}" appears more than once`);
    names.add(name);
    const schema = stream.json_schema;
    const at = `stream "${name}"`;

    if (!ajv.validate(DRAFT_07, schema)) {
      failures.add(`D2: ${at} json_schema is not a valid draft-07 schema: ${ajv.errorsText(ajv.errors)}`);
    }
    const entries = [...walkJson(schema)];
    checkCursor(stream, schema, at, failures);
    for (const e of entries) {
      if (e.key === '$ref') failures.add(`D4: ${at} json_schema uses $ref at ${pointer(e.path)}`);
    }
    checkForbiddenKeywords(entries, schema, at, failures);
    checkPrimaryKeys(stream, schema, at, failures);
    if (!Array.isArray(stream.supported_sync_modes) || stream.supported_sync_modes.length === 0) {
      failures.add(`D7: ${at} has no supported_sync_modes`);
    }
    checkAdditionalProperties(entries, 'D8', failures, `${at} json_schema `);
  });
  return failures.result();
}

function extractStreams(input: unknown, failures: Failures): unknown[] | undefined {
  const catalog = payloadOf(input, 'CATALOG', 'catalog', 'D1', failures);
  if (!catalog) return undefined;
  const streams = isObject(catalog.payload) ? catalog.payload.streams : undefined;
  if (!Array.isArray(streams) || streams.length === 0) {
    failures.add('D1: the catalog has no streams');
    return undefined;
  }
  return streams;
}

/** D3 */
function checkCursor(stream: Record<string, unknown>, schema: unknown, at: string, failures: Failures): void {
  const cursor = stream.default_cursor_field;
  if (!Array.isArray(cursor) || cursor.length === 0) return;
  if (!isObject(schema) || !isObject(schema.properties)) {
    failures.add(`D3: ${at} has a default_cursor_field but its json_schema has no properties`);
  } else if (!propertyAtPath(schema, cursor.map(String))) {
    failures.add(`D3: ${at} default_cursor_field ${JSON.stringify(cursor)} is not in its json_schema`);
  }
}

/**
 * D5: no allOf / not. Like CAT, a property *named* allOf or not is exempt only when its object
 * node has `type: "object"` exactly (CAT quirk: ["object","null"] gets no exemption).
 */
function checkForbiddenKeywords(entries: JsonEntry[], schema: unknown, at: string, failures: Failures): void {
  for (const e of entries) {
    if (e.key !== 'allOf' && e.key !== 'not') continue;
    const p = e.path;
    const isExemptPropertyName = p.length >= 2 && p[p.length - 2] === 'properties' && (nodeAt(schema, p.slice(0, -2)) as { type?: unknown })?.type === 'object';
    if (!isExemptPropertyName) failures.add(`D5: ${at} json_schema uses "${e.key}" at ${pointer(p)}`);
  }
}

/** D6 and D9: primary key fields exist and are scalar. D9 checks both `"object"` and
 * `["object", …]`, where CAT's set(type) only catches the list form. */
function checkPrimaryKeys(stream: Record<string, unknown>, schema: unknown, at: string, failures: Failures): void {
  const pk = stream.source_defined_primary_key;
  if (!Array.isArray(pk)) return;
  for (const part of pk) {
    const fieldPath = Array.isArray(part) ? part.map(String) : [String(part)];
    const node = propertyAtPath(schema, fieldPath);
    if (!node) {
      failures.add(`D6: ${at} primary key ${JSON.stringify(fieldPath)} is not in its json_schema`);
      continue;
    }
    const types = Array.isArray(node.type) ? node.type : [node.type];
    const bad = types.filter((t) => t === 'object' || t === 'array');
    if (bad.length > 0) failures.add(`D9: ${at} primary key ${JSON.stringify(fieldPath)} has type ${JSON.stringify(node.type)}; keys must be scalar`);
  }
}
