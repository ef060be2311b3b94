import { expect } from 'chai';
import { MAX_LEAD_ID } from '../../marketo/constants';
import { probeHighestLeadId, probeIds } from '../../source-marketo/streams/lead-id-probe';

/** Get Leads by id over a database whose live ids are those `live` accepts: the probe's only window on Marketo. */
function database(live: (id: number) => boolean) {
  const calls: number[][] = [];
  return {
    calls,
    existing: async (ids: number[]) => {
      expect(ids.length).to.be.within(1, 300);
      calls.push(ids);
      return ids.filter(live);
    },
  };
}

/** About 30 % of ids deleted, deterministically. */
const holes = (id: number) => (id * 2654435761) % 100 >= 30;

describe('highest lead id probe', () => {
  it('spreads 300 distinct ids geometrically above the floor, up to the largest lead id', () => {
    const ids = probeIds(1000);
    expect(ids).to.have.length(300);
    expect(ids.slice(0, 10)).to.deep.equal([1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009, 1010]);
    expect(new Set(ids).size).to.equal(300);
    expect(ids.every((id, i) => i === 0 || id > ids[i - 1])).to.equal(true);
    expect(ids[ids.length - 1]).to.be.at.most(MAX_LEAD_ID);
    expect(probeIds(MAX_LEAD_ID)).to.deep.equal([]);
  });

  // Exact call counts, whatever the history: the New Lead walk it replaces read every New Lead
  // activity of its window (about 1,700 calls after a 500,000-lead import).
  const cases: Array<[string, (id: number) => boolean, number, number]> = [
    ['an empty database', () => false, 0, 1],
    ['one lead', (id) => id === 1, 1, 2],
    ['300 leads', (id) => id <= 300, 300, 3],
    ['100,000 leads', (id) => id <= 100_000, 100_000, 4],
    ['500,000 leads, 30 % deleted', (id) => id <= 500_000 && holes(id), 499_999, 5],
    ['5,000,000 leads', (id) => id <= 5_000_000, 5_000_000, 6],
    ['200,000,000 ids, 30 % deleted', (id) => id <= 200_000_000 && holes(id), 199_999_998, 8],
    ['a lead at the largest id', (id) => id <= 1000 || id === MAX_LEAD_ID, MAX_LEAD_ID, 1],
  ];
  for (const [name, live, highest, calls] of cases) {
    it(`finds the highest id of ${name} in ${calls} calls`, async () => {
      const db = database(live);
      expect(await probeHighestLeadId(db.existing)).to.deep.equal({ highestId: highest, calls });
      expect(db.calls).to.have.length(calls);
    });
  }
});
