import Ajv, { ErrorObject, Options } from 'ajv';

/**
 * One place that creates the draft-07 Ajv instances the harness uses and turns Ajv errors
 * into lines a person can read in a failed test.
 */

/** Ajv's warnings about unknown formats and keywords are expected (Airbyte schemas carry
 * `airbyte_secret`, `order`, `airbyte_type`…); printing them would bury the real test output. */
const quietLogger = { log: () => undefined, warn: () => undefined, error: console.error };

/** A fresh draft-07 Ajv (Ajv's default class is draft-07) that reports every error. */
export function newDraft07Ajv(options: Options = {}): Ajv {
  return new Ajv({ allErrors: true, verbose: true, logger: quietLogger, ...options });
}

const SHOW_DATA = new Set(['type', 'format', 'enum', 'const', 'pattern', 'minimum', 'maximum', 'x-harness-py-integer']);

/** `"/record must have required property 'emitted_at'"`, with the offending value where it helps. */
export function formatAjvError(e: ErrorObject): string {
  let text = `${e.instancePath || '/'} ${e.message ?? e.keyword}`;
  const params = e.params as Record<string, unknown>;
  if (e.keyword === 'enum') text += ` ${JSON.stringify(params.allowedValues)}`;
  if (e.keyword === 'const') text += ` ${JSON.stringify(params.allowedValue)}`;
  if (e.keyword === 'additionalProperties') text += ` ('${String(params.additionalProperty)}')`;
  if (e.keyword === 'discriminator') text += ` (got ${abbreviate(JSON.stringify(params.tagValue))})`;
  if (SHOW_DATA.has(e.keyword) && 'data' in e) text += ` (got ${abbreviate(JSON.stringify(e.data))})`;
  return text;
}

export function formatAjvErrors(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map(formatAjvError);
}

/** Keep failure messages one screen wide even when a connector emits a huge value. */
export function abbreviate(text: string | undefined, max = 120): string {
  if (text === undefined) return 'undefined';
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
