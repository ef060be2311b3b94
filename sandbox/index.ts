// The Marketo sandbox: a real HTTP server on loopback that behaves as Marketo's REST API
// documents (shared/marketo-api.md). Integration tests start it in-process and point the
// connectors at its URL; `node dist/sandbox/cli.js` runs it standalone. See sandbox/README.md.

import { ActivityDetails, type Activity, type LeadChange } from './activity-details';
import { ActivityEndpoints } from './activity-endpoints';
import { ActivityGenerator } from './activity-generator';
import { ActivityStore, type ActivityRow } from './activity-store';
import { ACTIVITY_TYPES, cloneActivityTypes, type ActivityType } from './activity-types';
import { createAdminHandler, type SandboxControl } from './admin';
import { TokenStore } from './auth';
import { CallLog, type CallRecord } from './counters';
import { RequestIds } from './envelope';
import { FaultQueue, type Fault } from './faults';
import { LeadEndpoints } from './lead-endpoints';
import { LeadStore, type Lead, type LeadFieldDescription } from './leads';
import { CallLimiter } from './limits';
import * as F from './marketo-facts';
import { parseSinceDatetime } from './paging';
import { MarketoHttpServer } from './server';

export type { Activity, ActivityAttribute, LeadChange, LeadChangeField } from './activity-details';
export type { ActivityType, ActivityAttributeType } from './activity-types';
export type { CallRecord } from './counters';
export type { Fault } from './faults';
export type { Lead, LeadFieldDescription, LeadValue } from './leads';
export { decodePagingToken, encodePagingToken } from './paging';

export interface SandboxOptions {
  /** 0 (default) = a random free port on 127.0.0.1. */
  port?: number;
  /** Interface to listen on; default 127.0.0.1 (loopback only). */
  host?: string;
  clientId?: string; // default "sandbox-client-id"
  clientSecret?: string; // default "sandbox-client-secret"
  /** The token's `scope`: the API user's name. Default "api@sandbox.example.com". */
  apiUser?: string;
  /** Same seed (and options) => same data, byte for byte. Default 1. */
  seed?: number;
  /** Activities generated initially (default 2000). */
  activityCount?: number;
  /** Leads generated initially, ids 1..leadCount (default 200). */
  leadCount?: number;
  /** ISO datetime of the first generated activity (default "2026-01-05T00:00:00Z"). */
  startDate?: string;
  tokenTtlSeconds?: number; // default 3600
  /** Default {calls:100, windowMs:20000}; null = unlimited. */
  rateLimit?: { calls: number; windowMs: number } | null;
  /** Calls in flight at once; default 10; null = unlimited. */
  concurrencyLimit?: number | null;
  /** Calls per day (US Central); default 50000; null = unlimited. */
  dailyQuota?: number | null;
  /** Added to every admitted REST call, inside its concurrency slot. Default 0. */
  latencyMs?: number;
  /** Whether a token from sinceDatetime includes activities stamped exactly at that second. Default false. */
  sinceDatetimeInclusive?: boolean;
  /** Accept the deprecated access_token query/form parameter. Default false (treated as no token: 601). */
  acceptQueryToken?: boolean;
  /** gzip bodies >= 1 KB for clients sending Accept-Encoding: gzip, as Marketo does. Default true. */
  gzip?: boolean;
  /** Leave `id` out of activities, as "Activity Service" instances do (marketoGUID stays). Default false. */
  omitActivityIds?: boolean;
}

export interface SandboxCounters {
  /** REST calls received (identity and /__sandbox calls excluded, as Marketo excludes identity). */
  total(): number;
  /** Key "GET /rest/v1/activities.json"; a POST with _method=GET counts as GET. */
  byEndpoint(): Record<string, number>;
  /** Envelope error codes seen; 600, 601, 602, 606, 607 and 615 are always present. */
  errorsByCode(): Record<string, number>;
  /** Most REST calls in flight at once. */
  maxConcurrentSeen(): number;
  /** Most REST call starts inside any sliding window (default 20000 ms). */
  maxCallsInAnyWindow(windowMs?: number): number;
  calls(): CallRecord[];
  reset(): void;
}

export interface Sandbox {
  /** e.g. http://127.0.0.1:12345 */
  url: string;
  clientId: string;
  clientSecret: string;
  apiUser: string;
  close(): Promise<void>;
  counters: SandboxCounters;
  faults: {
    /** Queue a fault; faults are consumed by matching requests in order. */
    inject(f: Fault): void;
    clear(): void;
    /** Faults still queued, with their remaining `times`. */
    pending(): Fault[];
  };
  /** Every issued token now answers 602. */
  expireAllTokens(): void;
  /** Sets the daily call counter, to provoke 607 quickly. */
  setDailyCallsUsed(n: number): void;
  dailyCallsUsed(): number;
  /** All current activities of every type (incl. 12, 13, 32, 37), ascending (activityDate, id). */
  activities(): Iterable<Activity>;
  /** Number of activities stored. */
  activityCount(): number;
  /**
   * Appends `n` deterministic activities dated at/after `at` (an ISO second; earlier than existing
   * ones = late-arriving activities) or one second after the latest existing one.
   */
  addActivities(n: number, opts?: { at?: string; typeIds?: number[] }): Activity[];
  activityTypes(): ActivityType[];
  /** Items Get Lead Changes would return for these fields (default: every Describe field). */
  leadChanges(fields?: string[]): Iterable<LeadChange>;
  /** Every lead, ascending id. */
  leads(): Lead[];
  /** The current Describe Lead field list. */
  leadFields(): LeadFieldDescription[];
}

