import addFormats from 'ajv-formats';
import { formatAjvErrors, newDraft07Ajv } from '../ajv-setup';
import { canonicalJson, isObject, isPropertyName, JsonEntry, nodeAt, pointer, walkJson } from '../json-walk';
import { Failures, payloadOf } from './failures';
import { expectedSchemaStructure } from './schema-structure';
import { textOf } from '../../../protocol/text';

/**
 * CAT TestSpec (S0–S17) on a spec as the connector printed it. S2 (compare with a stored spec),
 * S10 (warnings only) and S18 (needs a previous image) have nothing to check statically.
 */

/** S5: CAT's exact list; the match is on the whole lower-cased name, not a substring. */
const SECRET_NAMES = new Set([
  'client_token',
  'access_token',
  'api_token',
  'token',
  'secret',
  'client_secret',
  'password',
  'key',
  'service_account_info',
  'service_account',
  'tenant_id',
  'certificate',
  'jwt',
  'credentials',
  'app_id',
  'appid',
  'refresh_token',
]);
/** S5: path segments skipped when looking for the field name that owns a `type`. */
const NON_NAME_SEGMENTS = new Set(['anyOf', 'oneOf', 'allOf', 'not', 'properties', 'items', 'type', 'prefixItems']);
const SECRET_CAPABLE_TYPES = ['string', 'integer', 'number'];
/** S9 */
const FORBIDDEN_KEYWORDS = new Set([
  'not',
  'anyOf',
  'patternProperties',
  'prefixItems',
  'allOf',
  'if',
  'then',
  'else',
  'dependentSchemas',
  'dependentRequired',
]);
/** S8 */
const ARRAY_ITEM_TYPES = new Set(['object', 'string', 'number', 'integer']);

/**
 * `spec` may be the list of messages of a `spec` run (then S0 checks there is exactly one SPEC),
 * one SPEC AirbyteMessage, or the ConnectorSpecification itself. `sampleConfig` is the config the
 * tests use (S1); without it S1 only checks that the connectionSpecification compiles.
 */
export function checkSpec(spec: unknown, sampleConfig?: unknown): string[] {
  const failures = new Failures();
  const specification = extractSpec(spec, failures);
  if (!specification) return failures.result();
  const connSpec = specification.connectionSpecification;
  if (!isObject(connSpec)) {
    failures.add('S0: spec has no connectionSpecification object');
    return failures.result();
  }
  checkConfigMatchesSpec(connSpec, sampleConfig, failures);
  const entries = [...walkJson(connSpec)];
  checkEnums(entries, failures);
  checkOneOfs(entries, failures);
  checkSecrets(connSpec, failures);
  checkNullableTypeOrder(entries, failures);
  checkObjectsNotEmpty(entries, failures);
  checkArrayItems(entries, failures);
  checkForbiddenKeywords(entries, failures);
  checkDuplicateOrder(entries, failures);
  checkGroups(entries, failures);
  checkDisplayTypes(entries, failures);
  checkNoRefs(specification, failures);
  checkOauthParameters(specification, connSpec, failures);
  checkOauthIsDefault(specification, connSpec, failures);
  checkAdditionalProperties(entries, 'S17', failures);
  return failures.result();
}

function extractSpec(input: unknown, failures: Failures): Record<string, unknown> | undefined {
  const spec = payloadOf(input, 'SPEC', 'spec', 'S0', failures);
  if (!spec) return undefined;
  if (!isObject(spec.payload)) {
    failures.add('S0: no spec object given');
    return undefined;
  }
  return spec.payload;
}

/** S1. Formats are checked too (CAT's plain jsonschema.validate ignores them): a sample config
 * that breaks its own declared format would also be refused by the Airbyte UI. */
