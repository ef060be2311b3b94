import * as fs from 'node:fs';

/**
 * The baseline the bench compares the source against: the same activities paged from the same
 * sandbox with nothing but fetch, JSON.parse and JSON.stringify to /dev/null. Type groups are
 * walked one after the other, as the simplest correct client would.
 * Usage: node bench-baseline.js <url> <clientId> <clientSecret> <sinceDatetime> <typeIds,comma-separated>
 */
async function main(): Promise<void> {
  const [url, clientId, clientSecret, since, typeList] = process.argv.slice(2);
  const typeIds = typeList.split(',');
  const token = (await (
    await fetch(`${url}/identity/oauth/token?grant_type=client_credentials&client_id=${clientId}&client_secret=${clientSecret}`)
  ).json()) as { access_token: string };
  const headers = { Authorization: `Bearer ${token.access_token}` };
  const out = fs.openSync('/dev/null', 'w');
  let records = 0;
  for (let i = 0; i < typeIds.length; i += 10) {
    const paging = (await (await fetch(`${url}/rest/v1/activities/pagingtoken.json?sinceDatetime=${encodeURIComponent(since)}`, { headers })).json()) as {
      nextPageToken: string;
    };
    let next = paging.nextPageToken;
    for (;;) {
      const query = `nextPageToken=${encodeURIComponent(next)}&activityTypeIds=${typeIds.slice(i, i + 10).join(',')}&batchSize=300`;
      const page = JSON.parse(await (await fetch(`${url}/rest/v1/activities.json?${query}`, { headers })).text());
      const lines: string[] = [];
      for (const data of page.result ?? []) lines.push(JSON.stringify({ type: 'RECORD', record: { stream: 'activities', data, emitted_at: Date.now() } }));
      if (lines.length) fs.writeSync(out, lines.join('\n') + '\n');
      records += lines.length;
      next = page.nextPageToken;
      if (!page.moreResult) break;
    }
  }
  process.stdout.write(JSON.stringify({ records }) + '\n');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
