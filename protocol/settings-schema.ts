import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { JsonSchema } from './types';

// A connector's settings are checked against the JSON Schema of its spec (`connectionSpecification`),
// the schema Airbyte draws its form from, before anything else: what the form refuses, `check`,
// `discover`, `read` and `write` refuse too, with the same words. Airbyte's connectors built on the
// CDK do the same (https://docs.airbyte.com/platform/connector-development/connector-specification-reference).

/** Settings whose value must never be echoed: the spec marks them `airbyte_secret`. */
interface PropertySchema {
  type?: string | string[];
  airbyte_secret?: boolean;
  description?: string;
  examples?: unknown[];
  default?: unknown;
  enum?: unknown[];
  pattern_descriptor?: string;
  items?: PropertySchema;
}

/** A more specific rule for a setting whose schema error alone would not tell the user what to fix. */
export type SettingExplainer = (value: unknown) => string | undefined;

const compiled = new WeakMap<JsonSchema, ValidateFunction>();

function validatorFor(schema: JsonSchema): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    // Not strict: specs carry Airbyte's own keywords (airbyte_secret, order, group, pattern_descriptor…).
    // allErrors off: the first problem is the one reported, so the message stays one setting long.
    const ajv = new Ajv({ strict: false, allErrors: false });
    addFormats(ajv, ['date-time', 'date', 'time', 'email', 'uri']);
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
}

const TYPE_WORDS: Record<string, string> = {
  integer: 'a whole number',
  number: 'a number',
  string: 'text',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  null: 'empty',
};

function typeWords(type: unknown): string {
  const types = (Array.isArray(type) ? type : [type]).filter((t) => t !== 'null').map((t) => TYPE_WORDS[String(t)] ?? String(t));
  return types.join(' or ');
}

/** What the user gave, short, and never a secret. */
function given(value: unknown, property: PropertySchema | undefined): string {
  if (property?.airbyte_secret) return 'a value (hidden: it is a secret)';
  const text = typeof value === 'string' ? `'${value}'` : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

function exampleOf(property: PropertySchema | undefined): string | undefined {
  const example = property?.examples?.[0] ?? property?.default ?? property?.enum?.[0];
  if (example === undefined) return undefined;
  return typeof example === 'string' ? example : JSON.stringify(example);
}

/** The rule an Ajv error states, in words; `item` when it concerns one element of a list. */
function ruleOf(error: ErrorObject, item: PropertySchema | undefined): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'type':
      return `must be ${typeWords(params.type)}`;
    case 'pattern':
      return `must look like ${item?.pattern_descriptor ?? `the pattern ${String(params.pattern)}`}`;
    case 'format':
      return params.format === 'date-time' ? 'must be a real date and time in ISO 8601 with its zone (Z for UTC)' : `must be a valid ${String(params.format)}`;
    case 'minimum':
      return `must be at least ${String(params.limit)}`;
    case 'maximum':
      return `must be at most ${String(params.limit)}`;
    case 'exclusiveMinimum':
      return `must be more than ${String(params.limit)}`;
    case 'exclusiveMaximum':
      return `must be less than ${String(params.limit)}`;
    case 'enum':
      return `must be one of ${(params.allowedValues as unknown[]).map(String).join(', ')}`;
    case 'minLength':
      return params.limit === 1 ? 'must not be empty' : `must be at least ${String(params.limit)} characters long`;
    case 'maxLength':
      return `must be at most ${String(params.limit)} characters long`;
    case 'minItems':
      return `must list at least ${String(params.limit)} item(s)`;
    case 'uniqueItems':
      return 'must not list the same item twice';
    default:
      return error.message ?? `fails the spec's '${error.keyword}' rule`;
  }
}

/**
 * The first problem of `config` against the spec's `connectionSpecification`, as one sentence that
 * names the setting, says what was given and gives an example; undefined when the config is valid.
 * Keys the spec does not list are left alone: Airbyte and newer versions add settings.
 */
export function settingsProblem(config: unknown, specification: JsonSchema, explain: Record<string, SettingExplainer> = {}): string | undefined {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) return 'The config must be a JSON object.';
  const validate = validatorFor(specification);
  if (validate(config)) return undefined;
  const error = validate.errors![0];
  const properties = (specification.properties ?? {}) as Record<string, PropertySchema>;
  const path = error.instancePath.split('/').slice(1);
  const key = error.keyword === 'required' ? String((error.params as { missingProperty: string }).missingProperty) : path[0];
  if (key === undefined) return `The config ${error.message ?? 'does not match the spec'}.`;
  const property = properties[key];
  const example = exampleOf(property);
  const exampleText = example === undefined ? '' : ` Example: ${example}.`;
  if (error.keyword === 'required') return `'${key}' is required.${exampleText || (property?.description ? ` ${property.description}` : '')}`;
  const value = (config as Record<string, unknown>)[key];
  const inItem = path.length > 1;
  const rule = explain[key]?.(value) ?? ruleOf(error, inItem ? property?.items : property);
  const subject = inItem ? `'${key}' item ${Number(path[1]) + 1}` : `'${key}'`;
  return `${subject} ${rule}; got ${given(value, property)}.${exampleText}`;
}
