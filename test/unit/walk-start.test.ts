import { expect } from 'chai';
import { ActivityPage } from '../../marketo/endpoints';
import { typeGroupWalks } from '../../source-marketo/streams/activity-type-groups';
import { ReadContext } from '../../source-marketo/streams/stream';
import { walkActivities, walkStart, WalkSpec } from '../../source-marketo/streams/walk';

// A walk over what Marketo keeps only 14 days (Delete Lead) starts no earlier than that horizon:
// every Get Lead Activities / Get Deleted Leads call examines a block of stored activities of every
// type, so a walk from an older cursor pays for blocks where no deletion can still exist.

const NOW = Date.parse('2026-03-01T12:00:00Z');
const noPages = (): Promise<ActivityPage> => Promise.resolve({ activities: [], moreResult: false, nextPageToken: 't' });

describe('walk start: the retention horizon of a walk', () => {
  const table: Array<[string, number | undefined, string, string]> = [
    ['no horizon: the cursor', undefined, '2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z'],
    ['a cursor older than the horizon: the horizon', 14, '2020-01-01T00:00:00Z', '2026-02-15T12:00:00Z'],
    ['a cursor inside the horizon: the cursor', 14, '2026-02-20T08:30:00Z', '2026-02-20T08:30:00Z'],
  ];
  for (const [name, keptDays, since, expected] of table) {
    it(name, () => expect(walkStart({ keys: ['37'], fetchPage: noPages, keptDays }, since, NOW)).to.equal(expected));
  }

  it('the paging token of such a walk is asked one second before its horizon', async () => {
    const asked: string[] = [];
    const walk: WalkSpec = { keys: ['37'], fetchPage: noPages, keptDays: 14 };
    const pages = walkActivities(walk, '2020-01-01T00:00:00Z', (since) => (asked.push(since), Promise.resolve('t')));
    for await (const _ of pages);
    const horizon = Date.parse(asked[0]) + 1000;
    expect(Math.abs(horizon - (Date.now() - 14 * 86_400_000))).to.be.below(5000);
  });
});

describe('walk start: which type group walks have a horizon', () => {
  const ctx = { endpoints: { getLeadActivities: noPages } } as unknown as ReadContext;
  const keysOf = (id: number) => [String(id)];
  const horizons = (walks: Array<WalkSpec>) => walks.map((w) => [w.keys.join(','), w.keptDays]);

  it('Delete Lead walked apart (its history is not in the bulk files): 14 days', () => {
    expect(horizons(typeGroupWalks(ctx, [1, 12, 37], keysOf, ['1', '12']))).to.deep.equal([
      ['37', 14],
      ['1,12', undefined],
    ]);
  });

  it('Delete Lead in a group with other types (REST reads them in one walk): none, the others are kept longer', () => {
    expect(horizons(typeGroupWalks(ctx, [1, 12, 37], keysOf))).to.deep.equal([['1,12,37', undefined]]);
  });

  it('Delete Lead alone without bulk files (a per-type stream through REST): none, as `deleted_leads` walks from its cursor', () => {
    expect(horizons(typeGroupWalks(ctx, [37], keysOf))).to.deep.equal([['37', undefined]]);
  });
});
