// /__sandbox/...: the sandbox's own control endpoints, so that a sandbox started from the command
// line can be driven with curl. Not Marketo: never counted, limited or authenticated.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { writeJson } from './envelope';
import { faultFromJson } from './faults';
import { isNewActivityType } from './activity-type-changes';
import type { Sandbox } from './index';

/** The part of the Sandbox the admin endpoints drive. */
export type SandboxControl = Pick<
  Sandbox,
  | 'counters'
  | 'faults'
  | 'expireAllTokens'
  | 'setDailyCallsUsed'
  | 'dailyCallsUsed'
  | 'addActivities'
  | 'activityCount'
  | 'latestActivityDate'
  | 'leads'
  | 'lead'
  | 'createLead'
  | 'updateLead'
  | 'deleteLead'
  | 'mergeLeads'
  | 'addLeadField'
  | 'addActivityType'
  | 'addActivityAttribute'
  | 'hideLeadField'
  | 'showLeadField'
  | 'companies'
  | 'customObjects'
  | 'writeLog'
  | 'bulkExports'
  | 'clock'
  | 'changeScore'
  | 'changeSegment'
  | 'changeLeadPartition'
>;

/** Above this many, POST /__sandbox/activities answers with ids only. */
const MAX_ACTIVITIES_ECHOED = 1000;

const HELP = {
  endpoints: {
    'GET /__sandbox/counters[?windowMs=20000][&calls=true]': 'call counters; calls=true adds every call',
    'POST /__sandbox/reset-counters': 'forget recorded calls',
    'POST /__sandbox/faults': 'queue a fault (JSON object or array; path is a regex string)',
    'GET /__sandbox/faults': 'faults still queued',
    'DELETE /__sandbox/faults': 'drop every queued fault (also POST /__sandbox/faults/clear)',
    'POST /__sandbox/expire-tokens': 'every issued token answers 602 from now on',
    'POST /__sandbox/daily-calls-used': '{"n": 49990} sets the daily quota counter',
    'POST /__sandbox/activities': '{"n": 10, "at"?: ISO second, "typeIds"?: [1, 13]} appends activities',
    'GET /__sandbox/leads': 'every lead',
    'GET /__sandbox/leads/{id}': 'one lead (404 when there is none)',
    'POST /__sandbox/leads': 'body {field: value, ...}: creates a lead "in the UI" (New Lead activity); answers the lead',
    'POST /__sandbox/leads/{id}[?source=ui|flow|form|api&apiUser=..&at=ISO]':
      'body {field: value, ...}: changes a lead (Change Data Value per changed field, dated at, default now); answers {changed}',
    'DELETE /__sandbox/leads/{id}[?at=ISO]': 'deletes a lead (Delete Lead activity)',
    'POST /__sandbox/leads/{id}/merge[?at=ISO]': 'body {"leadIds": [losers]}: merges them into lead {id} (Merge Leads activity)',
    'POST /__sandbox/leads/{id}/score[?at=ISO]': 'body {"delta": 5}: Change Score; answers {leadScore}',
    'POST /__sandbox/leads/{id}/segment[?at=ISO]': 'body {"segment": "EMEA"}: Change Segment; answers {changed}',
    'POST /__sandbox/leads/{id}/partition[?at=ISO]': 'body {"partitionId": 2}: Change Lead Partition; answers {changed}',
    'GET /__sandbox/clock': 'the sandbox clock {now: ISO}',
    'POST /__sandbox/clock': 'body {"advanceMs": n} or {"at": ISO}: moves the sandbox clock (tokens, limits, dates of writes, retention)',
    'POST /__sandbox/activity-types':
      'body {"name", "apiName"?, "primaryAttribute": {"name", "dataType"}, "attributes"?: [...]}: creates a custom activity type',
    'POST /__sandbox/activity-types/attributes': 'body {"typeId", "name", "dataType", "apiName"?}: adds an attribute to an activity type',
    'POST /__sandbox/lead-fields': 'body {"name", "displayName", "dataType", "length"?, "readOnly"?}: adds a lead field',
    'DELETE /__sandbox/lead-fields/{name}': 'hides a lead field (gone from Describe; Get Leads answers 1006 for it)',
    'POST /__sandbox/lead-fields/{name}/show': 'shows a hidden lead field again',
    'GET /__sandbox/companies': 'every company',
    'GET /__sandbox/customobjects/{name}': 'every record of a custom object type',
    'GET /__sandbox/write-log': 'every API write call served (Sync / Delete / Merge)',
    'GET /__sandbox/bulk-exports': 'every bulk export job, with its filter, status and downloads, and the bytes exported today',
    'POST /__sandbox/bulk-exports/fail-next': '{"n"?: 1}: the next n jobs to finish processing fail',
    'POST /__sandbox/bulk-exports/expire-files': 'every completed export file expires now',
  },
};

