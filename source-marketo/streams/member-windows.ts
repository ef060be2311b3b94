import { addSeconds, toMarketoSecond } from '../dates';

/**
 * Get Program Members filters on `updatedAt` by a range of at most 7 days (Program Members,
 * https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/program-members).
 * A minute short of that, so that no rounding of the bounds on Marketo's side can make a window
 * one second too long.
 */
export const UPDATED_AT_WINDOW_SECONDS = 7 * 86_400 - 60;

export interface MemberWindow {
  startAt: string;
  endAt: string;
}

/**
 * The ranges that cover every second after `from` up to `to`, each at most `maxSeconds` long.
 * Whether Marketo's startAt / endAt are inclusive is undocumented: each window starts one second
 * before the previous one ends, so that a member stamped on a boundary is found even when both
 * bounds are exclusive (when they are inclusive, it comes twice; the cursor and the primary key
 * absorb that).
 */
export function updatedAtWindows(from: string, to: string, maxSeconds = UPDATED_AT_WINDOW_SECONDS): MemberWindow[] {
  const windows: MemberWindow[] = [];
  if (from >= to) return windows;
  for (let start = from; ;) {
    const limit = addSeconds(start, maxSeconds);
    const end = limit < to ? limit : to;
    windows.push({ startAt: start, endAt: end });
    if (end >= to) return windows;
    start = addSeconds(end, -1);
  }
}

/**
 * A window split in two halves that overlap by a second, for when more members changed in it
 * than one query may match (1003, 100,000 memberships). Undefined when it is too short to split.
 */
export function splitWindow(window: MemberWindow): [MemberWindow, MemberWindow] | undefined {
  const seconds = (Date.parse(window.endAt) - Date.parse(window.startAt)) / 1000;
  if (seconds < 3) return undefined;
  const mid = addSeconds(window.startAt, Math.floor(seconds / 2));
  return [
    { startAt: window.startAt, endAt: mid },
    { startAt: addSeconds(mid, -1), endAt: window.endAt },
  ];
}

/** A pass over every program under way: a killed sync resumes it after the last program it finished. */
export interface MemberPass {
  /** Our clock when the pass began (canonical second): the end of every window of the pass. */
  startedAt: string;
  /** Programs with a lower id are read; the pass goes on from here (programs are read in id order). */
  nextProgramId: number;
}

export interface ProgramMembersState {
  /** Members updated after this second are emitted; absent: every member (a full read). */
  updatedAt?: string;
  pass?: MemberPass;
}

export function parseProgramMembersState(raw: Record<string, unknown> | undefined): ProgramMembersState {
  const state: ProgramMembersState = {};
  const cursor = typeof raw?.updatedAt === 'string' ? toMarketoSecond(raw.updatedAt) : undefined;
  if (cursor) state.updatedAt = cursor;
  const pass = raw?.pass as Partial<MemberPass> | undefined;
  const startedAt = typeof pass?.startedAt === 'string' ? toMarketoSecond(pass.startedAt) : undefined;
  if (startedAt && Number.isInteger(pass?.nextProgramId)) state.pass = { startedAt, nextProgramId: pass!.nextProgramId! };
  return state;
}
