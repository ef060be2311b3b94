// Query parameters of read endpoints, parsed as Marketo parses them: lists as comma-separated
// and/or repeated values, batchSize with its default and maximum (Integration Best Practices; Activities; Leads).

import { errorEnvelope, type Envelope } from './envelope';
import * as MarketoFacts from './marketo-facts';
import { decodeRecordToken } from './paging';
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

/**
 * The checks of a request's parameters, in the order they are listed: the first failure's envelope
 * (what Marketo answers when several parameters are wrong), or every checked value by name. The
 * checks only read the request, so running them all first changes nothing.
 */
export function checked<T extends Record<string, unknown>>(checks: { [K in keyof T]: Parsed<T[K]> }): Parsed<T> {
  const values: Partial<T> = {};
  for (const key of Object.keys(checks) as Array<keyof T>) {
    const check = checks[key];
    if (!check.ok) return check;
    values[key] = check.value;
  }
  return { ok: true, value: values as T };
}

/** nextPageToken of a read paged by position (Get Leads, Get Leads by List, Get Program Members, objects): 0 without one; 1001 for a token of another read. */
export function recordOffsetOf(ctx: RequestContext, object: string): Parsed<number> {
  const token = ctx.params.get('nextPageToken');
  if (token === null || token === '') return { ok: true, value: 0 };
  const offset = decodeRecordToken(object, token);
  if (offset === undefined) {
    return { ok: false, envelope: errorEnvelope(ctx.requestId, MarketoFacts.ERR_INVALID_VALUE_TYPE, MarketoFacts.invalidValueMessage(token, 'nextPageToken')) };
  }
  return { ok: true, value: offset };
}

/** The parameters of a read by filterType and filterValues, checked in this order. */
export interface FilterRead {
  filterType: string;
  values: string[];
  fields: readonly string[];
  batchSize: number;
  /** Where the page starts (nextPageToken). */
  offset: number;
}

/**
 * Checks a read by filterType and filterValues (Get Leads, Get Program Members): the endpoint's
 * own checks of filterType and fields, filterValues, batchSize, and the nextPageToken of `tokenObject`.
 */
export function filterReadOf(ctx: RequestContext, filterType: Parsed<string>, fields: Parsed<readonly string[]>, tokenObject: string): Parsed<FilterRead> {
  return checked({ filterType, values: filterValuesOf(ctx), fields, batchSize: batchSizeOf(ctx), offset: recordOffsetOf(ctx, tokenObject) });
}

// Marketo documentation cited above by page name:
// - Integration Best Practices: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/marketo-integration-best-practices
// - Activities: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/activities
// - Leads: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/leads