/** Admin routes with a path parameter: method, pattern, handler of the captured value. */
type ParamRoute = [method: string, pattern: RegExp, handle: (param: string, body: Buffer, query: URLSearchParams) => unknown];

function paramRoutes(control: SandboxControl): ParamRoute[] {
  const leadId = (raw: string): number => Number(raw);
  return [
    ['GET', /^\/__sandbox\/leads\/(\d+)$/, (id) => control.lead(leadId(id)) ?? NOT_FOUND],
    [
      'POST',
      /^\/__sandbox\/leads\/(\d+)$/,
      (id, body, query) => {
        const source = query.get('source') ?? undefined;
        const apiUser = query.get('apiUser') ?? undefined;
        const opts = { ...(source ? { source: source as 'ui' } : {}), ...(apiUser ? { apiUser } : {}), ...dated(query) };
        return { changed: control.updateLead(leadId(id), parseObject(body), opts) };
      },
    ],
    [
      'DELETE',
      /^\/__sandbox\/leads\/(\d+)$/,
      (id, _body, query) => {
        control.deleteLead(leadId(id), dated(query));
        return { ok: true };
      },
    ],
    [
      'POST',
      /^\/__sandbox\/leads\/(\d+)\/merge$/,
      (id, body, query) => {
        const { leadIds } = parseObject(body) as { leadIds?: unknown };
        if (!Array.isArray(leadIds)) throw new Error('body must be {"leadIds": [ids]}');
        control.mergeLeads(leadId(id), leadIds.map(Number), dated(query));
        return { ok: true };
      },
    ],
    [
      'POST',
      /^\/__sandbox\/leads\/(\d+)\/score$/,
      (id, body, query) => ({ leadScore: control.changeScore(leadId(id), Number(parseObject(body)['delta']), dated(query)) }),
    ],
    [
      'POST',
      /^\/__sandbox\/leads\/(\d+)\/segment$/,
      (id, body, query) => ({ changed: control.changeSegment(leadId(id), String(parseObject(body)['segment']), dated(query)) }),
    ],
    [
      'POST',
      /^\/__sandbox\/leads\/(\d+)\/partition$/,
      (id, body, query) => ({ changed: control.changeLeadPartition(leadId(id), Number(parseObject(body)['partitionId']), dated(query)) }),
    ],
    [
      'DELETE',
      /^\/__sandbox\/lead-fields\/([^/]+)$/,
      (name) => {
        control.hideLeadField(decodeURIComponent(name));
        return { ok: true };
      },
    ],
    [
      'POST',
      /^\/__sandbox\/lead-fields\/([^/]+)\/show$/,
      (name) => {
        control.showLeadField(decodeURIComponent(name));
        return { ok: true };
      },
    ],
    ['GET', /^\/__sandbox\/customobjects\/([^/]+)$/, (name) => control.customObjects(decodeURIComponent(name))],
  ];
}

