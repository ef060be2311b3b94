import { expect } from 'chai';
import { Activity } from '../../marketo/endpoints';
import { HistoryModel, samplePoints } from '../../source-marketo/streams/history-estimate';
import { LiveIdEstimate, probeHighestLeadId } from '../../source-marketo/streams/lead-id-probe';

const T0 = Date.parse('2026-06-01T00:00:00Z');
const MIN = 60_000;
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
/** `n` activities from `from`, one every `everyMs`. */
const run = (n: number, from: number, everyMs: number): Activity[] =>
  Array.from({ length: n }, (_, i) => ({ marketoGUID: `g${from + i}`, leadId: 1, activityTypeId: 1, activityDate: iso(from + i * everyMs) }));

describe('history estimate from sample pages', () => {
  it('a first page that holds everything is the count', () => {
    const model = HistoryModel.fromSamples([{ since: iso(T0), activities: run(120, T0 + DAY, MIN), moreResult: false }], T0 + 30 * DAY);
    expect(Math.round(model.total)).to.equal(120);
  });

  it('an even history: the first page stretched over the span, and samples agreeing', () => {
    const now = T0 + 30 * DAY;
    const every = 10 * MIN; // 144 a day, 4,320 in 30 days
    const [p1, p2] = samplePoints(iso(T0), now);
    const model = HistoryModel.fromSamples(
      [
        { since: iso(T0), activities: run(300, T0, every), moreResult: true },
        { since: p1, activities: run(300, Date.parse(p1), every), moreResult: true },
        { since: p2, activities: run(300, Date.parse(p2), every), moreResult: true },
      ],
      now,
    );
    expect(model.total / 4320).to.be.within(0.95, 1.05);
    // Half-way, about half is ahead.
    expect(model.between(T0 + 15 * DAY, now) / 2160).to.be.within(0.9, 1.1);
  });

  it('a burst at the start is not stretched over the months after it when a later sample says they are quiet', () => {
    const now = T0 + 300 * DAY;
    const [p1, p2] = samplePoints(iso(T0), now);
    const model = HistoryModel.fromSamples(
      [
        { since: iso(T0), activities: run(300, T0, 1000), moreResult: true },
        { since: p1, activities: [], moreResult: false },
        { since: p2, activities: [], moreResult: false },
      ],
      now,
    );
    expect(model.total).to.equal(300);
  });
});

describe('live lead ids estimated from the probe', () => {
  const estimate = async (live: (id: number) => boolean) => {
    const seen = new Map<number, boolean>();
    const { highestId } = await probeHighestLeadId(async (ids) => ids.filter(live), seen);
    return { model: new LiveIdEstimate(seen, highestId), highestId };
  };

  it('counts dense ids exactly, and nothing above the highest', async () => {
    const { model, highestId } = await estimate((id) => id <= 5000);
    expect(highestId).to.equal(5000);
    expect(Math.round(model.between(1, 5000))).to.equal(5000);
    expect(model.between(5001, 100_000)).to.equal(0);
  });

  it('leaves out a deleted range, within a factor of 2', async () => {
    const live = (id: number) => id <= 10_000 || (id > 90_000 && id <= 100_000);
    const { model } = await estimate(live);
    expect(model.between(1, 100_000) / 20_000).to.be.within(0.5, 2);
  });
});
