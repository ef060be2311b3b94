// The JSON body of write calls (Sync / Delete of leads, companies, custom objects) and the
// per-record results they answer (Error Codes; Integration Best Practices).
//
// Write calls need `Content-Type: application/json` (612 otherwise), a parsable body (609), an
// `input` array (1002 when missing) of at most 300 records (response-level 1003 beyond; the real
// text is UNVERIFIED). Results come one per input record, in input order.

import { errorEnvelope, type MarketoError } from './envelope';
import * as MarketoFacts from './marketo-facts';
import type { Parsed } from './params';
import type { RequestContext } from './request-context';
import { textOf } from '../protocol/text';

export interface WriteBody {
  /** The whole JSON body (action, lookupField, dedupeBy, ...). */
  body: Record<string, unknown>;
  /** `input`, 1 to 300 records. */
  input: unknown[];
}

/** The parsed JSON body, or undefined for an empty body; 612 / 609 envelopes for bad ones. */
export function jsonBodyOf(ctx: RequestContext): Parsed<Record<string, unknown> | undefined> {
  if (ctx.body.length === 0) return { ok: true, value: undefined };
  if (!/json/i.test(ctx.contentType ?? '')) {
    return { ok: false, envelope: errorEnvelope(ctx.requestId, MarketoFacts.ERR_INVALID_CONTENT_TYPE) };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(ctx.body.toString('utf8'));
  } catch {
    return { ok: false, envelope: errorEnvelope(ctx.requestId, MarketoFacts.ERR_INVALID_JSON) };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { ok: false, envelope: errorEnvelope(ctx.requestId, MarketoFacts.ERR_INVALID_JSON) };
  }
  return { ok: true, value: parsed as Record<string, unknown> };
}

/** A write call's body with its `input` records. */
export function writeBodyOf(ctx: RequestContext): Parsed<WriteBody> {
  const parsed = jsonBodyOf(ctx);
  if (!parsed.ok) return parsed;
  return inputOf(ctx, parsed.value ?? {});
}

/**
 * Checks `input` of an already parsed body: present, an array, 1 to `max` records (300 for a
 * write; a read by compound keys allows as many as filterValues).
 */
export function inputOf(ctx: RequestContext, body: Record<string, unknown>, max: number = MarketoFacts.MAX_WRITE_RECORDS): Parsed<WriteBody> {
  const input = body['input'];
  if (!Array.isArray(input) || input.length === 0) {
    return { ok: false, envelope: errorEnvelope(ctx.requestId, MarketoFacts.ERR_MISSING_PARAMETER, MarketoFacts.missingParameterMessage('input')) };
  }
  if (input.length > max) {
    return { ok: false, envelope: errorEnvelope(ctx.requestId, MarketoFacts.ERR_INVALID_DATA, MarketoFacts.tooManyValuesMessage('input', max)) };
  }
  return { ok: true, value: { body, input } };
}

/** An enumerated body parameter (action, dedupeBy, deleteBy) with its default; 1003 for others. */
export function choiceOf(ctx: RequestContext, body: Record<string, unknown>, name: string, allowed: readonly string[], fallback: string): Parsed<string> {
  const raw = body[name];
  if (raw === undefined || raw === null || raw === '') return { ok: true, value: fallback };
  if (typeof raw !== 'string' || !allowed.includes(raw)) {
    return { ok: false, envelope: errorEnvelope(ctx.requestId, MarketoFacts.ERR_INVALID_DATA, MarketoFacts.invalidParameterMessage(name, textOf(raw))) };
  }
  return { ok: true, value: raw };
}

/** A record-level failure: the record is skipped and says why. */
export class RecordSkip {
  constructor(
    readonly code: string,
    readonly message: string,
  ) {}

  reasons(): MarketoError[] {
    return [{ code: this.code, message: this.message }];
  }
}

/** Whether `value` is a JSON object usable as an input record. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Marketo documentation cited above by page name:
// - Error Codes: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/error-codes
// - Integration Best Practices: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/marketo-integration-best-practices
