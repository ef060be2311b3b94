// Asset API reads: Get Programs, Get Program by Id, Get Smart Campaigns, Get Segmentations, Get
// Segments (https://developer.adobe.com/marketo-apis/api/asset/). Their conventions differ from
// the Lead Database's:
//
// * Offset paging: `offset` (default 0) and `maxReturn` (default 20, at most 200); no paging
//   token, no `moreResult`. A page shorter than maxReturn is the last one.
// * Nothing (more) to return is success with the warning "No assets found for the given search
//   criteria." and no `result` key (seen in recorded Marketo responses); a segmentation id that does not exist answers 702
//   "No data found" (which asset reads answer 702 is UNVERIFIED; clients must take both as empty).
// * `errors: []` and `warnings: []` are present on success.
// * `earliestUpdatedAt` / `latestUpdatedAt` select assets created or updated in the range. Whether
//   the bounds are inclusive is UNVERIFIED: both are exclusive here, the answer least kind to a
//   client that would rely on either.

import { AssetStore, programBrowseView, programByIdView, segmentationView, segmentView, smartCampaignView, staticListView } from './assets';
import { errorEnvelope, type Envelope } from './envelope';
import * as MarketoFacts from './marketo-facts';
import { parseSinceDatetime } from './paging';
import type { Parsed } from './params';
import type { RequestContext } from './request-context';

interface Dated {
  id: number;
  createdSec: number;
  updatedSec: number;
}

export interface AssetRoute {
  method: 'GET';
  path: string | RegExp;
  handle: (ctx: RequestContext) => Envelope;
}

function assetEnvelope(req: RequestContext, result: unknown[]): Envelope {
  if (result.length === 0) return { requestId: req.requestId, success: true, errors: [], warnings: [MarketoFacts.NO_ASSETS_WARNING] };
  return { requestId: req.requestId, success: true, errors: [], warnings: [], result };
}

function nonNegativeInt(req: RequestContext, name: string, fallback: number): Parsed<number> {
  const raw = req.params.get(name);
  if (raw === null || raw === '') return { ok: true, value: fallback };
  if (!/^\d+$/.test(raw))
    return { ok: false, envelope: errorEnvelope(req.requestId, MarketoFacts.ERR_INVALID_VALUE_TYPE, MarketoFacts.invalidValueMessage(raw, 'Integer')) };
  return { ok: true, value: Number(raw) };
}

/** offset and maxReturn; maxReturn above 200 is refused (Marketo's answer is UNVERIFIED: clamping would hide a client bug). */
function pageOf(req: RequestContext): Parsed<{ offset: number; maxReturn: number }> {
  const offset = nonNegativeInt(req, 'offset', 0);
  if (!offset.ok) return offset;
  const maxReturn = nonNegativeInt(req, 'maxReturn', MarketoFacts.ASSET_DEFAULT_MAX_RETURN);
  if (!maxReturn.ok) return maxReturn;
  if (maxReturn.value < 1 || maxReturn.value > MarketoFacts.ASSET_MAX_MAX_RETURN) {
    return {
      ok: false,
      envelope: errorEnvelope(req.requestId, MarketoFacts.ERR_INVALID_DATA, MarketoFacts.invalidParameterMessage('maxReturn', String(maxReturn.value))),
    };
  }
  return { ok: true, value: { offset: offset.value, maxReturn: maxReturn.value } };
}

/** The earliestUpdatedAt / latestUpdatedAt range in epoch seconds (either may be absent); earliest must precede latest. */
function rangeOf(req: RequestContext): Parsed<{ from?: number; to?: number }> {
  const out: { from?: number; to?: number } = {};
  for (const [name, key] of [
    ['earliestUpdatedAt', 'from'],
    ['latestUpdatedAt', 'to'],
  ] as const) {
    const raw = req.params.get(name);
    if (raw === null || raw === '') continue;
    const ms = parseSinceDatetime(raw);
    if (ms === undefined)
      return { ok: false, envelope: errorEnvelope(req.requestId, MarketoFacts.ERR_INVALID_VALUE_TYPE, MarketoFacts.invalidValueMessage(raw, 'Date')) };
    out[key] = ms / 1000;
  }
  if (out.from !== undefined && out.to !== undefined && out.from >= out.to) {
    return {
      ok: false,
      envelope: errorEnvelope(
        req.requestId,
        MarketoFacts.ERR_INVALID_DATA,
        MarketoFacts.invalidParameterMessage('earliestUpdatedAt', req.params.get('earliestUpdatedAt') ?? ''),
      ),
    };
  }
  return { ok: true, value: out };
}

