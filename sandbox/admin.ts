// /__sandbox/...: the sandbox's own control endpoints, so that a sandbox started from the command
// line can be driven with curl. Not Marketo: never counted, limited or authenticated.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Activity } from './activity-details';
import type { CallRecord } from './counters';
import { writeJson } from './envelope';
import { type Fault, faultFromJson } from './faults';
import type { Lead } from './leads';

/** The part of the Sandbox the admin endpoints drive. */
export interface SandboxControl {
  counters: {
    total(): number;
    byEndpoint(): Record<string, number>;
    errorsByCode(): Record<string, number>;
    maxConcurrentSeen(): number;
    maxCallsInAnyWindow(windowMs?: number): number;
    calls(): CallRecord[];
    reset(): void;
  };
  faults: { inject(f: Fault): void; clear(): void; pending(): Fault[] };
  expireAllTokens(): void;
  setDailyCallsUsed(n: number): void;
  dailyCallsUsed(): number;
  addActivities(n: number, opts?: { at?: string; typeIds?: number[] }): Activity[];
  activityCount(): number;
  leads(): Lead[];
}

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
  },
};

function parseJson(body: Buffer): unknown {
  if (body.length === 0) return {};
  return JSON.parse(body.toString('utf8')) as unknown;
}

export function createAdminHandler(control: SandboxControl) {
  return (req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams, body: Buffer): void => {
    const method = (req.method ?? 'GET').toUpperCase();
    const route = `${method} ${path.replace(/\/+$/, '')}`;
    try {
      switch (route) {
        case 'GET /__sandbox':
          return writeJson(res, 200, HELP);
        case 'GET /__sandbox/counters': {
          const windowMs = Number(query.get('windowMs') ?? 20_000);
          const c = control.counters;
          return writeJson(res, 200, {
            total: c.total(),
            byEndpoint: c.byEndpoint(),
            errorsByCode: c.errorsByCode(),
            maxConcurrentSeen: c.maxConcurrentSeen(),
            maxCallsInAnyWindow: { windowMs, calls: c.maxCallsInAnyWindow(windowMs) },
            dailyCallsUsed: control.dailyCallsUsed(),
            activityCount: control.activityCount(),
            ...(query.get('calls') === 'true' ? { calls: c.calls() } : {}),
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
          return writeJson(res, 200, control.faults.pending().map((f) => ({ ...f, path: f.path?.source })));
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
        default:
          return writeJson(res, 404, { error: `no admin endpoint ${route}`, ...HELP });
      }
    } catch (err) {
      return writeJson(res, 400, { error: err instanceof Error ? err.message : String(err) });
    }
  };
}
