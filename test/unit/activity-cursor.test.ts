import { expect } from 'chai';
import { ActivityCursor } from '../../source-marketo/streams/activity-cursor';

const START = '2026-01-01T00:00:00Z';

describe('ActivityCursor', () => {
  it('emits each activity once, including the rest of a second that a checkpoint cut in two', () => {
    const first = new ActivityCursor(undefined, START);
    expect(first.accept('1', '2026-01-02T10:00:00Z', 'a')).to.equal(true);
    expect(first.accept('1', '2026-01-02T10:00:05Z', 'b')).to.equal(true);
    expect(first.accept('1', '2026-01-02T10:00:05Z', 'b')).to.equal(false);
    const state = first.toState();
    expect(state).to.deep.equal({ activityDate: '2026-01-02T10:00:05Z', partitions: { '1': { activityDate: '2026-01-02T10:00:05Z', marketoGUIDs: ['b'] } } });

    const resumed = new ActivityCursor(JSON.parse(JSON.stringify(state)), START);
    expect(resumed.startOf(['1'])).to.equal('2026-01-02T10:00:05Z');
    expect(resumed.accept('1', '2026-01-02T10:00:00Z', 'a')).to.equal(false); // before the cursor
    expect(resumed.accept('1', '2026-01-02T10:00:05Z', 'b')).to.equal(false); // already emitted in that second
    expect(resumed.accept('1', '2026-01-02T10:00:05Z', 'c')).to.equal(true); // same second, not yet emitted
    expect(resumed.accept('1', '2026-01-02T10:00:06Z', 'd')).to.equal(true);
    expect(resumed.toState().partitions['1']).to.deep.equal({ activityDate: '2026-01-02T10:00:06Z', marketoGUIDs: ['d'] });
  });

  it('keeps a cursor per partition and a low-water mark over them', () => {
    const cursor = new ActivityCursor(undefined, START);
    cursor.accept('6', '2026-02-01T00:00:00Z', 'x');
    cursor.accept('1', '2026-01-15T00:00:00Z', 'y');
    expect(cursor.startOf(['1', '6'])).to.equal('2026-01-15T00:00:00Z');
    expect(cursor.startOf(['7'])).to.equal(START);
    expect(cursor.toState().activityDate).to.equal('2026-01-15T00:00:00Z');
  });

  it('moves partitions without new activities up to where their walk ended', () => {
    const cursor = new ActivityCursor(undefined, START);
    cursor.accept('1', '2026-01-10T00:00:00Z', 'x');
    // The walk ended a minute after its last activity: within the late-arrival margin.
    cursor.completeWalk(['1', '2'], '2026-01-10T00:00:00Z', Date.parse('2026-01-10T00:01:00Z'));
    expect(cursor.toState().partitions).to.deep.equal({
      '1': { activityDate: '2026-01-10T00:00:00Z', marketoGUIDs: ['x'] },
      '2': { activityDate: '2026-01-10T00:00:00Z', marketoGUIDs: [] },
    });
  });

  it('moves every walk that ended quiet to the same second, five minutes before the sync, whatever it last saw', () => {
    const syncAt = Date.parse('2026-01-10T12:00:00Z');
    const a = new ActivityCursor(undefined, START);
    a.accept('1', '2026-01-10T09:00:00Z', 'x');
    a.completeWalk(['1'], '2026-01-10T09:00:00Z', syncAt);
    a.completeWalk(['2'], undefined, syncAt);
    const b = new ActivityCursor(undefined, START);
    b.accept('lead_changes', '2026-01-10T11:30:07Z', 'y');
    b.completeWalk(['lead_changes'], '2026-01-10T11:30:07Z', syncAt);
    // Activities newer than the margin keep their second (and GUIDs): they may still have company.
    b.accept('deleted_leads', '2026-01-10T11:58:00Z', 'z');
    b.completeWalk(['deleted_leads'], '2026-01-10T11:58:00Z', syncAt);
    expect(a.toState().partitions).to.deep.equal({
      '1': { activityDate: '2026-01-10T11:55:00Z', marketoGUIDs: [] },
      '2': { activityDate: '2026-01-10T11:55:00Z', marketoGUIDs: [] },
    });
    expect(b.toState().partitions).to.deep.equal({
      lead_changes: { activityDate: '2026-01-10T11:55:00Z', marketoGUIDs: [] },
      deleted_leads: { activityDate: '2026-01-10T11:58:00Z', marketoGUIDs: ['z'] },
    });
    expect(a.startOf(['1', '2'])).to.equal(b.startOf(['lead_changes']));
  });

  it('accepts a legacy state holding only the cursor date', () => {
    const cursor = new ActivityCursor({ activityDate: '2026-03-01T00:00:00+0000' }, START);
    expect(cursor.startOf(['1'])).to.equal('2026-03-01T00:00:00Z');
    expect(cursor.accept('1', '2026-02-28T23:59:59Z', 'old')).to.equal(false);
  });

  it('starts a partition the state does not know at start_date, and honours a start_date moved forward', () => {
    const cursor = new ActivityCursor(
      { activityDate: '2026-03-01T00:00:00Z', partitions: { '1': { activityDate: '2026-03-01T00:00:00Z', marketoGUIDs: [] } } },
      START,
    );
    expect(cursor.startOf(['2'])).to.equal(START);
    const later = new ActivityCursor({ partitions: { '1': { activityDate: '2025-01-01T00:00:00Z', marketoGUIDs: [] } } }, START);
    expect(later.startOf(['1'])).to.equal(START);
  });
});

