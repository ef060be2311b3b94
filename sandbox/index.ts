// The Marketo sandbox: a real HTTP server on loopback that behaves as Marketo's REST API
// documents (https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/rest-api). Integration tests start it in-process and point the
// connectors at its URL; `node dist/sandbox/cli.js` runs it standalone. See sandbox/README.md.

import { Rng } from './prng';
import { ActivityDetails, type Activity, type LeadChange } from './activity-details';
import { ActivityEndpoints } from './activity-endpoints';
import { ActivityGenerator, LEAD_PARTITION_FIELD } from './activity-generator';
import { ActivityStore, type ActivityRow } from './activity-store';
import { ACTIVITY_TYPES, cloneActivityTypes, type ActivityAttributeType, type ActivityType } from './activity-types';
import { ActivityTypeChanges, type NewActivityType } from './activity-type-changes';
import { createAdminHandler, type SandboxControl } from './admin';
import { TokenStore } from './auth';
import { activityRow, csvLine, leadRow } from './bulk-csv';
import { BulkEndpoints } from './bulk-endpoints';
import { BulkExports, type BulkJobSpec, type BulkJobView } from './bulk-exports';
import { CompanyStore } from './companies';
import { CallLog, type CallRecord } from './counters';
import { CustomObjectEndpoints } from './custom-object-endpoints';
import { createCustomObjectStores, DEFAULT_CUSTOM_OBJECTS, type CustomObjectType } from './custom-objects';
import { generateCompanies, generateCustomObjects } from './object-generator';
import { AssetEndpoints } from './asset-endpoints';
import { assetControl, type SandboxAssets } from './asset-control';
import { AssetStore } from './assets';
import { ListMembership } from './list-membership';
import { PROGRAM_MEMBER_FIELDS, ProgramMemberEndpoints, ProgramMemberStore, type ProgramMember } from './program-members';
import { RequestIds } from './envelope';
import { FaultQueue, type Fault } from './faults';
import { LeadEndpoints } from './lead-endpoints';
import { LeadOperations, type UpdateLeadOptions } from './lead-operations';
import { DEFAULT_LEAD_PARTITIONS, LeadPartitions, type LeadPartition } from './lead-partitions';
import { LeadView } from './lead-view';
import { LeadStore, type Lead, type LeadFieldDescription, type LeadValue, type NewLeadField } from './leads';
import { CallLimiter } from './limits';
import * as MarketoFacts from './marketo-facts';
import { ObjectEndpoints } from './object-endpoints';
import type { ObjectRecord, ObjectRelationship, ObjectStore } from './object-store';
import * as SampleData from './sample-data';
import { marketoUiActions } from './marketo-ui';
import { isoToEpochSeconds, nonNegativeInteger } from './option-values';
import { MarketoHttpServer } from './server';
import { countStatuses, WriteLog, type WriteRecord } from './write-log';

export type { Activity, ActivityAttribute, LeadChange, LeadChangeField } from './activity-details';
export type { ActivityType, ActivityAttributeType } from './activity-types';

export type { NewActivityType } from './activity-type-changes';
export type { CallRecord } from './counters';
export type { BulkJobView, BulkJobStatus, BulkObject } from './bulk-exports';
export type { Fault } from './faults';
export type { Lead, LeadFieldDescription, LeadValue, NewLeadField } from './leads';
export type { UpdateLeadOptions } from './lead-operations';
export type { LeadPartition } from './lead-partitions';
export type { CustomObjectType, CustomObjectFieldType } from './custom-objects';
export { DEFAULT_CUSTOM_OBJECTS } from './custom-objects';
export type { ObjectRecord, ObjectRelationship } from './object-store';
export type { WriteRecord } from './write-log';
export type { ProgramMember } from './program-members';
export { decodePagingToken, encodePagingToken } from './paging';