const DEFAULTS = {
  port: 0,
  host: '127.0.0.1',
  clientId: 'sandbox-client-id',
  clientSecret: 'sandbox-client-secret',
  apiUser: 'api@sandbox.example.com',
  seed: 1,
  activityCount: 2000,
  leadCount: 200,
  startDate: '2026-01-05T00:00:00Z',
  tokenTtlSeconds: F.DEFAULT_TOKEN_TTL_SECONDS,
  rateLimit: { calls: F.DEFAULT_RATE_LIMIT_CALLS, windowMs: F.DEFAULT_RATE_LIMIT_WINDOW_MS },
  concurrencyLimit: F.DEFAULT_CONCURRENCY_LIMIT,
  dailyQuota: F.DEFAULT_DAILY_QUOTA,
  latencyMs: 0,
  sinceDatetimeInclusive: false,
  acceptQueryToken: false,
  gzip: true,
  omitActivityIds: false,
} as const;

function nonNegativeInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) throw new Error(`sandbox option ${name} must be a non-negative integer, got ${value}`);
  return value;
}

function isoToEpochSeconds(name: string, iso: string): number {
  const ms = parseSinceDatetime(iso) ?? Date.parse(iso);
  if (!Number.isFinite(ms)) throw new Error(`sandbox option ${name} must be an ISO 8601 datetime, got '${iso}'`);
  return Math.floor(ms / 1000);
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const o = { ...DEFAULTS, ...options };
  const seed = nonNegativeInteger('seed', o.seed);
  const activityCount = nonNegativeInteger('activityCount', o.activityCount);
  const leadCount = nonNegativeInteger('leadCount', o.leadCount);
  const startSec = isoToEpochSeconds('startDate', o.startDate);
  const now = (): number => Date.now();

  // Data: leads and activities, generated from the seed.
  const leadStore = new LeadStore(leadCount);
  const store = new ActivityStore();
  const details = new ActivityDetails({ seed, apiUser: o.apiUser, fields: leadStore.fields, omitActivityIds: o.omitActivityIds });
  const generator = new ActivityGenerator(seed, store, leadStore, details);
  generator.generateInitial(activityCount, leadCount, startSec);
  const types = cloneActivityTypes(ACTIVITY_TYPES);

  // Behaviour: identity, limits, faults, counters.
  const tokens = new TokenStore({
    clientId: o.clientId,
    clientSecret: o.clientSecret,
    apiUser: o.apiUser,
    ttlSeconds: o.tokenTtlSeconds,
    now,
  });
  const limiter = new CallLimiter({
    rateLimit: o.rateLimit,
    concurrencyLimit: o.concurrencyLimit,
    dailyQuota: o.dailyQuota,
    now,
  });
  const log = new CallLog();
  const faultQueue = new FaultQueue();

  const materialize = (rows: Iterable<ActivityRow>): Activity[] => [...rows].map((r) => details.activity(r));

  const control: SandboxControl = {
    counters: {
      total: () => log.total(),
      byEndpoint: () => log.byEndpoint(),
      errorsByCode: () => log.errorsByCode(),
      maxConcurrentSeen: () => log.maxConcurrentSeen(),
      maxCallsInAnyWindow: (windowMs?: number) => log.maxCallsInAnyWindow(windowMs),
      calls: () => log.calls(),
      reset: () => log.reset(),
    },
    faults: {
      inject: (f) => faultQueue.inject(f),
      clear: () => faultQueue.clear(),
      pending: () => faultQueue.pending(),
    },
    expireAllTokens: () => tokens.expireAll(),
    setDailyCallsUsed: (n) => limiter.setDailyCallsUsed(n),
    dailyCallsUsed: () => limiter.dailyCallsUsed(),
    addActivities: (n, opts = {}) =>
      materialize(
        generator.add(nonNegativeInteger('n', n), {
          atSec: opts.at === undefined ? undefined : isoToEpochSeconds('at', opts.at),
          typeIds: opts.typeIds,
        }),
      ),
    activityCount: () => store.count(),
    leads: () => leadStore.all(),
  };

  const server = new MarketoHttpServer({
    tokens,
    limiter,
    log,
    faults: faultQueue,
    requestIds: new RequestIds(),
    activities: new ActivityEndpoints({
      store,
      details,
      types: () => cloneActivityTypes(types),
      fields: leadStore.fields,
      sinceDatetimeInclusive: o.sinceDatetimeInclusive,
    }),
    leads: new LeadEndpoints(leadStore),
    latencyMs: o.latencyMs,
    acceptQueryToken: o.acceptQueryToken,
    gzip: o.gzip,
    now,
    admin: createAdminHandler(control),
  });
  const url = await server.listen(o.port, o.host);

  return {
    ...control,
    url,
    clientId: o.clientId,
    clientSecret: o.clientSecret,
    apiUser: o.apiUser,
    close: () => server.close(),
    activities: function* () {
      for (const row of store.rows()) yield details.activity(row);
    },
    activityTypes: () => cloneActivityTypes(types),
    leadChanges: function* (fields?: string[]) {
      const wanted = new Set(fields ?? leadStore.fields.describe().flatMap((f) => (f.rest ? [f.rest.name] : [])));
      const cursor = store.cursor(F.LEAD_CHANGE_TYPES, { ms: -Infinity, id: 0 });
      for (let row = cursor.next(); row; row = cursor.next()) {
        const item = details.leadChange(row, wanted);
        if (item) yield item;
      }
    },
    leadFields: () => leadStore.fields.describe().map((f) => ({ ...f })),
  };
}
