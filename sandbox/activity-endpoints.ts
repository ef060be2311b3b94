// The activities endpoints (Activities; Paging Tokens): Get Activity Types, Get Paging Token, Get Lead Activities,
// Get Lead Changes, Get Deleted Leads.

import type { ActivityDetails } from './activity-details';
import type { ActivityRow, ActivityStore } from './activity-store';
import type { ActivityType } from './activity-types';
import { errorEnvelope, successEnvelope, type Envelope } from './envelope';
import type { LeadFieldStore } from './leads';
import * as MarketoFacts from './marketo-facts';
import type { RequestContext } from './request-context';
import { decodePagingToken, encodePagingToken, parseSinceDatetime, positionForSince, type PagePosition } from './paging';
import { batchSizeOf, checked, listParam, type Parsed } from './params';

export interface ActivityEndpointContext {
  store: ActivityStore;
  details: ActivityDetails;
  types: () => ActivityType[];
  fields: LeadFieldStore;
  sinceDatetimeInclusive: boolean;
  /** Rows Marketo has pruned by now (Delete Lead and the 90-day types after their retention (Activities)); none when absent. */
  isPruned?: (row: ActivityRow) => boolean;
}

function integerList(ctx: RequestContext, name: string, max: number, required: boolean): Parsed<number[] | null> {
  const raw = listParam(ctx.params, name);
  if (raw.length === 0) {
    if (required) return { ok: false, envelope: errorEnvelope(ctx.requestId, MarketoFacts.ERR_MISSING_PARAMETER, MarketoFacts.missingParameterMessage(name)) };
    return { ok: true, value: null };
  }
  const values: number[] = [];
  for (const v of raw) {
    if (!/^-?\d+$/.test(v)) {
      return { ok: false, envelope: errorEnvelope(ctx.requestId, MarketoFacts.ERR_INVALID_VALUE_TYPE, MarketoFacts.invalidValueMessage(v, 'Integer')) };
    }
    values.push(Number(v));
  }
  if (values.length > max) {
    // The real code and message for too many ids are not documented; 1003 is the likeliest guess.
    return {
      ok: false,
      envelope: errorEnvelope(ctx.requestId, MarketoFacts.ERR_INVALID_DATA, `Invalid value for parameter '${name}': at most ${max} values are allowed`),
    };
  }
  return { ok: true, value: values };
}

function pagePositionOf(ctx: RequestContext): Parsed<{ token: string; position: PagePosition }> {
  const token = ctx.params.get('nextPageToken');
  if (token === null || token === '') {
    return { ok: false, envelope: errorEnvelope(ctx.requestId, MarketoFacts.ERR_MISSING_PARAMETER, MarketoFacts.missingParameterMessage('nextPageToken')) };
  }
  const position = decodePagingToken(token);
  if (!position) {
    return { ok: false, envelope: errorEnvelope(ctx.requestId, MarketoFacts.ERR_INVALID_VALUE_TYPE, MarketoFacts.invalidValueMessage(token, 'nextPageToken')) };
  }
  return { ok: true, value: { token, position } };
}

/**
 * Walks the store from a position and fills one page. `select` turns a row into the item to
 * return, or undefined when a filter rejects it.
 *
 * One call examines one block of the store: the next ACTIVITIES_SCANNED_PER_CALL stored
 * activities of every type. When the requested types (or filters) match few rows of the block,
 * the page is short or empty, with moreResult:true and a token at the block's end, as Marketo
 * answers walks over rare types (Activities). moreResult is false only once the block reaches the end
 * of the store.
 */
function readPage(
  store: ActivityStore,
  typeIds: readonly number[],
  from: PagePosition,
  batchSize: number,
  select: (row: ActivityRow) => unknown,
): { items: unknown[]; next: PagePosition; moreResult: boolean } {
  const blockEnd = store.positionAfter(from, MarketoFacts.ACTIVITIES_SCANNED_PER_CALL);
  const cursor = store.cursor(typeIds, from);
  const items: unknown[] = [];
  let next = from;
  for (;;) {
    const row = cursor.next();
    if (!row || (blockEnd && isAfter(row, blockEnd))) {
      // The block is examined: the next call starts after it.
      return blockEnd ? { items, next: blockEnd, moreResult: true } : { items, next, moreResult: false };
    }
    const item = select(row);
    if (item !== undefined) {
      // A matching row beyond the page: there is more, and the token stays after the last item.
      if (items.length === batchSize) return { items, next, moreResult: true };
      items.push(item);
      next = { ms: row.dateSec * 1000, id: row.id };
    } else if (items.length === 0) {
      // Rejected rows before the first item are behind us for good.
      next = { ms: row.dateSec * 1000, id: row.id };
    }
  }
}

function isAfter(row: ActivityRow, position: PagePosition): boolean {
  const ms = row.dateSec * 1000;
  return ms > position.ms || (ms === position.ms && row.id > position.id);
}

function pagedEnvelope(ctx: RequestContext, page: { items: unknown[]; next: PagePosition; moreResult: boolean }): Envelope {
  return successEnvelope(ctx.requestId, page.items.length > 0 ? page.items : undefined, {
    nextPageToken: encodePagingToken(page.next),
    moreResult: page.moreResult,
  });
}

/** The emptyPage fault: no result, moreResult:true and the token the client sent (Activities). */
function emptyPageEnvelope(ctx: RequestContext, token: string): Envelope {
  return successEnvelope(ctx.requestId, undefined, { nextPageToken: token, moreResult: true });
}

export class ActivityEndpoints {
  constructor(private readonly ctx: ActivityEndpointContext) {}

  /** GET /rest/v1/activities/types.json */
  types(req: RequestContext): Envelope {
    return successEnvelope(req.requestId, this.ctx.types());
  }