/** A company record as Get Companies would return it with every field (id, externalCompanyId, ...). */
export type Company = ObjectRecord;
/** A custom object record (marketoGUID, its fields, createdAt, updatedAt). */
export type CustomObjectRecord = ObjectRecord;

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
  /**
   * The sandbox clock, epoch ms: token lifetimes, limits, requestIds, and the date of everything
   * written (leads, companies, custom objects, their activities) and of pruning. Default
   * Date.now. `Sandbox.clock` moves it.
   */
  now?: () => number;
  /**
   * Delete Lead (37) activities older than this many days before now() are pruned (Get Deleted
   * Leads and Get Lead Activities no longer return them) (Activities). Default: 14 when `now` is given
   * or the history starts less than 90 days before the clock; otherwise (the fixed default
   * startDate on the wall clock) no pruning (null), so that such a history keeps its activities
   * and answers do not depend on the day a test runs. null = keep forever.
   */
  deletedLeadsRetentionDays?: number | null;
  /**
   * Activities of the 90-day types (Visit Webpage, Send Email, Email Delivered, Change Data Value,
   * Change Score, Add to List, ...) older than this many days before now() are pruned from every
   * activities endpoint (Activities). Default 90 under the same rule as deletedLeadsRetentionDays.
   */
  activityRetentionDays?: number | null;
  /** Custom object types of the subscription. Default: one type, `car_c` (DEFAULT_CUSTOM_OBJECTS). */
  customObjects?: CustomObjectType[];
  /**
   * The instance's lead partitions (Get Lead Partitions). Default: one, `Default`. With more than
   * one, Sync Leads refuses a create without `partitionName` (1009).
   */
  leadPartitions?: LeadPartition[];
  /**
   * One step of a bulk export job's life cycle (Queued -> Processing, Processing -> Completed), in
   * ms of the sandbox clock. Default 60000: Marketo updates a job's status at most once a minute.
   */
  bulkExportStepMs?: number;
  /** The daily bulk export allowance in MB, metered on file size; null = none. Default 500. */
  bulkExportDailyQuotaMb?: number | null;
  /** Whether the bulk lead extract's updatedAt filter is enabled (else create answers 1035). Default true. */
  bulkLeadUpdatedAtFilter?: boolean;
  /** Days a completed export's file stays downloadable. Default 7. */
  bulkExportFileRetentionDays?: number;
  /**
   * The order of the rows of an activity export's file. Marketo documents none: `date` (the
   * default) writes them by activity date; `shuffled` in a different seeded order for each job,
   * so that clients assuming an order, or two exports of a window in the same order, are caught.
   */
  bulkFileOrder?: 'date' | 'shuffled';
  /** Companies generated initially, ids 1..companyCount, dated before startDate (default 0). */
  companyCount?: number;
  /** Records generated initially for each custom object type, linked to existing leads (default 0). */
  customObjectCount?: number;
  /** Programs generated initially (Asset API), ids from 1201; default 4 (the programs activities name). */
  programCount?: number;
  /** Smart campaigns generated initially, ids from 3101; default 5 (the campaigns activities name). */
  smartCampaignCount?: number;
  /** Segmentations generated initially (each with 3 segments and Default), ids from 1001; default 2. */
  segmentationCount?: number;
  /** Static lists generated initially, ids from 2001; default 4 (the lists Add to List activities name). */
  staticListCount?: number;
  /**
   * Most memberships a Get Program Members query other than by leadId may match before it answers
   * 1003 (Marketo: 100,000); lower it to reach the ceiling with small data.
   */
  programMemberQueryLimit?: number;
  /** Describe Program Member's searchable fields; default leadId, registrationCode, reachedSuccess, statusName (the documented example). */
  programMemberSearchableFields?: string[];
}