function inRange(asset: Dated, range: { from?: number; to?: number }): boolean {
  const within = (sec: number) => (range.from === undefined || sec > range.from) && (range.to === undefined || sec < range.to);
  return within(asset.updatedSec) || within(asset.createdSec);
}

/** One page of assets in id order. */
function browse<T extends Dated>(
  req: RequestContext,
  assets: Iterable<T>,
  keep: (a: T) => boolean,
  view: (a: T) => Record<string, unknown>,
  dated: boolean,
): Envelope {
  const page = pageOf(req);
  if (!page.ok) return page.envelope;
  const range = dated ? rangeOf(req) : ({ ok: true, value: {} } as const);
  if (!range.ok) return range.envelope;
  const selected = [...assets].filter((a) => keep(a) && inRange(a, range.value)).sort((a, b) => a.id - b.id);
  return assetEnvelope(req, selected.slice(page.value.offset, page.value.offset + page.value.maxReturn).map(view));
}

export class AssetEndpoints {
  constructor(private readonly store: AssetStore) {}

  routes(): AssetRoute[] {
    return [
      { method: 'GET', path: '/rest/asset/v1/programs.json', handle: (x) => this.programs(x) },
      { method: 'GET', path: /^\/rest\/asset\/v1\/program\/(\d+)\.json$/, handle: (x) => this.programById(x) },
      { method: 'GET', path: '/rest/asset/v1/smartCampaigns.json', handle: (x) => this.smartCampaigns(x) },
      { method: 'GET', path: '/rest/asset/v1/segmentation.json', handle: (x) => this.segmentations(x) },
      { method: 'GET', path: /^\/rest\/asset\/v1\/segmentation\/(\d+)\/segments\.json$/, handle: (x) => this.segments(x) },
      { method: 'GET', path: '/rest/asset/v1/staticLists.json', handle: (x) => this.staticLists(x) },
    ];
  }

  /** Get Programs: browse, optionally by date range, `status`, or filterType id/programId/folderId/workspace with filterValues. */
  programs(req: RequestContext): Envelope {
    const status = req.params.get('status');
    const filterType = req.params.get('filterType');
    const values = new Set(
      (req.params.get('filterValues') ?? '')
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v !== ''),
    );
    const filters: Record<string, (p: { id: number; folder: { value: number }; workspace: string }) => string> = {
      id: (p) => String(p.id),
      programId: (p) => String(p.id),
      folderId: (p) => String(p.folder.value),
      workspace: (p) => p.workspace,
    };
    if (filterType && !filters[filterType])
      return errorEnvelope(req.requestId, MarketoFacts.ERR_INVALID_DATA, MarketoFacts.invalidParameterMessage('filterType', filterType));
    const keep = (p: Parameters<typeof programBrowseView>[0]) => (!status || p.status === status) && (!filterType || values.has(filters[filterType](p)));
    return browse(req, this.store.programs.values(), keep, programBrowseView, true);
  }

  programById(req: RequestContext): Envelope {
    const program = this.store.programs.get(Number(req.pathParams?.[0]));
    return assetEnvelope(req, program ? [programByIdView(program)] : []);
  }

  /** Get Smart Campaigns: browse, optionally by date range and `isActive`. */
  smartCampaigns(req: RequestContext): Envelope {
    const isActive = req.params.get('isActive');
    return browse(req, this.store.smartCampaigns.values(), (c) => isActive !== 'true' || (c.isActive && c.type === 'trigger'), smartCampaignView, true);
  }

  /** Get Segmentations: optionally by `status`; offset and maxReturn as the other browses (Airbyte's connector sends them). */
  segmentations(req: RequestContext): Envelope {
    const status = req.params.get('status');
    return browse(req, this.store.segmentations.values(), (s) => !status || s.status === status, segmentationView, false);
  }

  /** Get Static Lists: browse, optionally by date range. Membership changes leave a list's updatedAt alone (seen in recorded Marketo responses). */
  staticLists(req: RequestContext): Envelope {
    return browse(req, this.store.staticLists.values(), () => true, staticListView, true);
  }

  segments(req: RequestContext): Envelope {
    const id = Number(req.pathParams?.[0]);
    const segmentation = this.store.segmentations.get(id);
    if (!segmentation) return errorEnvelope(req.requestId, MarketoFacts.ERR_NO_DATA_FOUND, MarketoFacts.MSG_NO_DATA_FOUND);
    const status = req.params.get('status');
    return browse(req, this.store.segments.values(), (s) => s.segmentationId === id && (!status || segmentation.status === status), segmentView, false);
  }
}