  /** GET /rest/v1/activities/pagingtoken.json?sinceDatetime=... -> {nextPageToken}, no result (Paging Tokens) */
  pagingToken(req: RequestContext): Envelope {
    const since = req.params.get('sinceDatetime');
    if (since === null || since === '') {
      return errorEnvelope(req.requestId, MarketoFacts.ERR_MISSING_PARAMETER, MarketoFacts.missingParameterMessage('sinceDatetime'));
    }
    const ms = parseSinceDatetime(since);
    if (ms === undefined) {
      // Marketo's code for an unparsable date is UNVERIFIED; 1001 (type mismatch) is the closest.
      return errorEnvelope(req.requestId, MarketoFacts.ERR_INVALID_VALUE_TYPE, MarketoFacts.invalidValueMessage(since, 'datetime'));
    }
    return successEnvelope(req.requestId, undefined, {
      nextPageToken: encodePagingToken(positionForSince(ms, this.ctx.sinceDatetimeInclusive)),
    });
  }

  /** GET /rest/v1/activities.json?nextPageToken&activityTypeIds[&leadIds&assetIds&batchSize] (Activities) */
  activities(req: RequestContext): Envelope {
    const params = checked({
      types: integerList(req, 'activityTypeIds', MarketoFacts.MAX_ACTIVITY_TYPE_IDS, true),
      page: pagePositionOf(req),
      leadIds: integerList(req, 'leadIds', MarketoFacts.MAX_LEAD_IDS, false),
      assetIds: integerList(req, 'assetIds', MarketoFacts.MAX_BATCH_SIZE, false),
      noListId: this.noListId(req),
      batchSize: batchSizeOf(req),
    });
    if (!params.ok) return params.envelope;
    const { types, page, leadIds, assetIds, batchSize } = params.value;
    if (req.emptyPage) return emptyPageEnvelope(req, page.token);

    const leadSet = leadIds ? new Set(leadIds) : null;
    const assetSet = assetIds ? new Set(assetIds) : null;
    const { details } = this.ctx;
    const pruned = this.ctx.isPruned;
    const result = readPage(this.ctx.store, types ?? [], page.position, batchSize, (row) => {
      if (leadSet && !leadSet.has(row.leadId)) return undefined;
      if (pruned?.(row)) return undefined;
      const activity = details.activity(row);
      if (assetSet && (activity.primaryAttributeValueId === undefined || !assetSet.has(activity.primaryAttributeValueId))) {
        return undefined;
      }
      return activity;
    });
    return pagedEnvelope(req, result);
  }

  /** GET /rest/v1/activities/leadchanges.json?nextPageToken&fields[&leadIds&batchSize] (Activities) */
  leadChanges(req: RequestContext): Envelope {
    const fieldNames = listParam(req.params, 'fields');
    if (fieldNames.length === 0) {
      return errorEnvelope(req.requestId, MarketoFacts.ERR_MISSING_PARAMETER, MarketoFacts.missingParameterMessage('fields'));
    }
    for (const name of fieldNames) {
      // Whether Marketo rejects unknown names here is UNVERIFIED; rejecting catches stale configs.
      if (!this.ctx.fields.get(name)) return errorEnvelope(req.requestId, MarketoFacts.ERR_FIELD_NOT_FOUND, `Field '${name}' not found`);
    }
    const params = checked({
      page: pagePositionOf(req),
      leadIds: integerList(req, 'leadIds', MarketoFacts.MAX_LEAD_IDS, false),
      noListId: this.noListId(req),
      batchSize: batchSizeOf(req),
    });
    if (!params.ok) return params.envelope;
    const { page, leadIds, batchSize } = params.value;
    if (req.emptyPage) return emptyPageEnvelope(req, page.token);

    const fields = new Set(fieldNames);
    const leadSet = leadIds ? new Set(leadIds) : null;
    const { details, isPruned } = this.ctx;
    const result = readPage(this.ctx.store, MarketoFacts.LEAD_CHANGE_TYPES, page.position, batchSize, (row) => {
      if (leadSet && !leadSet.has(row.leadId)) return undefined;
      if (isPruned?.(row)) return undefined;
      return details.leadChange(row, fields);
    });
    return pagedEnvelope(req, result);
  }

  /** GET /rest/v1/activities/deletedleads.json?nextPageToken[&batchSize] (Activities) */
  deletedLeads(req: RequestContext): Envelope {
    const page = pagePositionOf(req);
    if (!page.ok) return page.envelope;
    const batchSize = batchSizeOf(req);
    if (!batchSize.ok) return batchSize.envelope;
    if (req.emptyPage) return emptyPageEnvelope(req, page.value.token);
    const { details, isPruned } = this.ctx;
    // Deletions older than the retention are gone: the walk passes over them like filtered rows (Activities).
    const result = readPage(this.ctx.store, MarketoFacts.DELETED_LEAD_TYPES, page.value.position, batchSize.value, (row) =>
      isPruned?.(row) ? undefined : details.activity(row),
    );
    return pagedEnvelope(req, result);
  }

  /** listId: the sandbox has no static lists to filter activities by, so it says so rather than ignore the filter. */
  private noListId(req: RequestContext): Parsed<null> {
    const listId = req.params.get('listId');
    if (listId === null || listId === '') return { ok: true, value: null };
    return {
      ok: false,
      envelope: errorEnvelope(req.requestId, MarketoFacts.ERR_INVALID_DATA, `Static list '${listId}' not found (the sandbox has no static lists)`),
    };
  }
}

// Marketo documentation cited above by page name:
// - Activities: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/activities
// - Paging Tokens: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/paging-tokens