function checkConfigMatchesSpec(connSpec: Record<string, unknown>, config: unknown, failures: Failures): void {
  const ajv = newDraft07Ajv({ strict: false, addUsedSchema: false });
  addFormats(ajv);
  const { $schema: _ignored, ...schema } = connSpec; // the harness always uses draft-07
  let validate;
  try {
    validate = ajv.compile(schema);
  } catch (err) {
    failures.add(`S1: connectionSpecification is not a valid draft-07 schema: ${(err as Error).message}`);
    return;
  }
  if (config === undefined) return;
  // CAT drops keys starting with "_" (test-only settings) before validating.
  const visible = isObject(config) ? Object.fromEntries(Object.entries(config).filter(([k]) => !k.startsWith('_'))) : config;
  if (!validate(visible)) {
    for (const e of formatAjvErrors(validate.errors)) failures.add(`S1: sample config does not match the spec: ${e}`);
  }
}

/** S3 */
function checkEnums(entries: JsonEntry[], failures: Failures): void {
  for (const e of entries) {
    if (e.key !== 'enum' || !Array.isArray(e.value)) continue;
    const seen = new Set<string>();
    for (const v of e.value) {
      const k = canonicalJson(v);
      if (seen.has(k)) failures.add(`S3: ${pointer(e.path)} has duplicate value ${JSON.stringify(v)}`);
      seen.add(k);
    }
  }
}

/** S4: oneOf/anyOf must be a set of object variants told apart by one `const` property. */
function checkOneOfs(entries: JsonEntry[], failures: Failures): void {
  for (const e of entries) {
    if (e.key !== 'oneOf' && e.key !== 'anyOf') continue;
    const where = pointer(e.path);
    if (!isObject(e.parent) || e.parent.type !== 'object') {
      failures.add(`S4: the parent of ${where} must have type "object"`);
    }
    if (!Array.isArray(e.value) || e.value.length === 0) {
      failures.add(`S4: ${where} must be a non-empty array of variants`);
      continue;
    }
    const variants = e.value;
    const props = variants.map((v) => (isObject(v) && isObject(v.properties) ? v.properties : undefined));
    const missing = props.findIndex((p) => p === undefined);
    if (missing >= 0) {
      failures.add(`S4: ${where}/${missing} has no properties`);
      continue;
    }
    const variantProps = props as Record<string, unknown>[];
    const common = Object.keys(variantProps[0]).filter((k) => variantProps.every((p) => k in p));
    if (common.length === 0) {
      failures.add(`S4: the variants of ${where} share no property`);
      continue;
    }
    const discriminators = common.filter((k) => variantProps.every((p) => isObject(p[k]) && 'const' in p[k]));
    if (discriminators.length !== 1) {
      failures.add(
        `S4: the variants of ${where} must have exactly one common property with a const in every variant ` +
          `(the discriminator); found ${discriminators.length ? discriminators.join(', ') : 'none'}`,
      );
      continue;
    }
    const name = discriminators[0];
    variantProps.forEach((p, i) => {
      const prop = p[name] as Record<string, unknown>;
      const c = canonicalJson(prop.const);
      if ('default' in prop && canonicalJson(prop.default) !== c) {
        failures.add(`S4: ${where}/${i}/properties/${name} has a default different from its const`);
      }
      if ('enum' in prop && !(Array.isArray(prop.enum) && prop.enum.length === 1 && canonicalJson(prop.enum[0]) === c)) {
        failures.add(`S4: ${where}/${i}/properties/${name} has an enum other than [const]`);
      }
    });
  }
}

/** S5: fields named like secrets must be airbyte_secret exactly when they can hold a value. */
function checkSecrets(connSpec: Record<string, unknown>, failures: Failures): void {
  const properties = connSpec.properties;
  for (const e of walkJson(properties)) {
    // A `type` key whose value is an object is a property named "type", not the keyword.
    if (e.key !== 'type' || isObject(e.value)) continue;
    const fieldName = e.path
      .slice(0, -1)
      .reverse()
      .find((seg) => typeof seg === 'string' && !/^\d+$/.test(seg) && !NON_NAME_SEGMENTS.has(seg));
    if (typeof fieldName !== 'string' || !SECRET_NAMES.has(fieldName.toLowerCase())) continue;
    const definition = e.parent as Record<string, unknown>;
    const types = Array.isArray(e.value) ? e.value : [e.value];
    const canHoldSecret = types.some((t) => SECRET_CAPABLE_TYPES.includes(String(t))) && !definition.const;
    const marked = definition.airbyte_secret === true;
    const where = pointer(['properties', ...e.path.slice(0, -1)]);
    if (canHoldSecret && !marked) failures.add(`S5: ${where} ("${fieldName}") can hold a secret but is not marked airbyte_secret: true`);
    if (!canHoldSecret && marked) failures.add(`S5: ${where} ("${fieldName}") is marked airbyte_secret but cannot hold a secret (object, boolean or const)`);
  }
}

