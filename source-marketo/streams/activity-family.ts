import { BULK_UNSUPPORTED_ACTIVITY_TYPES } from '../../marketo/constants';
import { Activity } from '../../marketo/endpoints';
import { isJsonObject } from '../../protocol/json';
import { JsonSchema, SyncMode } from '../../protocol/types';
import { ActivityLikeStream, ActivityWalk } from './activity-stream';
import { BulkSpec, parseBulkState } from './bulk-backfill';
import { typeGroupWalks } from './activity-type-groups';
import { parsePartitionCursors, PartitionCursor } from './activity-cursor';
import { ActivityHistoryState } from './bulk-history';
import { WindowState } from './segments';
import { ReadContext, SourceStream, StreamEvent } from './stream';

/**
 * `activities` and the per-type activity streams read the same Get Lead Activities walks: when a
 * sync selects several of them, they are read together, in one pass over the union of their
 * types grouped ten per walk, and each page is split between them. The calls are those of
 * `activities` over the same types, whichever and however many of the streams are selected.
 *
 * Each stream keeps its own state, in the format `activities` has always had (per type: the last
 * second emitted and the GUIDs of that second, time windows and a bulk history in flight). Inside
 * the pass the cursor partitions are `<stream>#<type id>`; streams whose states were saved by
 * different passes (one stream reset or added while a long first sync was split into windows, or
 * had a bulk history in flight) cannot share one set of windows and are read in passes of their own.
 */

/** A stream that can join the shared pass. */
export interface ActivityFamilyMember extends SourceStream {
  /** The activity types whose activities it emits. */
  familyTypeIds(ctx: ReadContext): Promise<number[]>;
  /** Called once before the pass, with the columns the configured catalog selected: what to tell the user. */
  prepareFamilyRead?(ctx: ReadContext, selectedFields?: string[]): Promise<void>;
  /** Its record of one of its activities. */
  familyRecord(activity: Activity, activityDate: string, ctx: ReadContext): Record<string, unknown>;
}

export function isFamilyMember(stream: SourceStream): stream is ActivityFamilyMember {
  return typeof (stream as Partial<ActivityFamilyMember>).familyTypeIds === 'function';
}

/** A member as a sync reads it: the state Airbyte gave it (used only when incremental). */
export interface FamilyMemberRead {
  stream: ActivityFamilyMember;
  syncMode: SyncMode;
  state?: Record<string, unknown>;
  selectedFields?: string[];
}

/** An event of one stream of the pass. */
export type TaggedEvent = StreamEvent & { stream: string };

const KEY_SEPARATOR = '#';
const keyOf = (stream: string, typeId: number | string) => `${stream}${KEY_SEPARATOR}${typeId}`;

/** Reads the members through shared walks: one pass per group of members whose saved windows agree. */
export async function* readFamily(ctx: ReadContext, members: FamilyMemberRead[]): AsyncGenerator<TaggedEvent> {
  const passes = new Map<string, FamilyMemberRead[]>();
  for (const member of members) {
    const state = member.syncMode === 'incremental' ? member.state : undefined;
    const signature = passSignature(state);
    passes.set(signature, [...(passes.get(signature) ?? []), { ...member, state }]);
  }
  if (passes.size > 1) {
    ctx.log(
      'INFO',
      `${members.map((m) => m.stream.name).join(', ')}: their states come from different syncs (windows or a bulk history in flight), so they are read in ${passes.size} passes, each paying its own walks.`,
    );
  }
  for (const group of passes.values()) {
    for (const member of group) await member.stream.prepareFamilyRead?.(ctx, member.selectedFields);
    yield* new FamilyPass(group).readPass(ctx);
  }
}

/** What must agree for two states to be read in one pass: their windows' bounds and their bulk history. */
function passSignature(state: Record<string, unknown> | undefined): string {
  const saved = savedHistory(state);
  const windows = (saved.windows ?? []).map((w) => [w.from, w.until, w.done === true]);
  return JSON.stringify({ until: windows.length > 0 ? (saved.until ?? null) : null, windows, bulk: saved.bulk ?? null });
}