/** Program membership "in the Marketo UI": read it as Get Program Members serves it, and change it. */
export interface SandboxProgramMembers {
  /** The members of a program (of leads that exist), ascending lead id, with every field. */
  list(programId: number): Record<string, unknown>[];
  /**
   * Sets the status of leads in a program (Change Program Status): non-members join; each change
   * moves `updatedAt` to the clock and logs a Change Status in Progression (104) activity.
   * Returns the leads whose status changed. Throws for an unknown program, lead or status.
   */
  setStatus(programId: number, leadIds: number[], statusName: string): number[];
  /** Changes a member's custom fields; `updatedAt` moves to the clock. */
  updateData(programId: number, leadId: number, values: { registrationCode?: string; webinarUrl?: string }): void;
  /** Removes leads from a program; Get Program Members simply stops returning them. Returns those removed. */
  remove(programId: number, leadIds: number[]): number[];
}

export interface SandboxCounters {
  /** REST calls received (identity and /__sandbox calls excluded, as Marketo excludes identity). */
  total(): number;
  /** Key "GET /rest/v1/activities.json"; a POST with _method=GET counts as GET. */
  byEndpoint(): Record<string, number>;
  /** Get Lead Activities calls by the activity types asked for (ids sorted, comma-joined): "37" is a Delete Lead walk's. */
  byActivityTypeIds(): Record<string, number>;
  /** Envelope error codes seen; 600, 601, 602, 606, 607 and 615 are always present. */
  errorsByCode(): Record<string, number>;
  /** Most REST calls in flight at once. */
  maxConcurrentSeen(): number;
  /** Most REST call starts inside any sliding window (default 20000 ms). */
  maxCallsInAnyWindow(windowMs?: number): number;
  calls(): CallRecord[];
  reset(): void;
}

/** The sandbox clock: `now` (or the wall clock) plus an offset a test moves. */
export interface SandboxClock {
  /** Epoch ms. */
  now(): number;
  /** Moves the clock forward (or back, with a negative value) by `ms`. */
  advance(ms: number): void;
  /** Sets the clock to an ISO datetime or epoch ms; it keeps running from there. */
  set(at: string | number): void;
}

/** When an activity written by a helper is dated: `at` earlier than the clock = committed late. */
export interface DatedOptions {
  at?: string;
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
  /** The sandbox clock (token lifetimes, limits, dates of writes, retention). */
  clock: SandboxClock;
  /** Every issued token now answers 602. */
  expireAllTokens(): void;
  /** Sets the daily call counter, to provoke 607 quickly. */
  setDailyCallsUsed(n: number): void;
  dailyCallsUsed(): number;
  /** All current activities of every type (incl. 12, 13, 32, 37), ascending (activityDate, id). */
  activities(): Iterable<Activity>;
  /** Number of activities stored. */
  activityCount(): number;
  /** The latest activityDate stored (ISO second), undefined when there is none. */
  latestActivityDate(): string | undefined;
  /**
   * Appends `n` deterministic activities dated at/after `at` (an ISO second; earlier than existing
   * ones = late-arriving activities) or one second after the latest existing one.
   */
  addActivities(n: number, opts?: { at?: string; typeIds?: number[] }): Activity[];
  activityTypes(): ActivityType[];
  /**
   * "In the Marketo UI" (Admin > Marketo Custom Activities): a new custom activity type, approved,
   * with the next custom id; activities added from now on may be of it (addActivities typeIds).
   */
  addActivityType(def: NewActivityType): ActivityType;
  /** A new secondary attribute on a type: activities created from now on carry a value for it. */
  addActivityAttribute(typeId: number, attribute: ActivityAttributeType): ActivityType;
  /** Items Get Lead Changes would return for these fields (default: every Describe field). */
  leadChanges(fields?: string[]): Iterable<LeadChange>;
  /** Every lead, ascending id. */
  leads(): Lead[];
  /** The current Describe Lead field list. */
  leadFields(): LeadFieldDescription[];

