import { expect } from 'chai';
import { Activity } from '../../marketo/endpoints';
import { activityDateOf, EstimateReports, LatestDates } from '../../source-marketo/streams/walk-progress';

describe('walk progress: the canonical date of an activity', () => {
  const table: Array<[string, unknown, string | undefined]> = [
    ['canonical', '2026-01-02T03:04:05Z', '2026-01-02T03:04:05Z'],
    ['an offset without a colon', '2026-01-02T03:04:05+0000', '2026-01-02T03:04:05Z'],
    ['a negative offset', '2026-01-01T19:04:05-08:00', '2026-01-02T03:04:05Z'],
    ['milliseconds, cut to the second', '2026-01-02T03:04:05.900Z', '2026-01-02T03:04:05Z'],
    ['not a date', 'yesterday', undefined],
    ['not text', 1767323045, undefined],
    ['missing', undefined, undefined],
  ];
  for (const [name, activityDate, expected] of table) {
    it(name, () => expect(activityDateOf({ marketoGUID: 'g', leadId: 1, activityTypeId: 1, activityDate } as Activity)).to.equal(expected));
  }
});

describe('walk progress: the latest date each walk reached', () => {
  it('keeps the latest per walk, whatever the order dates come in', () => {
    const latest = new LatestDates<string>();
    for (const [walk, date] of [
      ['a', '2026-01-02T00:00:00Z'],
      ['a', '2026-01-01T00:00:00Z'],
      ['b', '2026-01-03T00:00:00Z'],
      ['a', '2026-01-02T00:00:01Z'],
    ])
      latest.note(walk, date);
    expect([latest.get('a'), latest.get('b'), latest.get('c')]).to.deep.equal(['2026-01-02T00:00:01Z', '2026-01-03T00:00:00Z', undefined]);
  });
});

describe('walk progress: which estimates are sent', () => {
  // Page of 300: a move is reported when it passes both 300 records and a fifth of the last estimate sent.
  const table: Array<[string, number | undefined, number[], Array<number | undefined>]> = [
    ['none before a first estimate', undefined, [5000, 9000], [undefined, undefined]],
    ['small moves are not sent', 1000, [1200, 800, 1300], [undefined, undefined, undefined]],
    ['a move past a page and a fifth is sent, and becomes the reference', 1000, [1301, 1500, 1600], [1301, undefined, undefined]],
    ['a page is the least move on a small estimate', 100, [350, 401], [undefined, 401]],
    ['a fifth is the least move on a large estimate', 10_000, [11_900, 12_001, 7_000], [undefined, 12_001, 7_000]],
  ];
  for (const [name, first, estimates, sent] of table) {
    it(name, () => {
      const reports = new EstimateReports(300);
      if (first !== undefined) expect(reports.first(first)).to.equal(first);
      expect(estimates.map((e) => reports.next(e))).to.deep.equal(sent);
    });
  }

  it('sends nothing after forget until a new first estimate', () => {
    const reports = new EstimateReports(300);
    reports.first(1000);
    reports.forget();
    expect(reports.next(100_000)).to.equal(undefined);
    reports.first(10);
    expect(reports.next(400)).to.equal(400);
  });
});