/** One pass over shared walks, as an activity-like stream whose partitions are `<stream>#<type id>`. */
class FamilyPass extends ActivityLikeStream {
  readonly name: string;
  private readonly typeIds = new Map<string, number[]>();
  /** Type id → the partition of each member reading it (looked up once per activity). */
  private readonly keysByType = new Map<number, string[]>();
  private readonly memberOfRecord = new WeakMap<Record<string, unknown>, string>();
  private readonly streams: Map<string, ActivityFamilyMember>;
  private ctx: ReadContext | undefined;

  constructor(private readonly members: FamilyMemberRead[]) {
    super();
    const names = members.map((m) => m.stream.name);
    this.name = names.length <= 3 ? names.join(', ') : `${names.slice(0, 2).join(', ')} and ${names.length - 2} more streams`;
    this.streams = new Map(members.map((m) => [m.stream.name, m.stream]));
  }

  schema(): Promise<JsonSchema> {
    return Promise.reject(new Error('a shared pass has no schema of its own'));
  }

  async *readPass(ctx: ReadContext): AsyncGenerator<TaggedEvent> {
    this.ctx = ctx;
    for (const member of this.members) this.typeIds.set(member.stream.name, await member.stream.familyTypeIds(ctx));
    for (const [stream, ids] of this.typeIds) for (const id of ids) this.keysByType.set(id, [...(this.keysByType.get(id) ?? []), keyOf(stream, id)]);
    const state = mergeStates(this.members.map((m) => ({ name: m.stream.name, typeIds: this.typeIds.get(m.stream.name)!, state: m.state })));
    const estimateTo =
      this.members.find((m) => m.stream.name === 'activities')?.stream.name ?? (this.members.length === 1 ? this.members[0].stream.name : undefined);
    // The merged state goes through read as a saved state would (read parses what it is given).
    for await (const event of this.read({ ...ctx, syncMode: 'incremental' }, isJsonObject(state) ? state : undefined)) {
      if ('records' in event) {
        const byStream = new Map<string, Record<string, unknown>[]>();
        for (const record of event.records) {
          const stream = this.memberOfRecord.get(record)!;
          const records = byStream.get(stream);
          if (records) records.push(record);
          else byStream.set(stream, [record]);
        }
        for (const [stream, records] of byStream) yield { stream, records };
      } else if ('estimate' in event) {
        if (estimateTo) yield { stream: estimateTo, estimate: event.estimate };
      } else {
        for (const member of this.members) yield { stream: member.stream.name, state: splitState(event.state, member.stream.name) };
      }
    }
  }

  /** The union of the members' types: one key per member reading the type. */
  private keysOf(typeId: number): string[] {
    return this.keysByType.get(typeId) ?? [];
  }

  private unionTypeIds(): number[] {
    return [...new Set([...this.typeIds.values()].flat())].sort((a, b) => a - b);
  }

  protected walks(ctx: ReadContext, readByBulk?: string[]): Promise<ActivityWalk[]> {
    return Promise.resolve(typeGroupWalks(ctx, this.unionTypeIds(), (id) => this.keysOf(id), readByBulk));
  }

  protected override bulkSpec(): Promise<BulkSpec | undefined> {
    const typeIds = this.unionTypeIds().filter((id) => !BULK_UNSUPPORTED_ACTIVITY_TYPES.includes(id));
    const exported = new Set(typeIds);
    const partitionsOf = (activity: Activity) => (exported.has(activity.activityTypeId) ? this.keysOf(activity.activityTypeId) : []);
    return Promise.resolve({
      activityTypeIds: typeIds,
      keys: typeIds.flatMap((id) => this.keysOf(id)),
      partitionsOf,
      partitionOf: (activity) => partitionsOf(activity)[0],
      adapt: (activity) => activity,
    });
  }

  protected override toRecord(activity: Activity, activityDate: string, key?: string): Record<string, unknown> {
    const stream = key!.slice(0, key!.lastIndexOf(KEY_SEPARATOR));
    const record = this.streams.get(stream)!.familyRecord(activity, activityDate, this.ctx!);
    this.memberOfRecord.set(record, stream);
    return record;
  }
}