  // "In the Marketo UI": changes made by people, logged as Marketo logs them.
  /** A lead's stored values (a copy), or undefined when there is none (deleted, merged away). */
  lead(id: number): Lead | undefined;
  /**
   * When any field of the lead last changed (ISO second): custom-field changes move it but not
   * the lead's visible `updatedAt`, which tracks standard fields only. The bulk lead extract's
   * `updatedAt` filter uses it. Undefined for a lead that does not exist.
   */
  leadLastChangedAt(id: number): string | undefined;
  /** Creates a lead (next id) with a New Lead activity, "Source Type" "New lead". Throws on unknown/read-only fields or invalid values. */
  createLead(values: Record<string, unknown>): Lead;
  /**
   * Changes a lead: one Change Data Value per changed field (none for unchanged values), with the
   * attributes of the source (UI: "Changed in Marketo" / "Person Detail Page"; api: Api Method
   * Name, Modifying User, Request Id). A company field of a lead linked to a company changes the
   * company record (the Change Data Value is logged on this lead); through the API it throws
   * (1021). Source 'unlogged' logs no activity at all (a change only the bulk lead extract's
   * updatedAt filter finds). Returns the changed fields. Throws for an unknown lead.
   */
  updateLead(id: number, values: Record<string, unknown>, opts?: UpdateLeadOptions & DatedOptions): string[];
  /** Deletes a lead with a Delete Lead activity. Throws for an unknown lead. */
  deleteLead(id: number, opts?: DatedOptions): void;
  /** Merges losers into the winner (Merge Leads activity, "Merge Source" "Marketo UI"). Throws for unknown ids. */
  mergeLeads(winnerId: number, loserIds: number[], opts?: DatedOptions): void;
  /** A scoring campaign adds `delta` to leadScore (Change Score activity). Returns the new score. */
  changeScore(id: number, delta: number, opts?: DatedOptions & { reason?: string }): number;
  /** Moves a lead to a segment of the "Region" segmentation by name (Change Segment activity). false when already there. */
  changeSegment(id: number, segment: string, opts?: DatedOptions): boolean;
  /** Moves a lead to another lead partition by id (Change Lead Partition activity). false when already there. */
  changeLeadPartition(id: number, partitionId: number, opts?: DatedOptions): boolean;
  /** Adds a custom lead field (Describe Lead lists it; every lead starts without a value). */
  addLeadField(field: NewLeadField): LeadFieldDescription;
  /** Hides a field: gone from Describe Lead; Get Leads `fields` and writes then answer 1006 for it. */
  hideLeadField(name: string): void;
  /** Shows a hidden field again. */
  showLeadField(name: string): void;
  /** Every company, in creation order. */
  companies(): Company[];
  /** Every record of a custom object type, in creation order. Throws for an unknown type. */
  customObjects(name: string): CustomObjectRecord[];
  /** Every API write call served (Sync / Delete / Merge), in order: e.g. assert ceil(N/300) calls. */
  writeLog(): WriteRecord[];
  /** The lead partitions, as Get Lead Partitions lists them. */
  leadPartitions(): LeadPartition[];
  /** The partition a lead lives in (the first one unless a write created it in another). */
  leadPartitionOf(id: number): LeadPartition;
  /** Marketing assets (programs, smart campaigns, segmentations, segments): read and change them. */
  assets: SandboxAssets;
  /** Program membership (Get Program Members). */
  programMembers: SandboxProgramMembers;
  /** Bulk export jobs (leads and activities) and controls over them. */
  bulkExports: {
    /** Every job created, with its status, filter and how often its file was downloaded. */
    jobs(): BulkJobView[];
    /** The next `n` jobs to finish processing end Failed instead. */
    failNext(n?: number): void;
    /** Every completed job's file expires now (downloads answer 404). */
    expireFiles(): void;
    /** Bytes of files exported today (US Central), against bulkExportDailyQuotaMb. */
    exportedBytesToday(): number;
    setExportedBytesToday(bytes: number): void;
  };
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
  tokenTtlSeconds: MarketoFacts.DEFAULT_TOKEN_TTL_SECONDS,
  rateLimit: { calls: MarketoFacts.DEFAULT_RATE_LIMIT_CALLS, windowMs: MarketoFacts.DEFAULT_RATE_LIMIT_WINDOW_MS },
  concurrencyLimit: MarketoFacts.DEFAULT_CONCURRENCY_LIMIT,
  dailyQuota: MarketoFacts.DEFAULT_DAILY_QUOTA,
  latencyMs: 0,
  sinceDatetimeInclusive: false,
  acceptQueryToken: false,
  gzip: true,
  omitActivityIds: false,
} as const;

