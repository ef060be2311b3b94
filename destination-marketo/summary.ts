import { RowStatus } from './writer';

type Tally = Record<RowStatus | 'records' | 'replaced', number>;

const zero = (): Tally => ({ records: 0, created: 0, updated: 0, deleted: 0, absent: 0, rejected: 0, replaced: 0 });

/** Totals of the whole run per stream, for the closing LOG and the rejected-row threshold. */
export class RunSummary {
  private readonly streams = new Map<string, Tally>();

  count(stream: string, what: keyof Tally): void {
    let tally = this.streams.get(stream);
    if (!tally) this.streams.set(stream, (tally = zero()));
    tally[what]++;
  }

  get records(): number {
    return this.sum('records');
  }

  get rejected(): number {
    return this.sum('rejected');
  }

  /** One line per stream, then the API calls per endpoint. */
  lines(callsByEndpoint: Record<string, number>): string[] {
    const lines = [...this.streams.entries()].map(
      ([stream, t]) =>
        `Stream '${stream}': ${t.records} records: ${t.created} created, ${t.updated} updated, ${t.deleted} deleted, ` +
        `${t.absent} deletes of records Marketo did not have, ${t.rejected} rejected, ${t.replaced} replaced by a later row with the same key.`,
    );
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
