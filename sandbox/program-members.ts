// Program members (Program Members: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/program-members):
// Describe Program Member and Get Program Members, over a membership the seed generates (a
// deterministic part of the leads in each program, dated between the program's creation and the
// start of the activity history) and that tests change "in the UI" (status changes, new members,
// member data, removals), which move a member's `updatedAt` to the sandbox clock.
//
// Get Program Members, GET /rest/v1/programs/{programId}/members.json:
// * `filterType` (required): a searchable field of Describe Program Member, or `updatedAt` with
//   `startAt` / `endAt` (ISO 8601 without milliseconds, at most 7 days apart).
// * `filterValues` (required, at most 300). Whether it may be left out with filterType=updatedAt
//   is UNVERIFIED (the API reference marks it required; the guide shows that mode without it): it
//   is required here, the stricter answer.
// * `fields` (REST names from Describe; default acquiredBy, leadId, membershipDate, programId,
//   reachedSuccess), `batchSize` (at most 300), `nextPageToken` (a position; `moreResult` says
//   whether one follows). Records carry `seq`; a requested field a member has no value for is left out.
// * With any filterType but leadId, at most 100,000 memberships may match; more is a
//   response-level 1003 "Matching membership size: N exceeds the limit allowed (100,000) for this api".
// * Sync Program Member Status (POST .../members/status.json) and Delete Program Members
//   (POST .../members/delete.json) write membership as the API does; they are in writeLog().
// * UNVERIFIED choices (README "Choices where Marketo is unverified"): an unknown program answers
//   1013 (not an empty result); the startAt / endAt bounds are exclusive; a value with
//   milliseconds is refused (1001).

import { errorEnvelope, successEnvelope, type Envelope } from './envelope';
import * as MarketoFacts from './marketo-facts';
import { encodeRecordToken, parseSinceDatetime } from './paging';
import { filterReadOf, listParam, requiredParam, type Parsed } from './params';
import { isRecord, writeBodyOf } from './write-request';
import { rngFor } from './prng';
import type { RequestContext } from './request-context';
import * as SampleData from './sample-data';
import { textOf } from '../protocol/text';

const SALT_MEMBERS = 0x9e3b;

/** Describe Program Member's metadata, as the documented example shows it (Program Members). */
const DESCRIPTION = {
  name: 'API Program Membership',
  description: 'Map for API program membership fields',
  createdAt: '2021-03-20T01:30:05Z',
  updatedAt: '2021-03-20T01:30:05Z',
  dedupeFields: ['leadId', 'programId'],
};

export interface ProgramMemberField {
  name: string;
  displayName: string;
  dataType: 'boolean' | 'integer' | 'datetime' | 'string';
  length?: number;
  updateable: boolean;
  crmManaged: boolean;
}

const standard = (name: string, dataType: ProgramMemberField['dataType'], length?: number): ProgramMemberField => ({
  name,
  displayName: name,
  dataType,
  ...(length !== undefined ? { length } : {}),
  updateable: false,
  crmManaged: false,
});

/** The standard fields (all read-only) and two custom ones, as Describe Program Member lists them (Program Members). */
export const PROGRAM_MEMBER_FIELDS: readonly ProgramMemberField[] = [
  standard('acquiredBy', 'boolean'),
  standard('attendanceLikelihood', 'integer'),
  standard('createdAt', 'datetime'),
  standard('isExhausted', 'boolean'),
  standard('leadId', 'integer'),
  standard('membershipDate', 'datetime'),
  standard('nurtureCadence', 'string', 4),
  standard('program', 'string', 255),
  standard('programId', 'integer'),
  standard('reachedSuccess', 'boolean'),
  standard('reachedSuccessDate', 'datetime'),
  standard('registrationLikelihood', 'integer'),
  standard('statusName', 'string', 255),
  standard('statusReason', 'string', 255),
  standard('trackName', 'string', 255),
  standard('updatedAt', 'datetime'),
  standard('waitlistPriority', 'integer'),
  { name: 'registrationCode', displayName: 'Registration Code', dataType: 'string', length: 100, updateable: true, crmManaged: false },
  { name: 'webinarUrl', displayName: 'Webinar Url', dataType: 'string', length: 2000, updateable: true, crmManaged: false },
];

