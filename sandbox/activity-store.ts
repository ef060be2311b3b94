// Compact, ordered storage of activities, built for a million rows and sub-millisecond pages.
//
// Each activity type has its own partition of parallel typed arrays, sorted by (date, id). A
// read for a set of types binary-searches each requested partition for the paging position and
// merges them, so a rare type is as cheap to page through as a common one. Only five numbers are
// stored per activity; everything else (attributes, primary attribute, campaign) is recomputed
// from the seed and the id when the activity is served (see activity-details.ts), unless a
// caller stored explicit details (activities written through the API in a later round).

import type { PagePosition } from './paging';

/** One stored activity: what the store keeps, nothing derived. */
export interface ActivityRow {
  typeId: number;
  id: number;
  /** activityDate in epoch seconds (Marketo dates have second resolution). */
  dateSec: number;
  leadId: number;
  /**
   * Type-specific number that lets details be recomputed without a lookup: for Change Data Value
   * and Change Score, the previous value's key and this change's draw, packed (activity-details.ts); for Merge Leads, the first
   * merged-away lead id; 0 otherwise.
   */
  link: number;
}

const INITIAL_CAPACITY = 1024;

/** The rows of one activity type, sorted by (dateSec, id). */
class Partition {
  length = 0;
  dateSec = new Uint32Array(INITIAL_CAPACITY);
  id = new Float64Array(INITIAL_CAPACITY);
  leadId = new Float64Array(INITIAL_CAPACITY);
  link = new Float64Array(INITIAL_CAPACITY);

  constructor(readonly typeId: number) {}

  private ensureCapacity(n: number): void {
    if (n <= this.id.length) return;
    let cap = this.id.length;
    while (cap < n) cap *= 2;
    const grow = <T extends Uint32Array | Float64Array>(old: T, make: (c: number) => T): T => {
      const next = make(cap);
      next.set(old.subarray(0, this.length));
      return next;
    };
    this.dateSec = grow(this.dateSec, (c) => new Uint32Array(c));
    this.id = grow(this.id, (c) => new Float64Array(c));
    this.leadId = grow(this.leadId, (c) => new Float64Array(c));
    this.link = grow(this.link, (c) => new Float64Array(c));
  }

  /** true when (dateSec, id) sorts after the last row (the common, O(1) append). */
  private isAfterLast(dateSec: number, id: number): boolean {
    if (this.length === 0) return true;
    const i = this.length - 1;
    const d = this.dateSec[i];
    return dateSec > d || (dateSec === d && id > this.id[i]);
  }

  add(row: ActivityRow): void {
    this.ensureCapacity(this.length + 1);
    let at = this.length;
    if (!this.isAfterLast(row.dateSec, row.id)) {
      // A late-arriving activity (dated before ones already stored): keep the order.
      at = this.firstAfter(row.dateSec * 1000, row.id);
      for (const col of [this.dateSec, this.id, this.leadId, this.link]) {
        col.copyWithin(at + 1, at, this.length);
      }
    }
    this.dateSec[at] = row.dateSec;
    this.id[at] = row.id;
    this.leadId[at] = row.leadId;
    this.link[at] = row.link;
    this.length++;
  }

  /** Index of the first row strictly after position (ms, id); `length` when none. */
  firstAfter(ms: number, id: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const dms = this.dateSec[mid] * 1000;
      if (dms > ms || (dms === ms && this.id[mid] > id)) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  row(i: number): ActivityRow {
    return {
      typeId: this.typeId,
      id: this.id[i],
      dateSec: this.dateSec[i],
      leadId: this.leadId[i],
      link: this.link[i],
    };
  }
}

/**
 * Walks several partitions in merged (dateSec, id) order from a position. With at most a few
 * dozen partitions a linear choice of the smallest head is faster than a heap.
 */
export class MergedCursor {
  private readonly heads: number[];

  constructor(
    private readonly parts: Partition[],
    from: PagePosition,
  ) {
    this.heads = parts.map((p) => p.firstAfter(from.ms, from.id));
  }

  /** The next row, or undefined when every partition is exhausted. */
  next(): ActivityRow | undefined {
    const best = this.advance();
    return best < 0 ? undefined : this.parts[best].row(this.heads[best] - 1);
  }

  /**
   * Skips `n` rows without building them: the position of the n-th, when at least one more row
   * follows it; undefined otherwise.
   */
  skip(n: number): PagePosition | undefined {
    let last = -1;
    for (let i = 0; i < n; i++) {
      last = this.advance();
      if (last < 0) return undefined;
    }
    if (last < 0) return undefined;
    const part = this.parts[last];
    const index = this.heads[last] - 1;
    const position = { ms: part.dateSec[index] * 1000, id: part.id[index] };
    return this.hasNext() ? position : undefined;
  }

  private hasNext(): boolean {
    return this.parts.some((p, k) => this.heads[k] < p.length);
  }

  /** Moves past the smallest head; the index of its partition, or -1 when every one is exhausted. */
  private advance(): number {
    let best = -1;
    let bestDate = 0;
    let bestId = 0;
    for (let k = 0; k < this.parts.length; k++) {
      const p = this.parts[k];
      const i = this.heads[k];
      if (i >= p.length) continue;
      const d = p.dateSec[i];
      const id = p.id[i];
      if (best < 0 || d < bestDate || (d === bestDate && id < bestId)) {
        best = k;
        bestDate = d;
        bestId = id;
      }
    }
    if (best >= 0) this.heads[best] = this.heads[best] + 1;
    return best;
  }
}

export class ActivityStore {
  private readonly partitions = new Map<number, Partition>();
  private total = 0;
  private maxId = 0;
  private maxDateSec = 0;

  add(row: ActivityRow): void {
    let part = this.partitions.get(row.typeId);
    if (!part) {
      part = new Partition(row.typeId);
      this.partitions.set(row.typeId, part);
    }
    part.add(row);
    this.total++;
    if (row.id > this.maxId) this.maxId = row.id;
    if (row.dateSec > this.maxDateSec) this.maxDateSec = row.dateSec;
  }

  count(): number {
    return this.total;
  }

  /** The largest id stored (0 when empty): new activities get larger ids. */
  lastId(): number {
    return this.maxId;
  }

  /** The latest activityDate stored, epoch seconds (0 when empty). */
  latestDateSec(): number {
    return this.maxDateSec;
  }

  /** A cursor over the given types (all types when null), after `from`. */
  cursor(typeIds: readonly number[] | null, from: PagePosition): MergedCursor {
    const parts: Partition[] = [];
    if (typeIds === null) parts.push(...this.partitions.values());
    else {
      for (const t of new Set(typeIds)) {
        const p = this.partitions.get(t);
        if (p) parts.push(p);
      }
    }
    return new MergedCursor(parts, from);
  }

  /**
   * The position of the `n`-th stored row (any type) after `from`, when more rows follow it;
   * undefined when the rest of the store holds at most `n` rows.
   */
  positionAfter(from: PagePosition, n: number): PagePosition | undefined {
    return this.cursor(null, from).skip(n);
  }

  /** Every row of every type in (dateSec, id) order. */
  *rows(): IterableIterator<ActivityRow> {
    const c = this.cursor(null, { ms: -Infinity, id: 0 });
    for (let r = c.next(); r; r = c.next()) yield r;
  }
}
