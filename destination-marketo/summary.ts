import { ConflictPolicy } from './config';
import { RowStatus } from './writer';

type Tally = Record<RowStatus | 'records' | 'replaced' | 'kept', number>;

const zero = (): Tally => ({ records: 0, created: 0, updated: 0, deleted: 0, absent: 0, unchanged: 0, rejected: 0, replaced: 0, kept: 0 });

/** Totals of the whole run per stream, for the closing LOG and the rejected-row threshold. */
export class RunSummary {
  private readonly streams = new Map<string, Tally>();

  /** Streams whose upserts were compared with Marketo's current values (write_only_changes / newest_wins). */
  private readonly compared = new Set<string>();

  count(stream: string, what: keyof Tally, n = 1): void {
    let tally = this.streams.get(stream);
    if (!tally) this.streams.set(stream, (tally = zero()));
    tally[what] += n;
  }

  /** The stream's closing line also says what the comparison with Marketo's values left out. */
  comparing(stream: string): void {
    this.compared.add(stream);
  }

  get records(): number {
    return this.sum('records');
  }

  get rejected(): number {
    return this.sum('rejected');
  }

  /** One line per stream, then the API calls per endpoint; `policy` is the conflict_policy in force. */
  lines(callsByEndpoint: Record<string, number>, policy: ConflictPolicy): string[] {
    const lines = [...this.streams.entries()].map(
      ([stream, t]) =>
        `Stream '${stream}': ${plural(t.records, 'record')}: ${t.created} created, ${t.updated} updated, ${t.deleted} deleted, ` +
        `${plural(t.absent, 'delete')} of records Marketo did not have, ${t.rejected} rejected, ${t.replaced} replaced by a later row with the same key.`,
    );
    for (const [stream, t] of this.streams) {
      if (!this.compared.has(stream)) continue;
      const kept = policy === 'newest_wins' ? `; ${plural(t.kept, 'field')} kept as Marketo has them because it changed them after the row (newest_wins)` : '';
      lines.push(
        `Stream '${stream}', compared with Marketo's current values: ` +
          `${t.unchanged} unchanged (not sent), ${t.created} created, ${t.updated} updated, ${t.rejected} rejected${kept}.`,
      );
    }
    const calls = Object.entries(callsByEndpoint);
    const total = calls.reduce((n, [, c]) => n + c, 0);
    lines.push(`Marketo API calls: ${total}${calls.length ? ` (${calls.map(([endpoint, n]) => `${endpoint}: ${n}`).join(', ')})` : ''}.`);
    return lines;
  }

  private sum(what: keyof Tally): number {
    let n = 0;
    for (const tally of this.streams.values()) n += tally[what];
    return n;
  }
}

/** "1 record", "2 records". */
function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