/** The `at` query parameter of the lead helpers: the date of a late-committed activity. */
function dated(query: URLSearchParams): { at?: string } {
  const at = query.get('at');
  return at ? { at } : {};
}

/** Answered with HTTP 404 by a parameter route. */
const NOT_FOUND = Symbol('not found');

function parseObject(body: Buffer): Record<string, unknown> {
  const parsed = parseJson(body);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('body must be a JSON object');
  return parsed as Record<string, unknown>;
}

function parseJson(body: Buffer): unknown {
  if (body.length === 0) return {};
  return JSON.parse(body.toString('utf8')) as unknown;
}

export function createAdminHandler(control: SandboxControl) {
  const withParams = paramRoutes(control);
  return (req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams, body: Buffer): void => {
    const method = (req.method ?? 'GET').toUpperCase();
    const trimmed = path.replace(/\/+$/, '');
    const route = `${method} ${trimmed}`;
    try {
      for (const [m, pattern, handle] of withParams) {
        const match = m === method ? pattern.exec(trimmed) : null;
        if (!match) continue;
        const answer = handle(match[1], body, query);
        if (answer === NOT_FOUND) return writeJson(res, 404, { error: `nothing at ${trimmed}` });
        return writeJson(res, 200, answer);
      }
      switch (route) {
        case 'GET /__sandbox':
          return writeJson(res, 200, HELP);
        case 'GET /__sandbox/counters': {
          const windowMs = Number(query.get('windowMs') ?? 20_000);
          const counters = control.counters;
          return writeJson(res, 200, {
            total: counters.total(),
            byEndpoint: counters.byEndpoint(),
            byActivityTypeIds: counters.byActivityTypeIds(),
            errorsByCode: counters.errorsByCode(),
            maxConcurrentSeen: counters.maxConcurrentSeen(),
            maxCallsInAnyWindow: { windowMs, calls: counters.maxCallsInAnyWindow(windowMs) },
            dailyCallsUsed: control.dailyCallsUsed(),
            activityCount: control.activityCount(),
            ...(query.get('calls') === 'true' ? { calls: counters.calls() } : {}),
          });
        }
        case 'POST /__sandbox/reset-counters':
          control.counters.reset();
          return writeJson(res, 200, { ok: true });
        case 'POST /__sandbox/faults': {
          const input = parseJson(body);
          const faults = (Array.isArray(input) ? input : [input]).map(faultFromJson);
          faults.forEach((f) => control.faults.inject(f));
          return writeJson(res, 200, { ok: true, queued: control.faults.pending().length });
        }
        case 'GET /__sandbox/faults':
          return writeJson(
            res,
            200,
            control.faults.pending().map((f) => ({ ...f, path: f.path?.source })),
          );
        case 'DELETE /__sandbox/faults':
        case 'POST /__sandbox/faults/clear':
          control.faults.clear();
          return writeJson(res, 200, { ok: true });
        case 'POST /__sandbox/expire-tokens':
          control.expireAllTokens();
          return writeJson(res, 200, { ok: true });
        case 'POST /__sandbox/daily-calls-used': {
          const { n } = parseJson(body) as { n?: unknown };
          if (typeof n !== 'number') return writeJson(res, 400, { error: 'body must be {"n": <number>}' });
          control.setDailyCallsUsed(n);
          return writeJson(res, 200, { ok: true, dailyCallsUsed: n });
        }
        case 'POST /__sandbox/activities': {
          const { n, at, typeIds } = parseJson(body) as { n?: unknown; at?: unknown; typeIds?: unknown };
          if (typeof n !== 'number' || n < 0) return writeJson(res, 400, { error: 'body must be {"n": <count>, "at"?: ISO, "typeIds"?: [ids]}' });
          const added = control.addActivities(n, {
            at: typeof at === 'string' ? at : undefined,
            typeIds: Array.isArray(typeIds) ? typeIds.map(Number) : undefined,
          });
          return writeJson(res, 200, {
            added: added.length,
            firstId: added[0]?.marketoGUID,
            lastId: added[added.length - 1]?.marketoGUID,
            ...(added.length <= MAX_ACTIVITIES_ECHOED ? { activities: added } : {}),
          });
        }
        case 'GET /__sandbox/leads':
          return writeJson(res, 200, control.leads());
        case 'POST /__sandbox/leads':
          return writeJson(res, 200, control.createLead(parseObject(body)));
        case 'POST /__sandbox/activity-types': {
          const def = parseObject(body);
          if (!isNewActivityType(def)) {
            return writeJson(res, 400, {
              error: 'body must be {"name", "apiName"?, "description"?, "primaryAttribute": {"name", "dataType"}, "attributes"?: [...]}',
            });
          }
          return writeJson(res, 200, control.addActivityType(def));
        }
        case 'POST /__sandbox/activity-types/attributes': {
          const { typeId, ...attribute } = parseObject(body) as { typeId?: unknown; name?: unknown; dataType?: unknown; apiName?: unknown };
          if (typeof typeId !== 'number' || typeof attribute.name !== 'string' || typeof attribute.dataType !== 'string') {
            return writeJson(res, 400, { error: 'body must be {"typeId", "name", "dataType", "apiName"?}' });
          }
          return writeJson(res, 200, control.addActivityAttribute(typeId, attribute as { name: string; dataType: string; apiName?: string }));
        }
        case 'POST /__sandbox/lead-fields': {
          const field = parseObject(body);
          if (typeof field['name'] !== 'string' || typeof field['dataType'] !== 'string') {
            return writeJson(res, 400, { error: 'body must be {"name", "displayName", "dataType", "length"?, "readOnly"?}' });
          }
          return writeJson(
            res,
            200,
            control.addLeadField({
              name: field['name'],
              displayName: typeof field['displayName'] === 'string' ? field['displayName'] : field['name'],
              dataType: field['dataType'],
              ...(typeof field['length'] === 'number' ? { length: field['length'] } : {}),
              ...(typeof field['readOnly'] === 'boolean' ? { readOnly: field['readOnly'] } : {}),
            }),
          );
        }
        case 'GET /__sandbox/clock':
          return writeJson(res, 200, { now: new Date(control.clock.now()).toISOString() });
        case 'POST /__sandbox/clock': {
          const { advanceMs, at } = parseObject(body) as { advanceMs?: unknown; at?: unknown };
          if (typeof advanceMs === 'number') control.clock.advance(advanceMs);
          else if (typeof at === 'string') control.clock.set(at);
          else return writeJson(res, 400, { error: 'body must be {"advanceMs": <ms>} or {"at": ISO}' });
          return writeJson(res, 200, { now: new Date(control.clock.now()).toISOString() });
        }
        case 'GET /__sandbox/companies':
          return writeJson(res, 200, control.companies());
        case 'GET /__sandbox/write-log':
          return writeJson(res, 200, control.writeLog());
        case 'GET /__sandbox/bulk-exports':
          return writeJson(res, 200, { jobs: control.bulkExports.jobs(), exportedBytesToday: control.bulkExports.exportedBytesToday() });
        case 'POST /__sandbox/bulk-exports/fail-next': {
          const { n } = parseJson(body) as { n?: unknown };
          control.bulkExports.failNext(typeof n === 'number' ? n : 1);
          return writeJson(res, 200, { ok: true });
        }
        case 'POST /__sandbox/bulk-exports/expire-files':
          control.bulkExports.expireFiles();
          return writeJson(res, 200, { ok: true });
        default:
          return writeJson(res, 404, { error: `no admin endpoint ${route}`, ...HELP });
      }
    } catch (err) {
      return writeJson(res, 400, { error: err instanceof Error ? err.message : String(err) });
    }
  };
}