describe('ActivityCursor with a look-back', () => {
  const LOOKBACK = 600; // 10 minutes

  it('re-reads the look-back window and emits only what it had not emitted, across syncs', () => {
    const first = new ActivityCursor(undefined, START, LOOKBACK);
    expect(first.accept('6', '2026-01-02T10:00:00Z', 'a')).to.equal(true);
    expect(first.accept('6', '2026-01-02T10:05:00Z', 'b')).to.equal(true);
    const state = JSON.parse(JSON.stringify(first.toState()));
    expect(state.partitions['6']).to.deep.equal({ activityDate: '2026-01-02T10:05:00Z', marketoGUIDs: ['b'], recentGUIDs: { '2026-01-02T10:00:00Z': ['a'] } });

    const next = new ActivityCursor(state, START, LOOKBACK);
    expect(next.startOf(['6'])).to.equal('2026-01-02T09:55:00Z');
    expect(next.accept('6', '2026-01-02T10:00:00Z', 'a')).to.equal(false); // emitted last sync
    expect(next.accept('6', '2026-01-02T10:02:00Z', 'late')).to.equal(true); // committed late, before the cursor
    expect(next.accept('6', '2026-01-02T09:50:00Z', 'older')).to.equal(false); // beyond the look-back
    expect(next.accept('6', '2026-01-02T10:05:00Z', 'b')).to.equal(false);
  });

  it('does not look back past where a partition started (a window start, or a state saved without look-back)', () => {
    const plain = new ActivityCursor(undefined, START);
    plain.accept('6', '2026-01-02T10:05:00Z', 'b');
    const turnedOn = new ActivityCursor(JSON.parse(JSON.stringify(plain.toState())), START, LOOKBACK);
    expect(turnedOn.startOf(['6'])).to.equal('2026-01-02T10:05:00Z');
    expect(turnedOn.accept('6', '2026-01-02T10:01:00Z', 'unknown')).to.equal(false);

    const window = new ActivityCursor(undefined, START, LOOKBACK).windowFrom('2026-01-03T00:00:00Z', ['6']);
    expect(window.startOf(['6'])).to.equal('2026-01-03T00:00:00Z');
    window.accept('6', '2026-01-03T00:01:00Z', 'w');
    const saved = JSON.parse(JSON.stringify(window.toState()));
    expect(saved.partitions['6'].floor).to.equal('2026-01-03T00:00:00Z');
    expect(new ActivityCursor(saved, START, LOOKBACK).startOf(['6'])).to.equal('2026-01-03T00:00:00Z');
  });
});

describe('ActivityCursor look-back under a burst', () => {
  it('keeps accept cheap when the look-back window holds many activities (no scan per record)', () => {
    const cursor = new ActivityCursor(undefined, START, 24 * 3600);
    const base = Date.parse('2026-01-02T00:00:00Z');
    const started = Date.now();
    for (let i = 0; i < 40_000; i++) {
      const second = new Date(base + i * 1000).toISOString().replace('.000Z', 'Z');
      expect(cursor.accept('6', second, `g${i}`)).to.equal(true);
    }
    expect(Date.now() - started).to.be.below(3000);
    expect(cursor.accept('6', '2026-01-02T00:00:05Z', 'g5')).to.equal(false); // still remembered
  });
});
