// The Bulk Extract endpoints for leads and activities (Bulk Extract): create, enqueue, status, file,
// cancel and the job list, under /bulk/v1/{leads|activities}/export/.
// https://developer.adobe.com/marketo-apis/api/mapi/#tag/Bulk-Export-Activities

import type { BulkExports, BulkJobSpec, BulkObject, Refusal } from './bulk-exports';
import { ACTIVITY_EXPORT_FIELDS, DEFAULT_ACTIVITY_EXPORT_FIELDS } from './bulk-csv';
import { errorEnvelope, successEnvelope, type Envelope } from './envelope';
import type { LeadFieldStore } from './leads';
import * as MarketoFacts from './marketo-facts';
import type { RequestContext } from './request-context';
import { listParam } from './params';
import { textOf } from '../protocol/text';

/** An answer that is not a JSON envelope: the file of a job, or a plain-text 404. */
export interface RawAnswer {
  raw: true;
  status: number;
  headers: Record<string, string | number>;
  /** A plain-text body, or */
  text?: string;
  /** bytes [start, end] of a file on disk. */
  file?: { path: string; start: number; end: number };
}

export interface BulkEndpointContext {
  jobs: BulkExports;
  fields: LeadFieldStore;
  updatedAtFilter: boolean;
}

const DAY_MS = 86_400_000;
/** ISO 8601 with an offset or Z; Marketo documents no milliseconds but recorded clients send them and are served. */
const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:?\d{2})$/;
const LEAD_FILTERS = ['createdAt', 'updatedAt', 'staticListId', 'staticListName', 'smartListId', 'smartListName'];

type Checked<T> = { ok: true; value: T } | { ok: false; envelope: Envelope };

function refused(ctx: RequestContext, r: Refusal): Envelope {
  return errorEnvelope(ctx.requestId, r.code, r.message);
}

function invalidData(ctx: RequestContext, message: string): Envelope {
  return errorEnvelope(ctx.requestId, MarketoFacts.ERR_INVALID_DATA, message);
}

function invalid(ctx: RequestContext, message: string): { ok: false; envelope: Envelope } {
  return { ok: false, envelope: invalidData(ctx, message) };
}

function parseRange(ctx: RequestContext, raw: unknown, name: string): Checked<{ startSec: number; endSec: number }> {
  const range = raw as { startAt?: unknown; endAt?: unknown } | undefined;
  if (typeof range !== 'object' || range === null) return invalid(ctx, `Invalid value specified for attribute 'filter': ${name} needs startAt and endAt`);
  const { startAt, endAt } = range;
  if (typeof startAt !== 'string' || !ISO_DATETIME.test(startAt) || typeof endAt !== 'string' || !ISO_DATETIME.test(endAt)) {
    return {
      ok: false,
      envelope: errorEnvelope(
        ctx.requestId,
        MarketoFacts.ERR_INVALID_VALUE_TYPE,
        MarketoFacts.invalidValueMessage(`${String(startAt)}/${String(endAt)}`, 'datetime'),
      ),
    };
  }
  const start = Date.parse(startAt);
  const end = Date.parse(endAt);
  if (end < start) return invalid(ctx, `Invalid date range: endAt ${endAt} is before startAt ${startAt}`);
  // The real code and message for a span over 31 days are not documented; 1003 is the likeliest guess.
  if (end - start > MarketoFacts.BULK_MAX_DATE_RANGE_DAYS * DAY_MS)
    return invalid(ctx, `Date range of ${name} must not exceed ${MarketoFacts.BULK_MAX_DATE_RANGE_DAYS} days`);
  return { ok: true, value: { startSec: Math.floor(start / 1000), endSec: Math.floor(end / 1000) } };
}

