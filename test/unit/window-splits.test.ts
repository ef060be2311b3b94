import { expect } from 'chai';
import { MIN_PAGES_PER_SPLIT_WINDOW, resplitBounds, ResplitInput } from '../../source-marketo/streams/window-splits';
import { loadSegments } from '../../source-marketo/streams/segments';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const HOUR = 3600_000;
const MINUTE = 60_000;

/** One walk left, 100 pages of 1 minute each ahead of it, four walks wanted. */
const ALONE: ResplitInput = { running: 1, inWindow: 1, targetWalks: 4, position: T0, end: T0 + 100 * MINUTE, pagesRead: 30, coveredMs: 30 * MINUTE };

describe('splitting the rest of a window again when few walks are left (window-splits.ts)', () => {
  const cases: Array<[string, Partial<ResplitInput>, string[]]> = [
    ['one walk alone: its rest in four equal parts, three new windows', {}, ['2026-01-01T00:25:00Z', '2026-01-01T00:50:00Z', '2026-01-01T01:15:00Z']],
    ['two walks running: up to the four wanted', { running: 2 }, ['2026-01-01T00:33:20Z', '2026-01-01T01:06:40Z']],
    ['three walks running fill the rate: no split', { running: 3 }, []],
    ['two walks left in the window: each new part costs two walks', { running: 2, inWindow: 2 }, ['2026-01-01T00:50:00Z']],
    ['one walk alone with three wanted (max_concurrent_calls 3)', { targetWalks: 3 }, ['2026-01-01T00:33:20Z', '2026-01-01T01:06:40Z']],
    ['one walk with two wanted and max_concurrent_calls 2', { targetWalks: 2 }, ['2026-01-01T00:50:00Z']],
    ['a single walk wanted: nothing to gain', { targetWalks: 1 }, []],
    [
      `pages enough for two parts only (${MIN_PAGES_PER_SPLIT_WINDOW * 2} ahead)`,
      { end: T0 + 2 * MIN_PAGES_PER_SPLIT_WINDOW * MINUTE },
      ['2026-01-01T00:10:00Z'],
    ],
    ['too few pages ahead to pay for a window', { end: T0 + (2 * MIN_PAGES_PER_SPLIT_WINDOW - 1) * MINUTE }, []],
    ['a sparse walk (a page an hour so far) with hours ahead', { end: T0 + 15 * HOUR, coveredMs: 30 * HOUR }, []],
    ['the density of the whole walk, not of its last page: a burst of 6 pages in a second after a quiet day', { pagesRead: 6, coveredMs: 24 * HOUR }, []],
    ['no page with an activity read yet: nothing known', { pagesRead: 0 }, []],
    [
      'activities sharing one second: a page counts as a second at least',
      { end: T0 + 40_000, coveredMs: 0 },
      ['2026-01-01T00:00:10Z', '2026-01-01T00:00:20Z', '2026-01-01T00:00:30Z'],
    ],
    ['the walk already at its end', { position: T0 + 100 * MINUTE }, []],
  ];
  for (const [name, input, bounds] of cases) {
    it(name, () => expect(resplitBounds({ ...ALONE, ...input })).to.deep.equal(bounds));
  }

  it('bounds are whole seconds strictly between the position and the end', () => {
    const position = T0 + 500;
    const bounds = resplitBounds({ ...ALONE, position, end: position + 41_000, coveredMs: 0 });
    expect(bounds).to.deep.equal(['2026-01-01T00:00:10Z', '2026-01-01T00:00:21Z', '2026-01-01T00:00:31Z']);
  });
});

describe('the cursor of a part split off a window', () => {
  const START = '2026-01-01T00:00:00Z';
  const from = '2026-01-01T12:00:00Z';

  it('the walks still reading start at the bound; those done keep their place in the open-ended part, start at the bound in a bounded one', () => {
    const [segment] = loadSegments(undefined, START);
    segment.cursor.accept('1', '2026-01-01T10:00:00Z', 'g1'); // still reading, behind the bound
    segment.cursor.completeWalk(['2'], '2026-01-01T20:00:00Z', Date.parse('2026-01-01T21:00:00Z')); // done: at the quiet second
    segment.cursor.accept('3', '2026-01-01T05:00:00Z', 'g3'); // done long before the bound
    const open = segment.cursor.splitFrom(from, ['1'], ['1', '2', '3'], true).toState().partitions;
    expect(open['1']).to.deep.equal({ activityDate: from, marketoGUIDs: [] });
    expect(open['2'].activityDate).to.equal('2026-01-01T20:55:00Z');
    expect(open['3']).to.deep.equal({ activityDate: '2026-01-01T05:00:00Z', marketoGUIDs: ['g3'] });
    const bounded = segment.cursor.splitFrom(from, ['1'], ['1', '2', '3'], false).toState().partitions;
    expect(bounded['1'].activityDate).to.equal(from);
    expect(bounded['2'].activityDate).to.equal('2026-01-01T20:55:00Z'); // past the bound: keeps its place
    expect(bounded['3']).to.deep.equal({ activityDate: from, marketoGUIDs: [] });
  });
});
