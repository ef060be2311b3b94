import { secondOf } from '../dates';
import { MAX_FILTER_VALUES } from '../../marketo/constants';
import { sweepIdRanges, EMPTY_RANGES_PAST_MAX } from './id-sweep';
import { changedSince, cursorAfterSweep, newer, ObjectStreamState, parseObjectState } from './object-cursor';
import { Converters, toObjectRecord } from './object-schema';
import { ReadContext, StreamEvent } from './stream';

/** How one object type is swept: which endpoint, which integer field its ids are read by, which fields. */
export interface SweepSpec {
  stream: string;
  /** Get Companies or Get Custom Objects of one type. */
  path: string;
  /** An integer searchable field: `id` for companies, a link to Lead.id for custom objects. */
  filterType: string;
  fields: string[];
  converters: Converters;
  /** Where the ids probably end when nothing is known yet (the sweep reads on while it finds records). */
  probableMaxId: () => Promise<number>;
}

/**
 * Reads every record of an object type by ranges of 300 values of an integer field, paging within
 * a range when more than 300 records match, and emits those changed since the cursor (all of them
 * in full refresh). A STATE follows every range, so a killed sync resumes its sweep.
 */
export async function* readBySweep(
  ctx: ReadContext,
  spec: SweepSpec,
  rawState: Record<string, unknown> | undefined,
): AsyncGenerator<StreamEvent<ObjectStreamState>> {
  const incremental = ctx.syncMode === 'incremental';
  const state = parseObjectState(incremental ? rawState : undefined);
  const cursor = incremental ? state.updatedAt : undefined;
  const sweep = state.sweep ?? {
    startedAt: secondOf(Date.now()),
    nextId: 1,
    maxId: Math.max(state.highestId ?? 0, await spec.probableMaxId(), 0) + EMPTY_RANGES_PAST_MAX * MAX_FILTER_VALUES,
  };
  ctx.log(
    'INFO',
    `${spec.stream}: reading ${spec.filterType} ${sweep.nextId} to at least ${sweep.maxId} (${Math.ceil((sweep.maxId - sweep.nextId + 1) / MAX_FILTER_VALUES)} calls or more), emitting ${cursor ? `records changed since ${cursor}` : 'every record'}.`,
  );
  let highestId = state.highestId ?? 0;
  const fetchRange = async (ids: number[]): Promise<Record<string, unknown>[]> => {
    const out: Record<string, unknown>[] = [];
    let token: string | undefined;
    do {
      const page = await ctx.endpoints.getObjectsPage(spec.path, spec.filterType, ids, spec.fields, token);
      out.push(...page.records);
      token = page.nextPageToken;
    } while (token);
    return out;
  };
  for await (const raws of sweepIdRanges(sweep, ctx.config.connection.maxConcurrentCalls, fetchRange)) {
    const records: Record<string, unknown>[] = [];
    for (const raw of raws) {
      const id = Number(raw[spec.filterType]);
      if (Number.isInteger(id) && id > highestId) highestId = id;
      sweep.newest = newer(sweep.newest, raw.updatedAt);
      if (changedSince(raw.updatedAt, cursor)) records.push(toObjectRecord(raw, spec.fields, spec.converters));
    }
    if (records.length > 0) yield { records };
    const checkpoint: ObjectStreamState = { sweep: { ...sweep }, highestId };
    if (state.updatedAt) checkpoint.updatedAt = state.updatedAt;
    yield { state: checkpoint };
  }
  const done: ObjectStreamState = { highestId };
  const next = cursorAfterSweep(state.updatedAt, sweep);
  if (next) done.updatedAt = next;
  yield { state: done };
}