/** Searchable fields as in the documented example: leadId, a custom string field, reachedSuccess, statusName (Program Members). */
export const PROGRAM_MEMBER_SEARCHABLE: readonly string[] = ['leadId', 'registrationCode', 'reachedSuccess', 'statusName'];
/** The fields Get Program Members returns without `fields` (Program Members). */
const DEFAULT_FIELDS = ['acquiredBy', 'leadId', 'membershipDate', 'programId', 'reachedSuccess'];
/** filterType=updatedAt selects by a date range of at most 7 days (Program Members). */
export const UPDATED_AT_MAX_RANGE_SECONDS = 7 * 86_400;
/** Most memberships a query other than by leadId may match (Program Members). */
export const DEFAULT_MEMBERSHIP_QUERY_LIMIT = 100_000;

/** Record-level skip of the program member writes: "Lead not in program" on delete, and on a status a lead already holds (UNVERIFIED) (Program Members). */
const ERR_MEMBERSHIP_UNCHANGED = '1037';

/** The statuses of the sample channel a member can hold ("Not in Program" is the absence of a membership). */
const MEMBER_STATUSES = SampleData.PROGRAM_STATUSES.filter(([, name]) => name !== 'Not in Program');

export interface ProgramMember {
  programId: number;
  leadId: number;
  statusName: string;
  reachedSuccess: boolean;
  acquiredBy: boolean;
  createdSec: number;
  membershipSec: number;
  updatedSec: number;
  reachedSuccessSec?: number;
  registrationCode?: string;
  webinarUrl?: string;
}

export interface ProgramMembersContext {
  /** Program id -> name and creation second, for the programs that exist now. */
  program: (id: number) => { name: string; createdSec: number } | undefined;
  /** Whether the lead still exists (members of deleted leads are gone). */
  leadExists: (id: number) => boolean;
  now: () => number;
  /** Called for every status change, to log it as Change Status in Progression. */
  onStatusChange?: (member: ProgramMember, oldStatus: string, atSec: number) => void;
  /** The 100,000 ceiling, lowerable so that tests reach it with small data. */
  queryLimit?: number;
  /** Searchable fields, when an instance's differ from the documented example. */
  searchable?: readonly string[];
}

function isoSecond(sec: number): string {
  return new Date(sec * 1000).toISOString().replace('.000Z', 'Z');
}

export class ProgramMemberStore {
  private readonly byProgram = new Map<number, Map<number, ProgramMember>>();

  constructor(private readonly ctx: ProgramMembersContext) {}

  /** Seeds members: each program takes a deterministic share (0 to 40 %) of the leads, joined before `beforeSec`. */
  generate(seed: number, programIds: number[], leadIds: number[], beforeSec: number): void {
    for (const programId of programIds) {
      const program = this.ctx.program(programId);
      if (!program) continue;
      const rng = rngFor(seed, SALT_MEMBERS, programId);
      const share = rng.next() * 0.4;
      for (const leadId of leadIds) {
        if (!rng.chance(share)) continue;
        const from = Math.min(program.createdSec, beforeSec - 7200);
        const membershipSec = from + rng.int(0, Math.max(0, beforeSec - 3600 - from));
        const updatedSec = membershipSec + rng.int(0, Math.max(0, beforeSec - 3600 - membershipSec));
        const [, statusName, success] = MEMBER_STATUSES[rng.int(0, MEMBER_STATUSES.length - 1)];
        const member: ProgramMember = {
          programId,
          leadId,
          statusName,
          reachedSuccess: success,
          acquiredBy: rng.chance(0.3),
          createdSec: membershipSec,
          membershipSec,
          updatedSec,
        };
        if (success) member.reachedSuccessSec = updatedSec;
        if (rng.chance(0.5)) member.registrationCode = `R-${programId}-${leadId}`;
        if (rng.chance(0.2)) member.webinarUrl = `https://events.example.com/${programId}/${leadId}`;
        this.members(programId).set(leadId, member);
      }
    }
  }

  private members(programId: number): Map<number, ProgramMember> {
    let members = this.byProgram.get(programId);
    if (!members) this.byProgram.set(programId, (members = new Map<number, ProgramMember>()));
    return members;
  }

  /** The current members of a program (of leads that exist), ascending lead id. */
  list(programId: number): ProgramMember[] {
    if (!this.ctx.program(programId)) return [];
    return [...(this.byProgram.get(programId)?.values() ?? [])].filter((m) => this.ctx.leadExists(m.leadId)).sort((a, b) => a.leadId - b.leadId);
  }

