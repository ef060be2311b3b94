import { MarketoRequestError } from '../../marketo/errors';
import { PROGRAM_MEMBER_KEY, ProgramMemberDescription, ProgramMemberEndpoints } from '../../marketo/program-member-endpoints';
import { JsonSchema, SyncMode } from '../../protocol/types';
import { addSeconds, secondOf, toMarketoSecond } from '../dates';
import { assetDate, assetsOf } from './asset-stream';
import { MemberPass, MemberWindow, parseProgramMembersState, ProgramMembersState, splitWindow, updatedAtWindows } from './member-windows';
import { changedSince, SWEEP_OVERLAP_SECONDS } from './object-cursor';
import { buildObjectSchema, Converters, objectConverters, requestedObjectFields, toObjectRecord } from './object-schema';
import { ReadContext, SourceStream, StreamContext, StreamEvent } from './stream';

const PROGRAMS_PATH = '/rest/asset/v1/programs.json';
/**
 * A full read of a program asks for the members whose reachedSuccess is true or false, that is
 * all of them, in one query paged by 300: reachedSuccess is a boolean standard field and a
 * searchable one in Marketo's Describe Program Member example (Program Members). Where it is not
 * searchable, or the answer refuses it, the program is read by updatedAt ranges from its creation.
 */
const FULL_READ_FILTER = { field: 'reachedSuccess', values: ['true', 'false'] };
/** Answers that say the full-read filter itself is refused (type, unknown field, not searchable: Error Codes). */
const FILTER_REFUSED_CODES = new Set(['1001', '1006', '1011']);
/**
 * 1003 "Matching membership size: N exceeds the limit allowed (100,000) for this api" (or "Total
 * membership size ..."): any query but by leadId may match at most 100,000 memberships (Program Members).
 */
const CEILING_CODE = '1003';

interface ProgramRef {
  id: number;
  createdAt?: string;
}

/**
 * Membership of leads in programs (Get Program Members,
 * https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/program-members),
 * with the columns Describe Program Member lists. Marketo serves members one program at a time, so
 * every sync lists the programs (Get Programs, 200 a call) and then asks each program:
 *
 * - a full read (first sync, full refresh): every member, 300 a call;
 * - an incremental read: only the members whose `updatedAt` is after the cursor, filtered by
 *   Marketo (`filterType=updatedAt`, ranges of at most 7 days): one call per program and range.
 *
 * Programs are read in id order; a STATE after each group of programs read at once carries the
 * pass, so a killed sync resumes after the last group it finished. Members removed from a program
 * are not reported: the API gives no trace of them (a full refresh drops them).
 */
export class ProgramMembersStream implements SourceStream<ProgramMembersState> {
  readonly name = 'program_members';
  readonly primaryKey = PROGRAM_MEMBER_KEY.map((k) => [k]);
  readonly cursorField = ['updatedAt'];
  readonly syncModes: SyncMode[] = ['full_refresh', 'incremental'];
  /** Get Program Members needs Read-Only Lead; the program list, Read-Only Assets. */
  readonly permission = 'Read-Only Lead';

  async schema(ctx: StreamContext): Promise<JsonSchema> {
    return buildObjectSchema((await new ProgramMemberEndpoints(ctx.endpoints.client).describe()).fields, PROGRAM_MEMBER_KEY);
  }

  async *read(ctx: ReadContext, rawState: Record<string, unknown> | undefined): AsyncGenerator<StreamEvent<ProgramMembersState>> {
    const state = parseProgramMembersState(ctx.syncMode === 'incremental' ? rawState : undefined);
    const cursor = state.updatedAt;
    const pass: MemberPass = state.pass ?? { startedAt: secondOf(Date.now()), nextProgramId: 0 };
    if (cursor && cursor >= pass.startedAt) {
      // A cursor in the future (a clock moved back, a hand-edited state): nothing can be newer.
      yield { state: { updatedAt: cursor } };
      return;
    }
    const members = new ProgramMemberEndpoints(ctx.endpoints.client);
    const description = await members.describe();
    const { fields, vanished } = requestedObjectFields(description.fields, ctx.selectedFields, [...PROGRAM_MEMBER_KEY, 'updatedAt']);
    if (vanished.length > 0)
      ctx.log('WARN', `program_members: these selected fields no longer exist in Marketo and are left out: ${vanished.join(', ')}. Refresh the source schema.`);
    const programs = (await listPrograms(ctx)).filter((p) => p.id >= pass.nextProgramId);
    ctx.log(
      'INFO',
      `program_members: ${programs.length} programs to read${state.pass ? ` (resuming after program ${pass.nextProgramId - 1})` : ''}, ${cursor ? `members updated since ${cursor} (one call per program and 7 days)` : 'every member'}.`,
    );
    const reader = new ProgramReader(ctx, members, description, fields, cursor, pass.startedAt);
    const width = Math.max(1, ctx.config.connection.maxConcurrentCalls);
    for (let i = 0; i < programs.length; i += width) {
      const group = programs.slice(i, i + width);
      const records = (await Promise.all(group.map((p) => reader.read(p)))).flat();
      if (records.length > 0) yield { records };
      pass.nextProgramId = group[group.length - 1].id + 1;
      yield { state: checkpoint(cursor, pass) };
    }
    // Every program was read up to the pass's start: the next sync reads from a margin before it
    // (changes made while the pass ran, clock skew), never from before this cursor.
    const bound = addSeconds(pass.startedAt, -SWEEP_OVERLAP_SECONDS);
    yield { state: { updatedAt: cursor && cursor > bound ? cursor : bound } };
  }
}