/** S6: a property's type list is [T] or [T, "null"], in that order. */
function checkNullableTypeOrder(entries: JsonEntry[], failures: Failures): void {
  for (const e of entries) {
    const p = e.path;
    if (e.key !== 'type' || !Array.isArray(e.value) || p.length < 3 || p[p.length - 3] !== 'properties') continue;
    const types = e.value;
    if (types.length !== 1 && types.length !== 2) {
      failures.add(`S6: ${pointer(p)} must list one type, or a type and "null"; got ${JSON.stringify(types)}`);
    } else if (types.length === 2 && types[1] !== 'null') {
      failures.add(`S6: ${pointer(p)} must be written [T, "null"] (null last); got ${JSON.stringify(types)}`);
    }
  }
}

/** S7: every non-root object offers something to fill in. */
function checkObjectsNotEmpty(entries: JsonEntry[], failures: Failures): void {
  for (const e of entries) {
    if (e.key !== 'type' || e.value !== 'object' || e.path.length < 2) continue;
    const node = e.parent as Record<string, unknown>;
    const hasProps = isObject(node.properties) && Object.keys(node.properties).length > 0;
    if (!('oneOf' in node) && !hasProps) failures.add(`S7: object ${pointer(e.path.slice(0, -1))} has neither oneOf nor properties`);
  }
}

/** S8: the UI can render arrays of one simple item type, or of an enum. */
function checkArrayItems(entries: JsonEntry[], failures: Failures): void {
  for (const e of entries) {
    if (e.key !== 'type' || e.value !== 'array') continue;
    const node = e.parent as Record<string, unknown>;
    if (!('items' in node)) continue;
    const where = pointer([...e.path.slice(0, -1), 'items']);
    const items = node.items;
    if (Array.isArray(items)) failures.add(`S8: ${where} must be one schema, not a list`);
    else if (!isObject(items) || !(ARRAY_ITEM_TYPES.has(items.type as string) || 'enum' in items)) {
      failures.add(`S8: ${where} must have type object, string, number or integer, or an enum`);
    }
  }
}

/** S9 */
function checkForbiddenKeywords(entries: JsonEntry[], failures: Failures): void {
  for (const e of entries) {
    if (typeof e.key === 'string' && FORBIDDEN_KEYWORDS.has(e.key) && !isPropertyName(e)) {
      failures.add(`S9: ${pointer(e.path)} uses "${e.key}", which the Airbyte UI does not support (use oneOf)`);
    }
  }
}

/** S11: `order` is unique within a group of one object's properties. */
function checkDuplicateOrder(entries: JsonEntry[], failures: Failures): void {
  for (const e of entries) {
    if (e.key !== 'properties' || !isObject(e.value) || !isObject(e.parent) || e.parent.type !== 'object') continue;
    const seen = new Map<string, string>();
    for (const [name, prop] of Object.entries(e.value)) {
      if (!isObject(prop) || !('order' in prop)) continue;
      const key = canonicalJson([prop.group ?? '', prop.order]);
      const other = seen.get(key);
      if (other !== undefined) {
        failures.add(`S11: ${pointer(e.path)}: "${other}" and "${name}" share order ${JSON.stringify(prop.order)} in group "${textOf(prop.group ?? '')}"`);
      } else seen.set(key, name);
    }
  }
}

/** S12: only top-level fields may carry `group`. */
function checkGroups(entries: JsonEntry[], failures: Failures): void {
  for (const e of entries) {
    if (e.key !== 'group' || isPropertyName(e)) continue;
    const topLevel = e.path.length === 3 && e.path[0] === 'properties';
    if (!topLevel) failures.add(`S12: ${pointer(e.path)}: "group" is allowed on top-level fields only`);
  }
}