  /**
   * Sets the status of leads in a program, as Change Program Status does: a lead not in the
   * program becomes a member; a status that differs moves `updatedAt`. Returns the leads changed.
   */
  setStatus(programId: number, leadIds: readonly number[], statusName: string): number[] {
    const program = this.ctx.program(programId);
    if (!program) throw new Error(`no program ${programId}`);
    const status = MEMBER_STATUSES.find(([, name]) => name === statusName);
    if (!status) throw new Error(`no program status '${statusName}' (statuses: ${MEMBER_STATUSES.map(([, n]) => n).join(', ')})`);
    const sec = Math.floor(this.ctx.now() / 1000);
    const changed: number[] = [];
    for (const leadId of leadIds) {
      if (!this.ctx.leadExists(leadId)) throw new Error(`lead ${leadId} does not exist`);
      const members = this.members(programId);
      const existing = members.get(leadId);
      if (existing?.statusName === statusName) continue;
      const member: ProgramMember = existing ?? {
        programId,
        leadId,
        statusName,
        reachedSuccess: false,
        acquiredBy: false,
        createdSec: sec,
        membershipSec: sec,
        updatedSec: sec,
      };
      const oldStatus = existing?.statusName ?? 'Not in Program';
      member.statusName = statusName;
      member.updatedSec = sec;
      if (status[2] && !member.reachedSuccess) {
        member.reachedSuccess = true;
        member.reachedSuccessSec = sec;
      }
      members.set(leadId, member);
      changed.push(leadId);
      this.ctx.onStatusChange?.(member, oldStatus, sec);
    }
    return changed;
  }

  /** Changes a member's custom fields (Sync Program Member Data); `updatedAt` moves. */
  updateData(programId: number, leadId: number, values: { registrationCode?: string; webinarUrl?: string }): void {
    const member = this.byProgram.get(programId)?.get(leadId);
    if (!member || !this.ctx.leadExists(leadId)) throw new Error(`lead ${leadId} is not a member of program ${programId}`);
    Object.assign(member, values, { updatedSec: Math.floor(this.ctx.now() / 1000) });
  }

  /** Removes leads from a program (Delete Program Members): they simply vanish from Get Program Members. */
  remove(programId: number, leadIds: readonly number[]): number[] {
    const members = this.byProgram.get(programId);
    return leadIds.filter((id) => this.ctx.leadExists(id) && members?.delete(id));
  }

  /** A member as Get Program Members returns it with these fields; absent values are left out. */
  view(member: ProgramMember, fields: readonly string[]): Record<string, unknown> {
    const program = this.ctx.program(member.programId);
    const all: Record<string, unknown> = {
      acquiredBy: member.acquiredBy,
      createdAt: isoSecond(member.createdSec),
      leadId: member.leadId,
      membershipDate: isoSecond(member.membershipSec),
      program: program?.name,
      programId: member.programId,
      reachedSuccess: member.reachedSuccess,
      reachedSuccessDate: member.reachedSuccessSec === undefined ? undefined : isoSecond(member.reachedSuccessSec),
      statusName: member.statusName,
      updatedAt: isoSecond(member.updatedSec),
      registrationCode: member.registrationCode,
      webinarUrl: member.webinarUrl,
    };
    const out: Record<string, unknown> = {};
    for (const field of fields) if (all[field] !== undefined && all[field] !== null) out[field] = all[field];
    return out;
  }

  /** The lead's membership of the program, if it is a member. */
  member(programId: number, leadId: number): ProgramMember | undefined {
    return this.ctx.leadExists(leadId) ? this.byProgram.get(programId)?.get(leadId) : undefined;
  }

  leadExists(leadId: number): boolean {
    return this.ctx.leadExists(leadId);
  }

  isStatus(statusName: string): boolean {
    return MEMBER_STATUSES.some(([, name]) => name === statusName);
  }

  hasProgram(programId: number): boolean {
    return this.ctx.program(programId) !== undefined;
  }

  get searchable(): readonly string[] {
    return this.ctx.searchable ?? PROGRAM_MEMBER_SEARCHABLE;
  }

  get queryLimit(): number {
    return this.ctx.queryLimit ?? DEFAULT_MEMBERSHIP_QUERY_LIMIT;
  }
}

/** The Lead Database API's datetime without milliseconds; undefined when malformed. */
function strictSecond(raw: string): number | undefined {
  if (/\.\d/.test(raw)) return undefined;
  const ms = parseSinceDatetime(raw);
  return ms === undefined ? undefined : ms / 1000;
}

