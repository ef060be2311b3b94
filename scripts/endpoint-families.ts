/**
 * Calls by endpoint with the export id in a bulk call's path folded to `/export/{id}/`: every job's
 * status polls, enqueues and file downloads are one endpoint each, as the docs quote them.
 */
export function byEndpointFamily(byEndpoint: Record<string, number>): Record<string, number> {
  const families: Record<string, number> = {};
  for (const [k, v] of Object.entries(byEndpoint)) {
    const family = k.replace(/\/export\/[0-9a-f-]{36}\//, '/export/{id}/');
    families[family] = (families[family] ?? 0) + v;
  }
  return families;
}
