import { DEFAULT_DAILY_QUOTA } from '../marketo/constants';

/** Marketo's names for the endpoints the source calls, as its REST reference lists them. */
const ENDPOINT_NAMES: Record<string, string> = {
  'GET /rest/v1/activities/types.json': 'Get Activity Types',
  'GET /rest/v1/activities/pagingtoken.json': 'Get Paging Token',
  'GET /rest/v1/activities.json': 'Get Lead Activities',
  'GET /rest/v1/activities/leadchanges.json': 'Get Lead Changes',
  'GET /rest/v1/activities/deletedleads.json': 'Get Deleted Leads',
  'GET /rest/v1/leads/describe.json': 'Describe Lead',
  'GET /rest/v1/companies/describe.json': 'Describe Company',
  'GET /rest/v1/leads.json': 'Get Leads',
};

/**
 * What a sync cost, for the closing LOG: calls per endpoint and, when the user said how often the
 * platform runs the sync (`expected_syncs_per_day`), what syncs like this one cost a day out of the
 * subscription's daily quota, which every integration shares.
 */
export function callReport(callsByEndpoint: Record<string, number>, expectedSyncsPerDay?: number): string {
  const entries = Object.entries(callsByEndpoint).filter(([, n]) => n > 0);
  const total = entries.reduce((sum, [, n]) => sum + n, 0);
  const parts = entries.map(([endpoint, n]) => `${ENDPOINT_NAMES[endpoint] ?? endpoint} ${n}`);
  let report = `API calls: ${total}${parts.length > 0 ? ` (${parts.join(', ')})` : ''}.`;
  if (expectedSyncsPerDay !== undefined) {
    const perDay = total * expectedSyncsPerDay;
    const share = ((perDay / DEFAULT_DAILY_QUOTA) * 100).toFixed(1);
    report += ` At ${expectedSyncsPerDay} syncs a day (expected_syncs_per_day), syncs like this one cost ${perDay.toLocaleString('en-US')} calls a day: ${share} % of Marketo's default daily quota of ${DEFAULT_DAILY_QUOTA.toLocaleString('en-US')}.`;
  }
  return report;
}
