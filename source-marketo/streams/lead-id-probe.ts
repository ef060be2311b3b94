import { MAX_FILTER_VALUES, MAX_LEAD_ID } from '../../marketo/constants';

/** Probe rounds allowed: 300 ids spread geometrically converge in under 10 on any id range (see the unit test). */
export const MAX_PROBE_CALLS = 32;

/**
 * `count` ids above `above`, spread geometrically up to MAX_LEAD_ID: contiguous just above it,
 * then further and further apart. The highest live one narrows the next round.
 */
export function probeIds(above: number, count = MAX_FILTER_VALUES): number[] {
  const span = MAX_LEAD_ID - above;
  if (span <= 0) return [];
  const ratio = Math.pow(span, 1 / count);
  const ids: number[] = [];
  let offset = 0;
  for (let k = 1; k <= count; k++) {
    offset = Math.max(offset + 1, Math.floor(Math.pow(ratio, k)));
    if (offset > span) break;
    ids.push(above + offset);
  }
  if (ids.length < count && ids[ids.length - 1] !== MAX_LEAD_ID) ids.push(MAX_LEAD_ID);
  return ids;
}

/**
 * The highest live lead id, found with Get Leads by id alone, in a few calls whatever the
 * history: each call asks for 300 ids spread from the highest lead found so far up to the
 * largest possible id, and the highest one that exists becomes the new floor, until a call finds
 * none above it. Ids only grow in Marketo, so deleted leads leave holes but nothing moves; a lead
 * beyond a long run of deleted ids may still be passed over, which is why the full read keeps
 * reading ranges past this id until two in a row are empty.
 */
export async function probeHighestLeadId(
  existing: (ids: number[]) => Promise<number[]>,
  /** When given, every id asked is noted with whether a lead has it: a sample of the id range (see LiveIdEstimate). */
  seen?: Map<number, boolean>,
): Promise<{ highestId: number; calls: number }> {
  let highestId = 0;
  let calls = 0;
  while (calls < MAX_PROBE_CALLS) {
    const ids = probeIds(highestId);
    if (ids.length === 0) break;
    calls++;
    const found = await existing(ids);
    if (seen) {
      const live = new Set(found);
      for (const id of ids) seen.set(id, live.has(id));
    }
    const above = found.filter((id) => id > highestId);
    if (above.length === 0) break;
    highestId = Math.max(...above);
  }
  return { highestId, calls };
}

/**
 * How many leads live in an id range, from the ids the probe asked about: each id asked stands
 * for the ids around it (half-way to its neighbours), counted when a lead has it. The probe asks
 * contiguous ids just above each floor and ever sparser ones further up, so the estimate is exact
 * near the start and near the highest id and sampled in between, holes (deleted leads, ranges
 * merged away) included. Ids only grow, so nothing lives above the highest one.
 */
export class LiveIdEstimate {
  /** Sampled ids up to the highest, ascending, with the share of the range each stands for. */
  private readonly points: Array<{ id: number; from: number; to: number; live: boolean }> = [];

  constructor(seen: Map<number, boolean>, highestId: number) {
    const ids = [...seen.keys()].filter((id) => id <= highestId).sort((a, b) => a - b);
    ids.forEach((id, i) => {
      const from = i === 0 ? 1 : (ids[i - 1] + id) / 2;
      const to = i === ids.length - 1 ? highestId + 1 : (id + ids[i + 1]) / 2;
      this.points.push({ id, from, to, live: seen.get(id)! });
    });
  }

  /** Estimated live ids in [from, to]. */
  between(from: number, to: number): number {
    let live = 0;
    for (const p of this.points) {
      if (!p.live) continue;
      const overlap = Math.min(p.to, to + 1) - Math.max(p.from, from);
      if (overlap > 0) live += overlap;
    }
    return live;
  }
}