const DAY_MS = 86_400_000;

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const settings = { ...DEFAULTS, ...options };
  const seed = nonNegativeInteger('seed', settings.seed);
  const activityCount = nonNegativeInteger('activityCount', settings.activityCount);
  const leadCount = nonNegativeInteger('leadCount', settings.leadCount);
  const startSec = isoToEpochSeconds('startDate', settings.startDate);
  const baseNow: () => number = options.now ?? Date.now;
  let clockOffsetMs = 0;
  const now = (): number => baseNow() + clockOffsetMs;
  // Retention follows the clock unless the history is the fixed default one, dated long before the wall clock.
  const recentHistory = options.now !== undefined || startSec * 1000 >= now() - MarketoFacts.ACTIVITY_RETENTION_DAYS * DAY_MS;
  const retentionOption = (name: string, given: number | null | undefined, days: number): number | null => {
    const value = given !== undefined ? given : recentHistory ? days : null;
    if (value !== null && !(value >= 0)) throw new Error(`sandbox option ${name} must be >= 0 or null, got ${value}`);
    return value;
  };
  const retentionDays = retentionOption('deletedLeadsRetentionDays', options.deletedLeadsRetentionDays, MarketoFacts.DELETED_LEADS_RETENTION_DAYS);
  const activityRetentionDays = retentionOption('activityRetentionDays', options.activityRetentionDays, MarketoFacts.ACTIVITY_RETENTION_DAYS);

  // Data: leads and activities, generated from the seed; companies and custom objects start empty.
  const leadStore = new LeadStore(leadCount);
  // An approved segmentation shows as a read-only lead field holding the lead's segment.
  leadStore.fields.add({
    displayName: `${SampleData.SEGMENTATION.name} Segmentation`,
    dataType: 'string',
    length: 255,
    rest: { name: SampleData.SEGMENTATION.field, readOnly: true },
    soap: { name: SampleData.SEGMENTATION.field, readOnly: true },
  });
  const store = new ActivityStore();
  const types = cloneActivityTypes(ACTIVITY_TYPES);
  const typeChanges = new ActivityTypeChanges(seed, types, (): number => generator.peekNextId());
  const details = new ActivityDetails({ seed, apiUser: settings.apiUser, fields: leadStore.fields, omitActivityIds: settings.omitActivityIds, typeChanges });
  const generator: ActivityGenerator = new ActivityGenerator(seed, store, leadStore, details, now);
  generator.generateInitial(activityCount, leadCount, startSec);
  const companyStore = new CompanyStore();
  const customObjectStores = createCustomObjectStores(options.customObjects ?? DEFAULT_CUSTOM_OBJECTS, seed);
  generateCompanies(companyStore, nonNegativeInteger('companyCount', options.companyCount ?? 0), seed, startSec);
  const assetStore = new AssetStore(
    seed,
    {
      programs: nonNegativeInteger('programCount', options.programCount ?? SampleData.PROGRAMS.length),
      smartCampaigns: nonNegativeInteger('smartCampaignCount', options.smartCampaignCount ?? SampleData.CAMPAIGNS.length),
      segmentations: nonNegativeInteger('segmentationCount', options.segmentationCount ?? 2),
      staticLists: nonNegativeInteger('staticListCount', options.staticListCount ?? SampleData.STATIC_LISTS.length),
    },
    startSec,
  );
  generateCustomObjects(
    customObjectStores,
    nonNegativeInteger('customObjectCount', options.customObjectCount ?? 0),
    seed,
    startSec,
    leadStore.all().map((l) => l.id),
  );
  const partitions = new LeadPartitions(options.leadPartitions ?? DEFAULT_LEAD_PARTITIONS, (id) => leadStore.currentValue(id, LEAD_PARTITION_FIELD));
  const writeLog = new WriteLog();
  const requestIds = new RequestIds();

  /** Delete Lead activities and those of the 90-day types past their retention are gone (Activities). */
  const ninetyDayTypes = new Set(MarketoFacts.NINETY_DAY_TYPES);
  const isPruned = (row: ActivityRow): boolean => {
    const days = row.typeId === MarketoFacts.TYPE_DELETE_LEAD ? retentionDays : ninetyDayTypes.has(row.typeId) ? activityRetentionDays : null;
    return days !== null && row.dateSec * 1000 < now() - days * DAY_MS;
  };

  // Lead writes (API and "UI") and how leads are read.
  const operations = new LeadOperations({ leads: leadStore, companies: companyStore, generator, details, now });
  const view = new LeadView(leadStore, companyStore);
  const lists = new ListMembership({ store, details, generator, assets: assetStore, leads: leadStore, view, now });
  const programMembers = new ProgramMemberStore({
    program: (id) => {
      const program = assetStore.programs.get(id);
      return program && { name: program.name, createdSec: program.createdSec };
    },
    leadExists: (id) => leadStore.has(id),
    now,
    queryLimit: options.programMemberQueryLimit,
    searchable: options.programMemberSearchableFields,
    onStatusChange: (member: ProgramMember, oldStatus: string, atSec: number) => {
      const program = assetStore.programs.get(member.programId);
      generator.writeExplicit(MarketoFacts.TYPE_CHANGE_STATUS_IN_PROGRESSION, atSec, member.leadId, {
        primaryAttributeValueId: member.programId,
        primaryAttributeValue: program?.name,
        attributes: [
          { name: 'New Status', value: member.statusName },
          { name: 'Old Status', value: oldStatus },
          { name: 'Reason', value: 'Changed by Marketo UI' },
          { name: 'Success', value: member.reachedSuccess },
        ],
      });
    },
  });
  programMembers.generate(
    seed,
    [...assetStore.programs.keys()],
    leadStore.all().map((l) => l.id),
    startSec,
  );

  // Behaviour: identity, limits, faults, counters.
  const tokens = new TokenStore({
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    apiUser: settings.apiUser,
    ttlSeconds: settings.tokenTtlSeconds,
    now,
  });
  const limiter = new CallLimiter({
    rateLimit: settings.rateLimit,
    concurrencyLimit: settings.concurrencyLimit,
    dailyQuota: settings.dailyQuota,
    now,
  });
  const log = new CallLog();
  const faultQueue = new FaultQueue();

  const materialize = (rows: Iterable<ActivityRow>): Activity[] => [...rows].map((r) => details.activity(r));

  // Bulk exports: files are written from the data as it is when a job completes.
  let shuffledFiles = 0;
  const writeActivityFile = (spec: BulkJobSpec, write: (text: string) => void): number => {
    write(csvLine(spec.fields));
    const cursor = store.cursor(spec.activityTypeIds, { ms: spec.startSec * 1000 - 1, id: Infinity });
    const shuffled: string[] | undefined = options.bulkFileOrder === 'shuffled' ? [] : undefined;
    let count = 0;
    for (let row = cursor.next(); row && row.dateSec <= spec.endSec; row = cursor.next()) {
      if (MarketoFacts.BULK_UNSUPPORTED_ACTIVITY_TYPES.includes(row.typeId) || isPruned(row)) continue;
      const line = activityRow(details.activity(row), spec.fields);
      if (shuffled) shuffled.push(line);
      else write(line);
      count++;
    }
    if (shuffled) {
      const rng = new Rng(seed * 7919 + ++shuffledFiles);
      for (let i = shuffled.length - 1; i > 0; i--) {
        const j = rng.int(0, i);
        [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
      }
      for (const line of shuffled) write(line);
    }
    return count;
  };
  const writeLeadFile = (spec: BulkJobSpec, write: (text: string) => void): number => {
    write(csvLine(spec.fields));
    let count = 0;
    for (const lead of leadStore.live()) {
      const at = spec.filterField === 'createdAt' ? Date.parse(String(lead.createdAt)) : (leadStore.lastChangedAtMs(lead.id) as number);
      if (!(at >= spec.startSec * 1000 && at <= spec.endSec * 1000)) continue;
      // Values as Get Leads serves them (company fields from the company, unset booleans false).
      write(leadRow(view.record(lead, spec.fields), spec.fields));
      count++;
    }
    return count;
  };
  const bulkJobs = new BulkExports({
    now,
    stepMs: options.bulkExportStepMs ?? MarketoFacts.BULK_STATUS_STEP_MS,
    dailyQuotaMb: options.bulkExportDailyQuotaMb === undefined ? MarketoFacts.BULK_DEFAULT_DAILY_EXPORT_MB : options.bulkExportDailyQuotaMb,
    updatedAtFilter: options.bulkLeadUpdatedAtFilter ?? true,
    fileRetentionDays: options.bulkExportFileRetentionDays ?? MarketoFacts.BULK_FILE_RETENTION_DAYS,
    writeFile: (spec, write) => (spec.object === 'activities' ? writeActivityFile(spec, write) : writeLeadFile(spec, write)),
  });

  const customObjectStore = (name: string): ObjectStore => {
    const found = customObjectStores.get(name);
    if (!found) throw new Error(`no custom object type '${name}' (configured: ${[...customObjectStores.keys()].join(', ') || 'none'})`);
    return found;
  };
  const relatedExists = (relatedTo: ObjectRelationship['relatedTo'], value: unknown): boolean =>
    relatedTo.name !== 'Lead' ||
    (relatedTo.field === 'id' ? typeof value === 'number' && leadStore.has(value) : operations.findBy(relatedTo.field, value as LeadValue).length > 0);

  const control: SandboxControl = {
    counters: {
      total: () => log.total(),
      byEndpoint: () => log.byEndpoint(),
      byActivityTypeIds: () => log.byActivityTypeIds(),
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
    clock: {
      now,
      advance: (ms) => {
        clockOffsetMs += ms;
      },
      set: (at) => {
        const target = typeof at === 'number' ? at : isoToEpochSeconds('at', at) * 1000;
        clockOffsetMs = target - baseNow();
      },
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
    latestActivityDate: () => (store.count() > 0 ? new Date(store.latestDateSec() * 1000).toISOString().replace('.000Z', 'Z') : undefined),
    leads: () => leadStore.all(),
    lead: (id) => {
      const lead = leadStore.get(id);
      return lead ? { ...lead } : undefined;
    },
    ...marketoUiActions({ leads: leadStore, operations, details, partitions, requestIds, apiUser: settings.apiUser, now }),
    addActivityType: (def) => cloneActivityTypes([typeChanges.addType(def)])[0],
    addActivityAttribute: (typeId, attribute) => cloneActivityTypes([typeChanges.addAttribute(typeId, attribute)])[0],
    companies: () => companyStore.all(),
    customObjects: (name) => customObjectStore(name).all(),
    writeLog: () => writeLog.all(),
    bulkExports: {
      jobs: () => bulkJobs.views(),
      failNext: (n = 1) => bulkJobs.failNextJobs(n),
      expireFiles: () => bulkJobs.expireFiles(),
      exportedBytesToday: () => bulkJobs.exportedBytesToday(),
      setExportedBytesToday: (bytes: number) => bulkJobs.setExportedBytesToday(bytes),
    },
  };

  const server = new MarketoHttpServer({
    tokens,
    limiter,
    log,
    faults: faultQueue,
    requestIds,
    activities: new ActivityEndpoints({
      store,
      details,
      types: () => cloneActivityTypes(types),
      fields: leadStore.fields,
      sinceDatetimeInclusive: settings.sinceDatetimeInclusive,
      isPruned,
    }),
    leads: new LeadEndpoints({ leads: leadStore, view, operations, writeLog, partitions, now }),
    companies: new ObjectEndpoints({ store: companyStore, logName: 'companies', now, relatedExists, writeLog }),
    customObjects: new CustomObjectEndpoints(
      new Map(
        [...customObjectStores].map(([name, objectStore]) => [name, new ObjectEndpoints({ store: objectStore, logName: name, now, relatedExists, writeLog })]),
      ),
    ),
    assets: new AssetEndpoints(assetStore),
    lists,
    programMembers: new ProgramMemberEndpoints(programMembers, {
      log: (req, operation, action, envelope) => {
        const results = (envelope.result ?? []) as Array<{ status?: unknown }>;
        writeLog.add({
          at: now(),
          requestId: req.requestId,
          object: `program ${req.pathParams?.[0]} members`,
          operation,
          action,
          records: results.length,
          ...countStatuses(results),
          ...(envelope.errors?.[0] ? { error: envelope.errors[0].code } : {}),
        });
      },
    }),
    bulk: new BulkEndpoints({ jobs: bulkJobs, fields: leadStore.fields, updatedAtFilter: options.bulkLeadUpdatedAtFilter ?? true }),
    latencyMs: settings.latencyMs,
    acceptQueryToken: settings.acceptQueryToken,
    gzip: settings.gzip,
    now,
    admin: createAdminHandler(control),
  });
  const url = await server.listen(settings.port, settings.host);

  return {
    ...control,
    url,
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    apiUser: settings.apiUser,
    close: async () => {
      await server.close();
      bulkJobs.close();
    },
    activities: function* () {
      for (const row of store.rows()) if (!isPruned(row)) yield details.activity(row);
    },
    activityTypes: () => cloneActivityTypes(types),
    leadChanges: function* (fields?: string[]) {
      const wanted = new Set(fields ?? leadStore.fields.describe().flatMap((f) => (f.rest ? [f.rest.name] : [])));
      const cursor = store.cursor(MarketoFacts.LEAD_CHANGE_TYPES, { ms: -Infinity, id: 0 });
      for (let row = cursor.next(); row; row = cursor.next()) {
        if (isPruned(row)) continue;
        const item = details.leadChange(row, wanted);
        if (item) yield item;
      }
    },
    assets: assetControl(assetStore, now, seed, lists),
    programMembers: {
      list: (programId: number) =>
        programMembers.list(programId).map((m) =>
          programMembers.view(
            m,
            PROGRAM_MEMBER_FIELDS.map((f) => f.name),
          ),
        ),
      setStatus: (programId: number, leadIds: number[], statusName: string) => programMembers.setStatus(programId, leadIds, statusName),
      updateData: (programId: number, leadId: number, values: { registrationCode?: string; webinarUrl?: string }) =>
        programMembers.updateData(programId, leadId, values),
      remove: (programId: number, leadIds: number[]) => programMembers.remove(programId, leadIds),
    },
    leadFields: () => leadStore.fields.describe().map((f) => ({ ...f })),
    leadPartitions: () => partitions.list(),
    leadLastChangedAt: (id) => {
      const ms = leadStore.lastChangedAtMs(id);
      return ms === undefined ? undefined : new Date(ms).toISOString().replace('.000Z', 'Z');
    },
    leadPartitionOf: (id) => ({ ...partitions.of(id) }),
  };
}

// Marketo documentation cited above by page name:
// - Activities: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/activities