function checkpoint(cursor: string | undefined, pass: MemberPass): ProgramMembersState {
  const state: ProgramMembersState = { pass: { ...pass } };
  if (cursor) state.updatedAt = cursor;
  return state;
}

/** Every program (Get Programs, 200 a call), ascending id, with its creation second. */
async function listPrograms(ctx: ReadContext): Promise<ProgramRef[]> {
  const programs: ProgramRef[] = [];
  for await (const page of assetsOf(ctx).browse(PROGRAMS_PATH)) {
    for (const p of page) {
      const created = assetDate(p.createdAt);
      programs.push({ id: Number(p.id), createdAt: typeof created === 'string' ? toMarketoSecond(created) : undefined });
    }
  }
  return programs.sort((a, b) => a.id - b.id);
}

/** Reads one program's members for a pass: all of them, or those changed since the cursor. */
class ProgramReader {
  private readonly converters: Converters;
  /** Whether the full-read filter is usable: searchable, and not refused yet in this sync. */
  private fullFilter: boolean;

  constructor(
    private readonly ctx: ReadContext,
    private readonly members: ProgramMemberEndpoints,
    description: ProgramMemberDescription,
    private readonly fields: string[],
    private readonly cursor: string | undefined,
    private readonly until: string,
  ) {
    this.converters = objectConverters(description.fields);
    this.fullFilter = (description.searchableFields ?? []).some((s) => s.length === 1 && s[0] === FULL_READ_FILTER.field);
  }

  async read(program: ProgramRef): Promise<Record<string, unknown>[]> {
    const raws = this.cursor === undefined ? await this.readAll(program) : await this.readSince(program, this.cursor);
    return raws
      .filter((raw) => changedSince(raw.updatedAt, this.cursor))
      .map((raw) => toObjectRecord({ ...raw, programId: raw.programId ?? program.id }, this.fields, this.converters));
  }

  private async readAll(program: ProgramRef): Promise<Record<string, unknown>[]> {
    if (this.fullFilter) {
      try {
        return await this.members.all(program.id, FULL_READ_FILTER, this.fields);
      } catch (err) {
        if (!(err instanceof MarketoRequestError)) throw err;
        if (err.code !== undefined && FILTER_REFUSED_CODES.has(err.code)) {
          this.fullFilter = false;
          this.ctx.log(
            'WARN',
            `program_members: Marketo refused the filter on reachedSuccess (${err.message}); programs are read by updatedAt ranges instead.`,
          );
        } else if (err.code === CEILING_CODE) {
          this.ctx.log(
            'INFO',
            `program_members: program ${program.id} has more members than one query may return (${err.message}); reading it by updatedAt ranges.`,
          );
        } else throw err;
      }
    }
    // Members join a program after it is created: its creation bounds the ranges.
    return this.readSince(program, addSeconds(program.createdAt ?? this.ctx.config.startDate, -1));
  }

  private async readSince(program: ProgramRef, from: string): Promise<Record<string, unknown>[]> {
    const start = program.createdAt && addSeconds(program.createdAt, -1) > from ? addSeconds(program.createdAt, -1) : from;
    const out: Record<string, unknown>[] = [];
    for (const window of updatedAtWindows(start, this.until)) out.push(...(await this.readWindow(program.id, window)));
    return out;
  }

  /** One range; past the 100,000 ceiling, its two halves. */
  private async readWindow(programId: number, window: MemberWindow): Promise<Record<string, unknown>[]> {
    try {
      return await this.members.all(programId, window, this.fields);
    } catch (err) {
      const halves = err instanceof MarketoRequestError && err.code === CEILING_CODE ? splitWindow(window) : undefined;
      if (!halves) throw err;
      return [...(await this.readWindow(programId, halves[0])), ...(await this.readWindow(programId, halves[1]))];
    }
  }
}
