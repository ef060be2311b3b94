import { expect } from 'chai';
import { LeadChangeCompanies } from '../../source-marketo/streams/lead-change-companies';
import { ReadContext } from '../../source-marketo/streams/stream';

/** A read context whose Describe Company lists `company` and whose leads' current company is `current`. */
function context(current: Record<number, string | null>, lookups: number[][]): ReadContext {
  const endpoints = {
    describeCompany: () =>
      Promise.resolve({
        fields: [
          { name: 'externalCompanyId', dataType: 'string', updateable: false },
          { name: 'company', dataType: 'string', updateable: true },
        ],
      }),
    getLeadsByIds: (ids: number[]) => {
      lookups.push(ids);
      return Promise.resolve(ids.filter((id) => id in current).map((id) => ({ id, externalCompanyId: current[id] })));
    },
  };
  return { endpoints, log: () => undefined } as unknown as ReadContext;
}

const change = (id: number, second: number, name: string, newValue: string, oldValue: string | null) => ({
  marketoGUID: String(id),
  id,
  leadId: 7,
  activityDate: `2026-01-01T00:00:${String(second).padStart(2, '0')}Z`,
  activityTypeId: 13,
  fields: [{ id: 1, name, newValue, oldValue }],
});

describe('lead_changes: the company of a company field change', () => {
  // Lead 7 moved from A to B at :05 and from B to C at :20; its company was renamed at :10, when it belonged to B.
  const pages = {
    early: [change(1, 5, 'externalCompanyId', 'B', 'A')],
    rename: [change(2, 10, 'company', 'Bee Inc', 'Bee')],
    late: [change(3, 20, 'externalCompanyId', 'C', 'B')],
  };

  it('from the link changes the sync read, whatever the order of its time windows, without Get Leads', async () => {
    const lookups: number[][] = [];
    const companies = new LeadChangeCompanies(context({ 7: 'C' }, lookups));
    const records: Record<string, unknown>[][] = [pages.late, pages.rename, pages.early].map((page) => page.map((r) => ({ ...r })));
    const corrections: Record<string, unknown>[] = [];
    for (const page of records) corrections.push(...(await companies.attribute(page, () => true)));
    expect(records[1][0].externalCompanyId).to.equal('B');
    expect(corrections).to.deep.equal([]);
    expect(lookups).to.deep.equal([]);
    expect('externalCompanyId' in records[0][0]).to.equal(false); // a change of the link itself carries none
  });

  it('from Get Leads when none is read yet, corrected (emitted again) when a later page shows the lead moved after the change', async () => {
    const lookups: number[][] = [];
    const companies = new LeadChangeCompanies(context({ 7: 'C' }, lookups));
    const records: Record<string, unknown>[][] = [pages.rename, pages.early, pages.late].map((page) => page.map((r) => ({ ...r })));
    expect(await companies.attribute(records[0], () => true)).to.deep.equal([]);
    expect(records[0][0].externalCompanyId).to.equal('C'); // its current company, for now
    expect(lookups).to.deep.equal([[7]]);
    // The move at :05 (A to B) comes next: at :10 the lead belonged to B.
    const corrected = await companies.attribute(records[1], () => true);
    expect(corrected.map((r) => [r.marketoGUID, r.externalCompanyId])).to.deep.equal([['2', 'B']]);
    expect(await companies.attribute(records[2], () => true)).to.deep.equal([]);
    expect(lookups).to.have.length(1);
  });
});