export class ProgramMemberEndpoints {
  constructor(
    private readonly store: ProgramMemberStore,
    private readonly writeLog?: { log: (req: RequestContext, operation: 'sync' | 'delete', action: string, envelope: Envelope) => void },
  ) {}

  routes(): Array<{ method: 'GET' | 'POST'; path: string | RegExp; handle: (x: RequestContext) => Envelope }> {
    return [
      { method: 'GET', path: '/rest/v1/programs/members/describe.json', handle: (x) => this.describe(x) },
      { method: 'GET', path: /^\/rest\/v1\/programs\/(\d+)\/members\.json$/, handle: (x) => this.get(x) },
      { method: 'POST', path: /^\/rest\/v1\/programs\/(\d+)\/members\/status\.json$/, handle: (x) => this.logged(x, 'sync', 'status', this.syncStatus(x)) },
      {
        method: 'POST',
        path: /^\/rest\/v1\/programs\/(\d+)\/members\/delete\.json$/,
        handle: (x) => this.logged(x, 'delete', 'leadId', this.deleteMembers(x)),
      },
    ];
  }

  private logged(req: RequestContext, operation: 'sync' | 'delete', action: string, envelope: Envelope): Envelope {
    this.writeLog?.log(req, operation, action, envelope);
    return envelope;
  }

  /**
   * Sync Program Member Status: `statusName` and `input` of up to 300 `{leadId}`. A lead not in the
   * program joins it (`created`), one in another status moves (`updated`); a lead that does not exist
   * is skipped 1004, one already in that status skipped 1037 (UNVERIFIED).
   */
  syncStatus(req: RequestContext): Envelope {
    const programId = Number(req.pathParams?.[0]);
    const parsed = writeBodyOf(req);
    if (!parsed.ok) return parsed.envelope;
    const statusName = parsed.value.body['statusName'];
    if (typeof statusName !== 'string' || statusName === '')
      return errorEnvelope(req.requestId, MarketoFacts.ERR_MISSING_PARAMETER, MarketoFacts.missingParameterMessage('statusName'));
    if (!this.store.hasProgram(programId)) return errorEnvelope(req.requestId, MarketoFacts.ERR_OBJECT_NOT_FOUND, `Program '${programId}' not found`);
    if (!this.store.isStatus(statusName))
      return errorEnvelope(req.requestId, MarketoFacts.ERR_INVALID_DATA, MarketoFacts.invalidParameterMessage('statusName', statusName));
    const result = parsed.value.input.map((raw, seq) => {
      const leadId = isRecord(raw) ? raw['leadId'] : undefined;
      if (typeof leadId !== 'number' || !this.store.leadExists(leadId))
        return { seq, status: 'skipped', reasons: [{ code: MarketoFacts.ERR_LEAD_NOT_FOUND, message: 'Lead not found' }] };
      const before = this.store.member(programId, leadId);
      if (before?.statusName === statusName)
        return { seq, leadId, status: 'skipped', reasons: [{ code: ERR_MEMBERSHIP_UNCHANGED, message: 'Lead already in this status' }] };
      this.store.setStatus(programId, [leadId], statusName);
      return { seq, leadId, status: before ? 'updated' : 'created' };
    });
    return successEnvelope(req.requestId, result);
  }

  /** Delete Program Members: `input` of up to 300 `{leadId}`; a lead not in the program is skipped 1037 "Lead not in program". */
  deleteMembers(req: RequestContext): Envelope {
    const programId = Number(req.pathParams?.[0]);
    const parsed = writeBodyOf(req);
    if (!parsed.ok) return parsed.envelope;
    if (!this.store.hasProgram(programId)) return errorEnvelope(req.requestId, MarketoFacts.ERR_OBJECT_NOT_FOUND, `Program '${programId}' not found`);
    const result = parsed.value.input.map((raw, seq) => {
      const leadId = isRecord(raw) ? raw['leadId'] : undefined;
      if (typeof leadId === 'number' && this.store.remove(programId, [leadId]).length === 1) return { seq, leadId, status: 'deleted' };
      return {
        seq,
        ...(typeof leadId === 'number' ? { leadId } : {}),
        status: 'skipped',
        reasons: [{ code: ERR_MEMBERSHIP_UNCHANGED, message: 'Lead not in program' }],
      };
    });
    return successEnvelope(req.requestId, result);
  }

