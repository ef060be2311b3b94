import { expect } from 'chai';
import { callReport } from '../../source-marketo/call-report';

describe('callReport', () => {
  it('names the endpoints and projects the daily cost when told the syncs per day', () => {
    const calls = { 'GET /rest/v1/activities.json': 4, 'GET /rest/v1/activities/pagingtoken.json': 1, 'GET /rest/v1/leads/describe.json': 1 };
    expect(callReport(calls)).to.equal('API calls: 6 (Get Lead Activities 4, Get Paging Token 1, Describe Lead 1).');
    expect(callReport(calls, 96)).to.equal(
      "API calls: 6 (Get Lead Activities 4, Get Paging Token 1, Describe Lead 1). At 96 syncs a day (expected_syncs_per_day), syncs like this one cost 576 calls a day: 1.2 % of Marketo's default daily quota of 50,000.",
    );
  });
});