function jsonBody(ctx: RequestContext): Checked<Record<string, unknown>> {
  let body: unknown;
  try {
    body = ctx.body.length === 0 ? {} : JSON.parse(ctx.body.toString('utf8'));
  } catch {
    return { ok: false, envelope: errorEnvelope(ctx.requestId, MarketoFacts.ERR_INVALID_JSON) };
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { ok: false, envelope: errorEnvelope(ctx.requestId, MarketoFacts.ERR_INVALID_JSON) };
  return { ok: true, value: body as Record<string, unknown> };
}

function formatOf(ctx: RequestContext, body: Record<string, unknown>): Checked<'CSV'> {
  const format = body.format ?? 'CSV';
  // TSV and SSV exist in Marketo; the sandbox writes CSV only and says so rather than mislabel a file.
  if (typeof format !== 'string' || format.toUpperCase() !== 'CSV')
    return invalid(ctx, `Invalid value for format '${textOf(format)}' (the sandbox exports CSV only)`);
  return { ok: true, value: 'CSV' };
}

export class BulkEndpoints {
  constructor(private readonly ctx: BulkEndpointContext) {}

  /** POST /bulk/v1/activities/export/create.json (Bulk Activity Extract) */
  createActivities(req: RequestContext): Envelope {
    const body = jsonBody(req);
    if (!body.ok) return body.envelope;
    const format = formatOf(req, body.value);
    if (!format.ok) return format.envelope;
    const filter = body.value.filter as Record<string, unknown> | undefined;
    if (typeof filter !== 'object' || filter === null || filter.createdAt === undefined) {
      return errorEnvelope(req.requestId, MarketoFacts.ERR_MISSING_PARAMETER, MarketoFacts.missingParameterMessage('filter.createdAt'));
    }
    const range = parseRange(req, filter.createdAt, 'createdAt');
    if (!range.ok) return range.envelope;
    let typeIds: number[] | null = null;
    if (filter.activityTypeIds !== undefined) {
      const ids = filter.activityTypeIds;
      if (!Array.isArray(ids) || ids.some((id) => !Number.isInteger(id))) return invalidData(req, "Invalid value specified for attribute 'activityTypeIds'");
      const unsupported = ids.filter((id) => MarketoFacts.BULK_UNSUPPORTED_ACTIVITY_TYPES.includes(id as number));
      if (unsupported.length > 0) return invalidData(req, `Activity type ${unsupported.join(',')} is not supported by the bulk activity extract`);
      typeIds = [...new Set(ids as number[])];
    }
    if (filter.primaryAttributeValueIds !== undefined || filter.primaryAttributeValues !== undefined) {
      return invalidData(req, 'primaryAttributeValueIds / primaryAttributeValues filters are not supported by the sandbox');
    }
    let fields: string[] = [...DEFAULT_ACTIVITY_EXPORT_FIELDS];
    if (body.value.fields !== undefined) {
      const raw = body.value.fields;
      if (!Array.isArray(raw) || raw.length === 0 || raw.some((f) => typeof f !== 'string' || !ACTIVITY_EXPORT_FIELDS.has(f))) {
        return invalidData(req, `Invalid value specified for attribute 'fields': allowed ${[...ACTIVITY_EXPORT_FIELDS].join(', ')}`);
      }
      fields = raw as string[];
    }
    const spec: BulkJobSpec = { object: 'activities', format: format.value, fields, filterField: 'createdAt', ...range.value, activityTypeIds: typeIds };
    return this.created(req, spec);
  }

  /** POST /bulk/v1/leads/export/create.json (Bulk Lead Extract) */
  createLeads(req: RequestContext): Envelope {
    const body = jsonBody(req);
    if (!body.ok) return body.envelope;
    const format = formatOf(req, body.value);
    if (!format.ok) return format.envelope;
    const fields = body.value.fields;
    if (!Array.isArray(fields) || fields.length === 0)
      return errorEnvelope(req.requestId, MarketoFacts.ERR_MISSING_PARAMETER, MarketoFacts.missingParameterMessage('fields'));
    for (const name of fields) {
      // The code for an unknown field is UNVERIFIED; 1006 is what reads answer for one.
      if (typeof name !== 'string' || !this.ctx.fields.get(name))
        return errorEnvelope(req.requestId, MarketoFacts.ERR_FIELD_NOT_FOUND, `Field '${String(name)}' not found`);
    }
    const filter = (body.value.filter ?? {}) as Record<string, unknown>;
    const given = Object.keys(filter).filter((k) => filter[k] !== undefined && filter[k] !== null);
    if (given.length !== 1 || !LEAD_FILTERS.includes(given[0])) {
      return invalidData(req, `Invalid value specified for attribute 'filter': exactly one of ${LEAD_FILTERS.join(', ')}`);
    }
    const kind = given[0];
    if ((kind === 'updatedAt' && !this.ctx.updatedAtFilter) || kind === 'smartListId' || kind === 'smartListName') {
      return errorEnvelope(req.requestId, MarketoFacts.ERR_UNSUPPORTED_FILTER, MarketoFacts.MSG_UNSUPPORTED_FILTER);
    }
    if (kind === 'staticListId' || kind === 'staticListName')
      return invalidData(req, `Static list '${String(filter[kind])}' not found (the sandbox has no static lists)`);
    const range = parseRange(req, filter[kind], kind);
    if (!range.ok) return range.envelope;
    const spec: BulkJobSpec = {
      object: 'leads',
      format: format.value,
      fields: fields as string[],
      filterField: kind as 'createdAt' | 'updatedAt',
      ...range.value,
      activityTypeIds: null,
    };
    return this.created(req, spec);
  }

  /** POST /bulk/v1/{object}/export/{exportId}/enqueue.json */
  enqueue(object: BulkObject, req: RequestContext): Envelope {
    const answer = this.ctx.jobs.enqueue(this.exportIdOf(req), object);
    return this.jobEnvelope(req, answer);
  }

  /** GET /bulk/v1/{object}/export/{exportId}/status.json */
  status(object: BulkObject, req: RequestContext): Envelope {
    return this.jobEnvelope(req, this.ctx.jobs.status(this.exportIdOf(req), object));
  }

  /** POST /bulk/v1/{object}/export/{exportId}/cancel.json */
  cancel(object: BulkObject, req: RequestContext): Envelope {
    return this.jobEnvelope(req, this.ctx.jobs.cancel(this.exportIdOf(req), object));
  }

  /** GET /bulk/v1/{object}/export.json[?status=Completed,Failed] */
  list(object: BulkObject, req: RequestContext): Envelope {
    return successEnvelope(req.requestId, this.ctx.jobs.list(object, listParam(req.params, 'status')));
  }

  /**
   * GET /bulk/v1/{object}/export/{exportId}/file.json: the file, whole or the `Range` asked for
   * (206); a plain-text 404 while the job is not completed, for an unknown id, and once the file
   * has expired (Bulk Extract; Error Codes).
   */
  file(object: BulkObject, req: RequestContext): RawAnswer {
    const found = this.ctx.jobs.file(this.exportIdOf(req), object);
    if (typeof found === 'string') {
      const text = found === 'not-ready' ? 'File not ready' : found === 'expired' ? 'File has expired' : 'Export not found';
      return { raw: true, status: 404, headers: { 'Content-Type': 'text/plain' }, text };
    }
    const headers: Record<string, string | number> = { 'Content-Type': MarketoFacts.BULK_FILE_CONTENT_TYPE, 'Accept-Ranges': 'bytes' };
    const range = parseByteRange(req.range, found.size);
    if (range === 'unsatisfiable') {
      return { raw: true, status: 416, headers: { 'Content-Type': 'text/plain', 'Content-Range': `bytes */${found.size}` }, text: 'Range Not Satisfiable' };
    }
    if (range) {
      headers['Content-Range'] = `bytes ${range.start}-${range.end}/${found.size}`;
      headers['Content-Length'] = range.end - range.start + 1;
      return { raw: true, status: 206, headers, file: { path: found.path, ...range } };
    }
    headers['Content-Length'] = found.size;
    return { raw: true, status: 200, headers, file: { path: found.path, start: 0, end: found.size - 1 } };
  }

  private created(req: RequestContext, spec: BulkJobSpec): Envelope {
    return this.jobEnvelope(req, this.ctx.jobs.create(spec));
  }

  private exportIdOf(req: RequestContext): string {
    return req.pathParams?.[0] ?? '';
  }

  private jobEnvelope(req: RequestContext, answer: ReturnType<BulkExports['status']> | Refusal): Envelope {
    // Marketo's answer for an unknown export id is UNVERIFIED; 1003 is the documented guess.
    if (answer === undefined) return errorEnvelope(req.requestId, MarketoFacts.ERR_INVALID_DATA, `Export job not found`);
    if ('code' in answer) return refused(req, answer);
    return successEnvelope(req.requestId, [answer]);
  }
}

/** `bytes=a-b`, `bytes=a-` or `bytes=-n`; undefined = the whole file. */
function parseByteRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | undefined {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) return 'unsatisfiable';
  return { start, end };
}

// Marketo documentation cited above by page name:
// - Bulk Extract: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/bulk-extract/bulk-extract
// - Bulk Activity Extract: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/bulk-extract/bulk-activity-extract
// - Bulk Lead Extract: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/bulk-extract/bulk-lead-extract
// - Error Codes: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/error-codes
