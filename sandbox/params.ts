// Query parameters of read endpoints, parsed as Marketo parses them: lists as comma-separated
// and/or repeated values, batchSize with its default and maximum (Integration Best Practices; Activities; Leads).

import { errorEnvelope, type Envelope } from './envelope';
import * as MarketoFacts from './marketo-facts';
import type { RequestContext } from './request-context';

export type Parsed<T> = { ok: true; value: T } | { ok: false; envelope: Envelope };

/** Comma-separated and/or repeated parameter values ("1,2" or "x=1&x=2"; both are used (Activities)). */
export function listParam(params: URLSearchParams, name: string): string[] {
  return params
    .getAll(name)
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

/** batchSize: default and maximum 300; larger values are served as 300; non-numeric or < 1: 1001. */
export function batchSizeOf(ctx: RequestContext): Parsed<number> {
  const raw = ctx.params.get('batchSize');
  if (raw === null || raw === '') return { ok: true, value: MarketoFacts.MAX_BATCH_SIZE };
  if (!/^\d+$/.test(raw) || Number(raw) < 1) {
    return { ok: false, envelope: errorEnvelope(ctx.requestId, MarketoFacts.ERR_INVALID_VALUE_TYPE, MarketoFacts.invalidValueMessage(raw, 'Integer')) };
  }
  return { ok: true, value: Math.min(Number(raw), MarketoFacts.MAX_BATCH_SIZE) };
}

/** A required parameter's value, or 1002 "Missing value for required parameter". */
export function requiredParam(ctx: RequestContext, name: string): Parsed<string> {
  const value = ctx.params.get(name);
  if (value === null || value.trim() === '') {
    return { ok: false, envelope: errorEnvelope(ctx.requestId, MarketoFacts.ERR_MISSING_PARAMETER, MarketoFacts.missingParameterMessage(name)) };
  }
  return { ok: true, value: value.trim() };
}

/** filterValues: required, at most 300 (more: response-level 1003) (Integration Best Practices). */
export function filterValuesOf(ctx: RequestContext): Parsed<string[]> {
  const values = listParam(ctx.params, 'filterValues');
  if (values.length === 0) {
    return { ok: false, envelope: errorEnvelope(ctx.requestId, MarketoFacts.ERR_MISSING_PARAMETER, MarketoFacts.missingParameterMessage('filterValues')) };
  }
  if (values.length > MarketoFacts.MAX_FILTER_VALUES) {
    return {
      ok: false,
      envelope: errorEnvelope(ctx.requestId, MarketoFacts.ERR_INVALID_DATA, MarketoFacts.tooManyValuesMessage('filterValues', MarketoFacts.MAX_FILTER_VALUES)),
    };
  }
  return { ok: true, value: values };
}

// Marketo documentation cited above by page name:
// - Integration Best Practices: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/marketo-integration-best-practices
// - Activities: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/activities
// - Leads: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/leads