/** S13 */
function checkDisplayTypes(entries: JsonEntry[], failures: Failures): void {
  for (const e of entries) {
    if (e.key !== 'display_type' || isPropertyName(e)) continue;
    const node = e.parent as Record<string, unknown>;
    if (!('oneOf' in node)) failures.add(`S13: ${pointer(e.path)}: display_type is only allowed next to oneOf`);
    if (e.value !== 'dropdown' && e.value !== 'radio') {
      failures.add(`S13: ${pointer(e.path)} must be "dropdown" or "radio", got ${JSON.stringify(e.value)}`);
    }
  }
}

/** S14: anywhere in the spec message, advanced_auth included. */
function checkNoRefs(specification: Record<string, unknown>, failures: Failures): void {
  for (const e of walkJson(specification)) {
    if (e.key === '$ref') failures.add(`S14: ${pointer(e.path)}: $ref is not allowed in a spec`);
  }
}

/** S15: every path advanced_auth names must be a field of the spec. */
function checkOauthParameters(specification: Record<string, unknown>, connSpec: Record<string, unknown>, failures: Failures): void {
  const auth = specification.advanced_auth;
  if (!isObject(auth)) return;
  const wanted = new Set<string>();
  if (Array.isArray(auth.predicate_key)) wanted.add(`/${auth.predicate_key.join('/')}`);
  const oauth = auth.oauth_config_specification;
  if (isObject(oauth)) {
    for (const key of [
      'oauth_user_input_from_connector_config_specification',
      'complete_oauth_output_specification',
      'complete_oauth_server_output_specification',
    ]) {
      const props = nodeAt(oauth, [key, 'properties']);
      if (!isObject(props)) continue;
      for (const prop of Object.values(props)) {
        const p = isObject(prop) ? prop.path_in_connector_config : undefined;
        if (Array.isArray(p)) wanted.add(`/${p.join('/')}`);
      }
    }
  }
  const existing = new Set(expectedSchemaStructure(connSpec));
  for (const path of wanted) {
    if (!existing.has(path)) failures.add(`S15: advanced_auth names ${path}, which is not a field of connectionSpecification`);
  }
}

/** S16: with OAuth advertised, the first credentials variant must be the OAuth one. */
function checkOauthIsDefault(specification: Record<string, unknown>, connSpec: Record<string, unknown>, failures: Failures): void {
  const auth = specification.advanced_auth;
  if (!isObject(auth) || !Array.isArray(auth.predicate_key) || auth.predicate_key.length === 0) return;
  const [credentials, ...rest] = auth.predicate_key.map(String);
  const holder = [...walkJson(connSpec)].find((e) => e.key === credentials && isObject(e.value) && Array.isArray(e.value.oneOf));
  if (!holder) return; // CAT skips when the credentials object has no oneOf
  const first = ((holder.value as Record<string, unknown>).oneOf as unknown[])[0];
  const predicate = nodeAt(
    first,
    rest.flatMap((f) => ['properties', f]),
  );
  const actual = isObject(predicate) ? predicate.const : undefined;
  if (canonicalJson(actual) !== canonicalJson(auth.predicate_value)) {
    failures.add(
      `S16: the first variant of ${credentials}.oneOf must be OAuth: its ${rest.join('.')} const is ${JSON.stringify(actual)}, advanced_auth.predicate_value is ${JSON.stringify(auth.predicate_value)}`,
    );
  }
}

/** S17 (spec) and D8 (stream schemas): additionalProperties may only be `true`. */
export function checkAdditionalProperties(entries: Iterable<JsonEntry>, id: string, failures: Failures, prefix = ''): void {
  for (const e of entries) {
    if (e.key === 'additionalProperties' && e.value !== true) {
      failures.add(`${id}: ${prefix}${pointer(e.path)} must be true (or absent), got ${JSON.stringify(e.value)}`);
    }
  }
}