interface MemberState {
  name: string;
  typeIds: number[];
  state?: Record<string, unknown>;
}

/** Partitions of one member's state under the pass's keys; a state with a date and no partitions (from before partitions) stands for each of its types. */
function prefixed(member: MemberState, partitions: Record<string, PartitionCursor> | undefined, legacyDate?: string): Record<string, PartitionCursor> {
  const out: Record<string, PartitionCursor> = {};
  const entries = Object.entries(partitions ?? {});
  if (entries.length === 0 && legacyDate !== undefined) {
    for (const id of member.typeIds) out[keyOf(member.name, id)] = { activityDate: legacyDate, marketoGUIDs: [] };
  }
  for (const [key, cursor] of entries) out[keyOf(member.name, key)] = cursor;
  return out;
}

/**
 * A member's saved state, as far as it has the shape the connector writes: cursors with a date,
 * windows with a start, a bulk history with its jobs. What is left out reads as not there (that
 * partition or window starts over), as read would read it.
 */
export function savedHistory(state: Record<string, unknown> | undefined): Partial<ActivityHistoryState> {
  if (!state) return {};
  const out: Partial<ActivityHistoryState> = {};
  if (state.partitions !== undefined) out.partitions = parsePartitionCursors(state.partitions);
  if (typeof state.activityDate === 'string') out.activityDate = state.activityDate;
  if (typeof state.until === 'string' || state.until === null) out.until = state.until;
  if (Array.isArray(state.windows)) out.windows = state.windows.flatMap((w: unknown) => (isJsonObject(w) ? savedWindow(w) : []));
  const bulk = state.bulk === undefined ? undefined : parseBulkState(state.bulk);
  if (bulk) out.bulk = bulk;
  return out;
}

function savedWindow(window: Record<string, unknown>): WindowState[] {
  const { from, until, done, partitions } = window;
  if (typeof from !== 'string') return [];
  return [{ from, until: typeof until === 'string' ? until : null, ...(done === true ? { done } : {}), partitions: parsePartitionCursors(partitions) }];
}

/** The state of the pass, from its members' states (their windows agree: see passSignature). */
export function mergeStates(members: MemberState[]): ActivityHistoryState {
  const merged: ActivityHistoryState = { partitions: {} };
  for (const member of members) {
    const saved = savedHistory(member.state);
    Object.assign(merged.partitions, prefixed(member, saved.partitions, saved.activityDate));
    if (saved.windows && saved.windows.length > 0) {
      merged.until = saved.until;
      merged.windows ??= saved.windows.map((w) => ({ ...w, partitions: {} }));
      saved.windows.forEach((w, i) => Object.assign(merged.windows![i].partitions, prefixed(member, w.partitions)));
    }
    if (saved.bulk !== undefined) merged.bulk = saved.bulk;
  }
  return merged;
}

/** One member's state out of the pass's: its partitions under their type ids, the windows and bulk history as they are. */
export function splitState(state: ActivityHistoryState, stream: string): ActivityHistoryState {
  const prefix = `${stream}${KEY_SEPARATOR}`;
  const own = (partitions: Record<string, PartitionCursor> | undefined) => {
    const out: Record<string, PartitionCursor> = {};
    for (const [key, cursor] of Object.entries(partitions ?? {})) if (key.startsWith(prefix)) out[key.slice(prefix.length)] = cursor;
    return out;
  };
  const partitions = own(state.partitions);
  const out: ActivityHistoryState = { partitions };
  const dates = Object.values(partitions).map((c) => c.activityDate);
  if (state.windows) {
    out.until = state.until;
    out.windows = state.windows.map((w) => {
      const window = { ...w, partitions: own(w.partitions) };
      if (!w.done) dates.push(...Object.values(window.partitions).map((c) => c.activityDate));
      return window;
    });
  }
  // The low-water mark over this stream's partitions, as `activities` keeps it at the top.
  const low = dates.sort()[0] ?? state.activityDate;
  const result: ActivityHistoryState = { activityDate: low, ...out };
  if (state.bulk !== undefined) result.bulk = state.bulk;
  return result;
}
