import { expect } from 'chai';
import { loadSegments, segmentsToState, splitNewest, windowCount } from '../../source-marketo/streams/segments';

const START = '2026-01-01T00:00:00Z';
const NOW = Date.parse('2026-01-05T00:00:00Z');

describe('time windows of an activity stream', () => {
  it('sizes windows by the volume the first pages predict', () => {
    // 300 activities in 10 minutes from Jan 1: ~576 pages to now, plenty for 4 windows.
    expect(windowCount([{ firstDate: START, lastDate: '2026-01-01T00:10:00Z', full: true }], 4, NOW)).to.deep.equal({
      count: 4,
      dataFrom: START,
      estimatedPages: 576,
    });
    // 300 activities in a day: 4 pages ahead, not worth a second window.
    expect(windowCount([{ firstDate: START, lastDate: '2026-01-02T00:00:00Z', full: true }], 4, NOW).count).to.equal(1);
    // Everything fits in the first page.
    expect(windowCount([{ firstDate: START, lastDate: START, full: false }], 4, NOW).count).to.equal(1);
  });

  it('splits the open-ended segment evenly, and saves every window in the state', () => {
    const segments = loadSegments(undefined, START);
    splitNewest(segments, ['1', '2'], 4, NOW, START);
    expect(segments.map((s) => s.until)).to.deep.equal(['2026-01-02T00:00:00Z', '2026-01-03T00:00:00Z', '2026-01-04T00:00:00Z', null]);
    segments[2].cursor.accept('1', '2026-01-03T05:00:00Z', 'g1');
    const state = segmentsToState(segments);
    expect(state.until).to.equal('2026-01-02T00:00:00Z');
    expect(state.windows!.map((w) => [w.from, w.until])).to.deep.equal([
      ['2026-01-02T00:00:00Z', '2026-01-03T00:00:00Z'],
      ['2026-01-03T00:00:00Z', '2026-01-04T00:00:00Z'],
      ['2026-01-04T00:00:00Z', null],
    ]);
    expect(state.windows![1].partitions['1']).to.deep.equal({ activityDate: '2026-01-03T05:00:00Z', marketoGUIDs: ['g1'] });

    // Reloaded, the windows keep their bounds and cursors; finished leading windows drop out.
    const reloaded = loadSegments(JSON.parse(JSON.stringify(state)), START);
    expect(reloaded.map((s) => s.until)).to.deep.equal(['2026-01-02T00:00:00Z', '2026-01-03T00:00:00Z', '2026-01-04T00:00:00Z', null]);
    reloaded[0].done = true;
    reloaded[1].done = true;
    const later = segmentsToState(reloaded);
    expect(later.partitions['1']).to.deep.equal({ activityDate: '2026-01-03T05:00:00Z', marketoGUIDs: ['g1'] });
    expect(later.windows!.map((w) => w.from)).to.deep.equal(['2026-01-04T00:00:00Z']);
  });

  it('never lets a window re-emit what a partition already emitted past its start', () => {
    const segments = loadSegments(
      { partitions: { '1': { activityDate: '2026-01-03T12:00:00Z', marketoGUIDs: ['x'] }, '2': { activityDate: START, marketoGUIDs: [] } } },
      START,
    );
    splitNewest(segments, ['1', '2'], 2, NOW, START);
    const window = segments[1]; // from Jan 3 00:00
    expect(window.cursor.accept('1', '2026-01-03T12:00:00Z', 'x')).to.equal(false);
    expect(window.cursor.accept('1', '2026-01-03T06:00:00Z', 'y')).to.equal(false);
    expect(window.cursor.accept('2', '2026-01-03T06:00:00Z', 'z')).to.equal(true);
  });
});