  describe(req: RequestContext): Envelope {
    return successEnvelope(req.requestId, [
      {
        ...DESCRIPTION,
        dedupeFields: [...DESCRIPTION.dedupeFields],
        searchableFields: this.store.searchable.map((f) => [f]),
        fields: PROGRAM_MEMBER_FIELDS.map((f) => ({ ...f })),
      },
    ]);
  }

  get(req: RequestContext): Envelope {
    const programId = Number(req.pathParams?.[0]);
    const params = filterReadOf(req, requiredParam(req, 'filterType'), this.fieldsOf(req), `program${programId}`);
    if (!params.ok) return params.envelope;
    const { filterType, values, fields, batchSize, offset } = params.value;
    const keep = this.filterOf(req, filterType, values);
    if (!keep.ok) return keep.envelope;
    if (!this.store.hasProgram(programId)) {
      return errorEnvelope(req.requestId, MarketoFacts.ERR_OBJECT_NOT_FOUND, `Program '${programId}' not found`);
    }
    const matching = this.store.list(programId).filter(keep.value);
    if (filterType !== 'leadId' && matching.length > this.store.queryLimit) {
      return errorEnvelope(
        req.requestId,
        MarketoFacts.ERR_INVALID_DATA,
        `Matching membership size: ${matching.length.toLocaleString('en-US')} exceeds the limit allowed (${this.store.queryLimit.toLocaleString('en-US')}) for this api`,
      );
    }
    const page = matching.slice(offset, offset + batchSize).map((m, i) => ({ seq: i, ...this.store.view(m, fields) }));
    const end = offset + page.length;
    return end < matching.length
      ? successEnvelope(req.requestId, page, { nextPageToken: encodeRecordToken(`program${programId}`, end), moreResult: true })
      : successEnvelope(req.requestId, page, { moreResult: false });
  }

  private fieldsOf(req: RequestContext): Parsed<string[]> {
    const names = listParam(req.params, 'fields');
    for (const name of names) {
      if (!PROGRAM_MEMBER_FIELDS.some((f) => f.name === name))
        return { ok: false, envelope: errorEnvelope(req.requestId, MarketoFacts.ERR_FIELD_NOT_FOUND, MarketoFacts.fieldNotFoundMessage(name)) };
    }
    return { ok: true, value: names.length > 0 ? names : DEFAULT_FIELDS };
  }

  /** Which members a filter selects: a searchable field's values, or an updatedAt range (exclusive bounds, at most 7 days). */
  private filterOf(req: RequestContext, filterType: string, values: string[]): Parsed<(m: ProgramMember) => boolean> {
    if (filterType === 'updatedAt') {
      const bounds: number[] = [];
      for (const name of ['startAt', 'endAt']) {
        const raw = requiredParam(req, name);
        if (!raw.ok) return raw;
        const sec = strictSecond(raw.value);
        if (sec === undefined)
          return {
            ok: false,
            envelope: errorEnvelope(req.requestId, MarketoFacts.ERR_INVALID_VALUE_TYPE, MarketoFacts.invalidValueMessage(raw.value, 'Date')),
          };
        bounds.push(sec);
      }
      const [from, to] = bounds;
      if (from >= to || to - from > UPDATED_AT_MAX_RANGE_SECONDS) {
        return {
          ok: false,
          envelope: errorEnvelope(req.requestId, MarketoFacts.ERR_INVALID_DATA, MarketoFacts.invalidParameterMessage('endAt', req.params.get('endAt') ?? '')),
        };
      }
      return { ok: true, value: (m) => m.updatedSec > from && m.updatedSec < to };
    }
    const field = PROGRAM_MEMBER_FIELDS.find((f) => f.name === filterType);
    if (!field) return { ok: false, envelope: errorEnvelope(req.requestId, MarketoFacts.ERR_FIELD_NOT_FOUND, MarketoFacts.fieldNotFoundMessage(filterType)) };
    if (!this.store.searchable.includes(filterType)) {
      return { ok: false, envelope: errorEnvelope(req.requestId, MarketoFacts.ERR_FIELD_NOT_SUPPORTED, MarketoFacts.fieldNotSupportedMessage(filterType)) };
    }
    const wanted = new Set(values.map((v) => (field.dataType === 'boolean' ? v.toLowerCase() : v)));
    return { ok: true, value: (m) => wanted.has(textOf(this.store.view(m, [filterType])[filterType] ?? '')) };
  }
}
