import { expect } from 'chai';
import { request as httpRequest } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSandbox, decodePagingToken, type Sandbox, type SandboxOptions } from '../../sandbox';
import { describedField, type Json, SandboxClient, tokenFor } from '../harness/sandbox-client';

// ---------------------------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------------------------

const ALL_TYPE_GROUPS = (sb: Sandbox): number[][] => {
  const ids = sb.activityTypes().map((t) => t.id);
  const groups: number[][] = [];
  for (let i = 0; i < ids.length; i += 10) groups.push(ids.slice(i, i + 10));
  return groups;
};

function byDateThenId(a: Json, b: Json): number {
  return a.activityDate < b.activityDate ? -1 : a.activityDate > b.activityDate ? 1 : a.id - b.id;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

const REQUEST_ID = /^[0-9a-f]{1,5}#[0-9a-f]{11}$/;

// ---------------------------------------------------------------------------------------------

describe('sandbox', function () {
  this.timeout(30_000);

  describe('with defaults', () => {
    let sb: Sandbox;
    let client: SandboxClient;

    before(async () => {
      sb = await startSandbox({ rateLimit: null });
      client = await SandboxClient.connect(sb);
    });
    after(async () => sb.close());
    afterEach(() => sb.faults.clear());

    describe('identity', () => {
      it('issues a bearer token scoped to the API user, and reuses it with a lower expires_in', async () => {
        const url = `${sb.url}/identity/oauth/token?grant_type=client_credentials&client_id=${sb.clientId}&client_secret=${sb.clientSecret}`;
        const first = (await (await fetch(url)).json()) as Json;
        expect(first).to.have.all.keys('access_token', 'token_type', 'expires_in', 'scope');
        expect(first.access_token).to.match(/^[0-9a-f-]{36}:sb$/);
        expect(first.token_type).to.equal('bearer');
        expect(first.scope).to.equal('api@sandbox.example.com');
        expect(first.expires_in).to.be.within(3590, 3599);
        const again = (await (await fetch(url, { method: 'POST' })).json()) as Json;
        expect(again.access_token).to.equal(first.access_token);
        expect(again.expires_in).to.be.at.most(first.expires_in);
      });

      it('answers 401 invalid_client for bad credentials and 400 without grant_type', async () => {
        const bad = await fetch(`${sb.url}/identity/oauth/token?grant_type=client_credentials&client_id=${sb.clientId}&client_secret=nope`);
        expect(bad.status).to.equal(401);
        expect(await bad.json()).to.deep.equal({ error: 'invalid_client', error_description: 'Bad client credentials' });
        const missing = await fetch(`${sb.url}/identity/oauth/token?client_id=${sb.clientId}&client_secret=${sb.clientSecret}`);
        expect(missing.status).to.equal(400);
        expect(((await missing.json()) as Json).error).to.equal('invalid_request');
      });

      it('does not count identity calls', async () => {
        sb.counters.reset();
        await tokenFor(sb);
        expect(sb.counters.total()).to.equal(0);
      });
    });

    describe('authentication of REST calls', () => {
      it('601 without Authorization, 600 for an empty bearer, 601 for an unknown token', async () => {
        const none = (await (await fetch(`${sb.url}/rest/v1/activities/types.json`)).json()) as Json;
        expect(none.success).to.equal(false);
        expect(none.errors).to.deep.equal([{ code: '601', message: 'Access token invalid' }]);
        const empty = (await (await fetch(`${sb.url}/rest/v1/activities/types.json`, { headers: { Authorization: 'Bearer ' } })).json()) as Json;
        expect(empty.errors[0].code).to.equal('600');
        const unknown = (await (await fetch(`${sb.url}/rest/v1/activities/types.json`, { headers: { Authorization: 'Bearer abc:sb' } })).json()) as Json;
        expect(unknown.errors[0].code).to.equal('601');
      });

      it('treats the deprecated access_token parameter as no token', async () => {
        const res = (await (await fetch(`${sb.url}/rest/v1/activities/types.json?access_token=${client.token}`)).json()) as Json;
        expect(res.errors[0].code).to.equal('601');
      });
    });

    describe('envelope', () => {
      it('has requestId and success, no errors/warnings keys, and the Marketo content type', async () => {
        const res = await client.raw('/rest/v1/activities/types.json');
        expect(res.status).to.equal(200);
        expect(res.headers.get('content-type')).to.equal('application/json;charset=UTF-8');
        const body = (await res.json()) as Json;
        expect(body.requestId).to.match(REQUEST_ID);
        expect(body.success).to.equal(true);
        expect(body).to.not.have.any.keys('errors', 'warnings');
        expect(body.result).to.be.an('array');
      });

      it('answers errors with HTTP 200, success:false and a quoted code', async () => {
        const res = await client.raw('/rest/v1/nothing-here.json');
        expect(res.status).to.equal(200);
        const body = (await res.json()) as Json;
        expect(body).to.have.all.keys('requestId', 'success', 'errors');
        expect(body.errors).to.deep.equal([{ code: '610', message: 'Requested resource not found' }]);
      });

      it('answers a plain HTTP 404 outside the API, and 605 for a POST to a read endpoint', async () => {
        expect((await fetch(`${sb.url}/index.html`)).status).to.equal(404);
        const body = (await (await client.raw('/rest/v1/activities/types.json', { method: 'POST' })).json()) as Json;
        expect(body.errors[0].code).to.equal('605');
      });

      it('gzips large bodies for clients that accept gzip', async () => {
        const headers = await new Promise<Record<string, unknown>>((resolve, reject) => {
          const req = httpRequest(
            `${sb.url}/rest/v1/leads/describe.json`,
            { headers: { Authorization: `Bearer ${client.token}`, 'Accept-Encoding': 'gzip' } },
            (res) => {
              res.resume();
              resolve(res.headers);
            },
          );
          req.on('error', reject);
          req.end();
        });
        expect(headers['content-encoding']).to.equal('gzip');
      });
    });

    describe('metadata', () => {
      it('serves the recorded 100-field Describe Lead, plus the read-only field of its segmentation', async () => {
        const body = await client.get('/rest/v1/leads/describe.json');
        const recorded = JSON.parse(readFileSync(join(__dirname, '../../sandbox/data/describe-lead.json'), 'utf8')) as Json;
        expect(body.result).to.have.length(101);
        expect(body.result.slice(0, 100)).to.deep.equal(recorded.result);
        expect(body.result[100]).to.deep.equal(
          describedField(recorded.result, { name: 'segmentation_region', displayName: 'Region Segmentation', dataType: 'string', length: 255, readOnly: true }),
        );
      });

      it('lists standard activity types and one custom type with apiNames', async () => {
        const body = await client.get('/rest/v1/activities/types.json');
        const ids = (body.result as Json[]).map((t) => t.id);
        expect(ids).to.include.members([1, 2, 6, 7, 10, 11, 12, 13, 22, 24, 32, 37, 46, 104, 100001]);
        const custom = (body.result as Json[]).find((t) => t.id === 100001) as Json;
        expect(custom.apiName).to.be.a('string');
        expect(custom.attributes.every((a: Json) => typeof a.apiName === 'string')).to.equal(true);
        const visit = (body.result as Json[]).find((t) => t.id === 1) as Json;
        expect(visit.primaryAttribute).to.deep.equal({ name: 'Webpage ID', dataType: 'integer' });
      });
    });

    describe('paging token', () => {
      it('accepts Z, ±hh:mm, ±hhmm, minutes-only and date-only, answering only a token', async () => {
        for (const since of ['2026-01-05T00:00:00Z', '2026-01-05T01:00:00+01:00', '2026-01-04T19:00:00-0500', '2026-01-04T16:00-0800', '2026-01-05']) {
          const body = await client.get(`/rest/v1/activities/pagingtoken.json?sinceDatetime=${encodeURIComponent(since)}`);
          expect(body, since).to.have.all.keys('requestId', 'success', 'nextPageToken');
          // All of these denote 2026-01-05T00:00:00Z.
          expect(decodePagingToken(body.nextPageToken as string)?.ms, since).to.equal(Date.parse('2026-01-05T00:00:00.999Z'));
        }
      });

      it('is base32 of "<datetime>,<id>" like real Marketo tokens', async () => {
        const token = await client.pagingToken('2026-01-05T00:00:00Z');
        expect(token).to.match(/^[A-Z2-7]+=*$/);
        expect(Buffer.from(token, 'utf8').length % 8).to.equal(0);
      });

      it('rejects an unparsable or unencoded-plus date (1001) and a missing one (1002)', async () => {
        const bad = await client.get('/rest/v1/activities/pagingtoken.json?sinceDatetime=yesterday');
        expect(bad.errors[0].code).to.equal('1001');
        const plus = await client.get('/rest/v1/activities/pagingtoken.json?sinceDatetime=2026-01-05T00:00:00+01:00');
        expect(plus.errors[0].code).to.equal('1001');
        const missing = await client.get('/rest/v1/activities/pagingtoken.json');
        expect(missing.errors).to.deep.equal([{ code: '1002', message: "Missing value for required parameter 'sinceDatetime'" }]);
      });
    });

    describe('Get Lead Activities', () => {
      it('pages through every activity: exact count, ascending, no duplicates, always a token', async () => {
        const start = await client.pagingToken('2026-01-01T00:00:00Z');
        const seen: Json[] = [];
        for (const group of ALL_TYPE_GROUPS(sb)) {
          const { items } = await client.walk((t) => `/rest/v1/activities.json?nextPageToken=${t}&activityTypeIds=${group.join(',')}`, start);
          const sorted = [...items].sort(byDateThenId);
          expect(items.map((a) => a.id)).to.deep.equal(sorted.map((a) => a.id));
          seen.push(...items);
        }
        const expected = [...sb.activities()];
        expect(seen).to.have.length(expected.length);
        expect(new Set(seen.map((a) => a.marketoGUID)).size).to.equal(seen.length);
        expect(new Set(seen.map((a) => a.id))).to.deep.equal(new Set(expected.map((a) => a.id)));
        const byId = new Map(expected.map((a) => [a.id, a]));
        for (const a of seen) expect(a).to.deep.equal(byId.get(a.id));
      });

      it('serves activities in Marketo shape, with second-resolution dates and many per second', async () => {
        const all = [...sb.activities()];
        expect(all).to.have.length(2000);
        for (const a of all) {
          expect(a.activityDate).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
          expect(a.marketoGUID).to.equal(String(a.id));
          expect(a.attributes.every((x) => x.value !== '' && x.value !== null)).to.equal(true);
        }
        const perSecond = new Map<string, number>();
        for (const a of all) perSecond.set(a.activityDate, (perSecond.get(a.activityDate) ?? 0) + 1);
        expect(Math.max(...perSecond.values())).to.be.at.least(10);
        const types = new Set(all.map((a) => a.activityTypeId));
        for (const t of [12, 13, 32, 37]) expect(types.has(t), `type ${t}`).to.equal(true);
      });

      it('omits result on an empty page but still returns a token and moreResult', async () => {
        const token = await client.pagingToken('2030-01-01T00:00:00Z');
        const body = await client.get(`/rest/v1/activities.json?nextPageToken=${token}&activityTypeIds=1`);
        expect(body.success).to.equal(true);
        expect(body).to.not.have.property('result');
        expect(body.moreResult).to.equal(false);
        expect(body.nextPageToken).to.be.a('string');
      });

      it('finds activities appended after the last page with the last token', async () => {
        const start = await client.pagingToken('2026-01-01T00:00:00Z');
        const types = '1,2,6,7,10,11,12,13,22,24';
        const first = await client.walk((t) => `/rest/v1/activities.json?nextPageToken=${t}&activityTypeIds=${types}`, start);
        const added = sb.addActivities(40, { typeIds: [1, 13] });
        expect(added).to.have.length(40);
        const second = await client.walk((t) => `/rest/v1/activities.json?nextPageToken=${t}&activityTypeIds=${types}`, first.token);
        expect(second.items.map((a) => a.id)).to.deep.equal(added.map((a) => a.id));
        const third = await client.walk((t) => `/rest/v1/activities.json?nextPageToken=${t}&activityTypeIds=${types}`, second.token);
        expect(third.items).to.have.length(0);
      });

      it('accepts the repeated form of activityTypeIds and filters by leadIds', async () => {
        const start = await client.pagingToken('2026-01-01T00:00:00Z');
        const repeated = await client.walk((t) => `/rest/v1/activities.json?nextPageToken=${t}&activityTypeIds=1&activityTypeIds=12`, start);
        const comma = await client.walk((t) => `/rest/v1/activities.json?nextPageToken=${t}&activityTypeIds=1,12`, start);
        expect(repeated.items).to.deep.equal(comma.items);
        const leadIds = [3, 5, 8];
        const filtered = await client.walk((t) => `/rest/v1/activities.json?nextPageToken=${t}&activityTypeIds=1,13&leadIds=${leadIds.join(',')}`, start);
        const expected = [...sb.activities()].filter((a) => [1, 13].includes(a.activityTypeId) && leadIds.includes(a.leadId));
        expect(filtered.items.map((a) => a.id)).to.deep.equal(expected.map((a) => a.id));
      });

      it('honours batchSize and validates parameters', async () => {
        const start = await client.pagingToken('2026-01-01T00:00:00Z');
        const page = await client.get(`/rest/v1/activities.json?nextPageToken=${start}&activityTypeIds=1&batchSize=7`);
        expect(page.result).to.have.length(7);
        expect(page.moreResult).to.equal(true);
        const tooMany = await client.get(`/rest/v1/activities.json?nextPageToken=${start}&activityTypeIds=1,2,3,4,5,6,7,8,9,10,11`);
        expect(tooMany.errors[0].code).to.equal('1003');
        const noTypes = await client.get(`/rest/v1/activities.json?nextPageToken=${start}`);
        expect(noTypes.errors[0].code).to.equal('1002');
        const noToken = await client.get('/rest/v1/activities.json?activityTypeIds=1');
        expect(noToken.errors[0]).to.deep.equal({ code: '1002', message: "Missing value for required parameter 'nextPageToken'" });
        const badToken = await client.get('/rest/v1/activities.json?activityTypeIds=1&nextPageToken=garbage');
        expect(badToken.errors[0].code).to.equal('1001');
        const manyLeads = Array.from({ length: 31 }, (_, i) => i + 1).join(',');
        const tooManyLeads = await client.get(`/rest/v1/activities.json?nextPageToken=${start}&activityTypeIds=1&leadIds=${manyLeads}`);
        expect(tooManyLeads.errors[0].code).to.equal('1003');
      });
    });

    describe('Get Lead Changes and Get Deleted Leads', () => {
      it('returns only New Lead and Change Data Value, with fields filtered to the requested names', async () => {
        const start = await client.pagingToken('2026-01-01T00:00:00Z');
        const wanted = ['email', 'firstName', 'leadStatus'];
        const { items } = await client.walk((t) => `/rest/v1/activities/leadchanges.json?nextPageToken=${t}&fields=${wanted.join(',')}`, start);
        expect(items.length).to.be.greaterThan(0);
        for (const item of items) {
          expect([12, 13]).to.include(item.activityTypeId);
          if (item.activityTypeId === 12) {
            expect(item).to.not.have.property('fields');
            expect(item.primaryAttributeValueId).to.equal(item.leadId);
          } else {
            expect(item.fields).to.have.length(1);
            expect(wanted).to.include(item.fields[0].name);
            expect(item.fields[0]).to.have.all.keys('id', 'name', 'newValue', 'oldValue');
            expect(item).to.not.have.property('primaryAttributeValue');
          }
        }
        const expected = [...sb.leadChanges(wanted)];
        expect(items).to.deep.equal(JSON.parse(JSON.stringify(expected)));
        const changed13 = items.filter((i) => i.activityTypeId === 13);
        expect(new Set(changed13.map((i) => i.fields[0].name))).to.deep.equal(new Set(wanted));
      });

      it('requires fields (1002) and rejects unknown ones (1006)', async () => {
        const start = await client.pagingToken('2026-01-01T00:00:00Z');
        const missing = await client.get(`/rest/v1/activities/leadchanges.json?nextPageToken=${start}`);
        expect(missing.errors[0]).to.deep.equal({ code: '1002', message: "Missing value for required parameter 'fields'" });
        const unknown = await client.get(`/rest/v1/activities/leadchanges.json?nextPageToken=${start}&fields=email,noSuchField`);
        expect(unknown.errors[0].code).to.equal('1006');
      });

      it('keeps leads consistent with the changes: old value = previous new value, lead = last new value', async () => {
        const fields = sb.leadFields().flatMap((f) => (f.rest ? [f.rest.name] : []));
        const last = new Map<string, string | null>();
        for (const change of sb.leadChanges(fields)) {
          if (!change.fields) continue;
          const f = change.fields[0];
          if (!f) continue;
          const key = `${change.leadId}:${f.name}`;
          if (last.has(key)) expect(f.oldValue, key).to.equal(last.get(key));
          expect(f.newValue).to.not.equal(f.oldValue);
          last.set(key, f.newValue);
        }
        const leads = new Map(sb.leads().map((l) => [l.id, l]));
        for (const [key, value] of last) {
          const [id, field] = key.split(':') as [string, string];
          const current = leads.get(Number(id))?.[field];
          expect(current === undefined || current === null ? null : String(current), key).to.equal(value);
        }
      });

      it('returns Delete Lead activities from deletedleads.json', async () => {
        const start = await client.pagingToken('2026-01-01T00:00:00Z');
        const { items } = await client.walk((t) => `/rest/v1/activities/deletedleads.json?nextPageToken=${t}`, start);
        const expected = [...sb.activities()].filter((a) => a.activityTypeId === 37);
        expect(items.map((a) => a.id)).to.deep.equal(expected.map((a) => a.id));
        expect(items.length).to.be.greaterThan(0);
        const liveIds = new Set(sb.leads().map((l) => l.id));
        for (const d of items) expect(liveIds.has(d.leadId)).to.equal(false);
      });
    });

    describe('long requests', () => {
      it('answers 414 for a URI over 8 KB, and the same query as POST _method=GET succeeds', async () => {
        const start = await client.pagingToken('2026-01-01T00:00:00Z');
        const fields = sb.leadFields().flatMap((f) => (f.rest ? [f.rest.name] : []));
        const longFields = Array.from({ length: 12 }, () => fields)
          .flat()
          .join(',');
        const query = `nextPageToken=${start}&fields=${longFields}&batchSize=50`;
        expect(query.length).to.be.greaterThan(8192);
        const tooLong = await client.raw(`/rest/v1/activities/leadchanges.json?${query}`);
        expect(tooLong.status).to.equal(414);
        const asPost = await client.raw('/rest/v1/activities/leadchanges.json?_method=GET', {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: query,
        });
        expect(asPost.status).to.equal(200);
        const body = (await asPost.json()) as Json;
        expect(body.success, JSON.stringify(body)).to.equal(true);
        expect(body.result).to.have.length(50);
      });

      it('accepts _method=GET inside the form body, counted as a GET', async () => {
        sb.counters.reset();
        const res = await client.raw('/rest/v1/activities/types.json', {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: '_method=GET',
        });
        expect(((await res.json()) as Json).success).to.equal(true);
        expect(sb.counters.byEndpoint()).to.deep.equal({ 'GET /rest/v1/activities/types.json': 1 });
      });

      it('answers 413 for a body over 1 MB', async () => {
        const res = await client.raw('/rest/v1/activities/types.json?_method=GET', {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: `x=${'a'.repeat(1024 * 1024 + 10)}`,
        });
        expect(res.status).to.equal(413);
      });
    });

    describe('faults', () => {
      it('error: answers the envelope error, then recovers', async () => {
        sb.faults.inject({ kind: 'error', code: '606' });
        const first = await client.get('/rest/v1/activities/types.json');
        expect(first.errors).to.deep.equal([{ code: '606', message: "Max rate limit '100' exceeded with in '20' secs" }]);
        const second = await client.get('/rest/v1/activities/types.json');
        expect(second.success).to.equal(true);
      });

      it('http: answers the status with an HTML body, `times` times', async () => {
        sb.faults.inject({ kind: 'http', status: 503, times: 2 });
        const a = await client.raw('/rest/v1/activities/types.json');
        const b = await client.raw('/rest/v1/activities/types.json');
        const c = await client.raw('/rest/v1/activities/types.json');
        expect([a.status, b.status, c.status]).to.deep.equal([503, 503, 200]);
        expect(await a.text()).to.contain('<html>');
      });

      it('drop: the connection closes without an answer', async () => {
        sb.faults.inject({ kind: 'drop' });
        let error: unknown;
        try {
          await client.raw('/rest/v1/activities/types.json');
        } catch (err) {
          error = err;
        }
        expect(error).to.be.instanceOf(Error);
        expect((await client.get('/rest/v1/activities/types.json')).success).to.equal(true);
      });

      it('slow: answers after the delay', async () => {
        sb.faults.inject({ kind: 'slow', ms: 300 });
        const t0 = Date.now();
        const body = await client.get('/rest/v1/activities/types.json');
        expect(Date.now() - t0).to.be.at.least(290);
        expect(body.success).to.equal(true);
      });

      it('emptyPage: no result, moreResult:true and the same token; only on paged activity calls', async () => {
        sb.faults.inject({ kind: 'emptyPage' });
        const start = await client.pagingToken('2026-01-01T00:00:00Z'); // not consumed here
        const empty = await client.get(`/rest/v1/activities.json?nextPageToken=${start}&activityTypeIds=1`);
        expect(empty).to.not.have.property('result');
        expect(empty.moreResult).to.equal(true);
        expect(empty.nextPageToken).to.equal(start);
        const next = await client.get(`/rest/v1/activities.json?nextPageToken=${start}&activityTypeIds=1`);
        expect(next.result).to.have.length.greaterThan(0);
      });

      it('path: only matching requests consume the fault', async () => {
        sb.faults.inject({ kind: 'error', code: '611', path: /describe/ });
        expect((await client.get('/rest/v1/activities/types.json')).success).to.equal(true);
        const hit = await client.get('/rest/v1/leads/describe.json');
        expect(hit.errors[0]).to.deep.equal({ code: '611', message: 'System error' });
        expect(sb.faults.pending()).to.have.length(0);
      });

      it('identity calls are only faulted by a fault whose path targets them', async () => {
        sb.faults.inject({ kind: 'http', status: 502, path: /identity/ });
        const res = await fetch(`${sb.url}/identity/oauth/token?grant_type=client_credentials&client_id=${sb.clientId}&client_secret=${sb.clientSecret}`);
        expect(res.status).to.equal(502);
      });
    });

    describe('counters', () => {
      it('count calls by endpoint and error code, and track windows', async () => {
        sb.counters.reset();
        await client.get('/rest/v1/activities/types.json');
        await client.get('/rest/v1/activities/types.json');
        await client.get('/rest/v1/leads/describe.json');
        await fetch(`${sb.url}/rest/v1/leads/describe.json`); // 601
        expect(sb.counters.total()).to.equal(4);
        expect(sb.counters.byEndpoint()).to.deep.equal({
          'GET /rest/v1/activities/types.json': 2,
          'GET /rest/v1/leads/describe.json': 2,
        });
        expect(sb.counters.errorsByCode()).to.include({ '601': 1, '606': 0, '615': 0 });
        expect(sb.counters.maxCallsInAnyWindow()).to.equal(4);
        expect(sb.counters.maxConcurrentSeen()).to.be.at.least(1);
        const calls = sb.counters.calls();
        expect(calls).to.have.length(4);
        expect(calls[3]).to.include({ method: 'GET', path: '/rest/v1/leads/describe.json', code: '601', status: 200 });
        expect(calls[0].endedAt).to.be.at.least(calls[0].startedAt);
        sb.counters.reset();
        expect(sb.counters.total()).to.equal(0);
      });

      it('count Get Lead Activities calls by the types they ask for (ids sorted), so that a walk over Delete Lead alone is told apart', async () => {
        const token = await client.pagingToken('2030-01-01T00:00:00Z');
        sb.counters.reset();
        await client.get(`/rest/v1/activities.json?nextPageToken=${token}&activityTypeIds=37`);
        await client.get(`/rest/v1/activities.json?nextPageToken=${token}&activityTypeIds=37`);
        await client.get(`/rest/v1/activities.json?nextPageToken=${token}&activityTypeIds=13,1,6`);
        await client.get(`/rest/v1/activities.json?nextPageToken=${token}&activityTypeIds=1&activityTypeIds=6&activityTypeIds=13`);
        await client.get('/rest/v1/activities/types.json');
        expect(sb.counters.byActivityTypeIds()).to.deep.equal({ '37': 2, '1,6,13': 2 });
        const overHttp = (await (await fetch(`${sb.url}/__sandbox/counters`)).json()) as Json;
        expect(overHttp.byActivityTypeIds).to.deep.equal({ '37': 2, '1,6,13': 2 });
      });
    });

    describe('admin endpoints', () => {
      it('expose counters, faults, token expiry, activities and counter reset over HTTP', async () => {
        await fetch(`${sb.url}/__sandbox/reset-counters`, { method: 'POST' });
        await client.get('/rest/v1/activities/types.json');
        const counters = (await (await fetch(`${sb.url}/__sandbox/counters`)).json()) as Json;
        expect(counters.total).to.equal(1);
        expect(counters.byEndpoint).to.deep.equal({ 'GET /rest/v1/activities/types.json': 1 });

        const queued = await fetch(`${sb.url}/__sandbox/faults`, {
          method: 'POST',
          body: JSON.stringify({ kind: 'error', code: '604', path: 'types\\.json$' }),
        });
        expect(((await queued.json()) as Json).queued).to.equal(1);
        expect((await client.get('/rest/v1/activities/types.json')).errors[0].code).to.equal('604');

        const before = sb.activityCount();
        const added = (await (await fetch(`${sb.url}/__sandbox/activities`, { method: 'POST', body: JSON.stringify({ n: 5, typeIds: [46] }) })).json()) as Json;
        expect(added.added).to.equal(5);
        expect(added.activities.every((a: Json) => a.activityTypeId === 46)).to.equal(true);
        expect(sb.activityCount()).to.equal(before + 5);

        await fetch(`${sb.url}/__sandbox/expire-tokens`, { method: 'POST' });
        expect((await client.get('/rest/v1/activities/types.json')).errors[0].code).to.equal('602');
        client.token = await tokenFor(sb);
        expect((await client.get('/rest/v1/activities/types.json')).success).to.equal(true);

        const afterAdmin = (await (await fetch(`${sb.url}/__sandbox/counters`)).json()) as Json;
        expect(afterAdmin.total).to.equal(4); // admin calls are not counted
      });
    });
  });

  describe('token expiry', () => {
    let sb: Sandbox;
    before(async () => {
      sb = await startSandbox({ tokenTtlSeconds: 2, activityCount: 10, leadCount: 5 });
    });
    after(async () => sb.close());

    it('answers 602 once the token lifetime is over, then issues a new token', async () => {
      const client = await SandboxClient.connect(sb);
      expect((await client.get('/rest/v1/activities/types.json')).success).to.equal(true);
      await sleep(2100);
      const expired = await client.get('/rest/v1/activities/types.json');
      expect(expired.errors).to.deep.equal([{ code: '602', message: 'Access token expired' }]);
      const fresh = await tokenFor(sb);
      expect(fresh).to.not.equal(client.token);
      client.token = fresh;
      expect((await client.get('/rest/v1/activities/types.json')).success).to.equal(true);
    });
  });

  describe('limits', () => {
    async function withSandbox(options: SandboxOptions, body: (sb: Sandbox, client: SandboxClient) => Promise<void>): Promise<void> {
      const sb = await startSandbox({ activityCount: 50, leadCount: 10, ...options });
      try {
        await body(sb, await SandboxClient.connect(sb));
      } finally {
        await sb.close();
      }
    }

    it('606 when a small rate limit is exceeded, with the limit in the message', async () => {
      await withSandbox({ rateLimit: { calls: 5, windowMs: 1000 } }, async (sb, client) => {
        const codes: (string | undefined)[] = [];
        for (let i = 0; i < 7; i++) codes.push((await client.get('/rest/v1/activities/types.json')).errors?.[0]?.code);
        expect(codes).to.deep.equal([undefined, undefined, undefined, undefined, undefined, '606', '606']);
        const refused = await client.get('/rest/v1/activities/types.json');
        expect(refused.errors[0].message).to.equal("Max rate limit '5' exceeded with in '1' secs");
        expect(sb.counters.errorsByCode()['606']).to.equal(3);
        await sleep(1100);
        expect((await client.get('/rest/v1/activities/types.json')).success).to.equal(true);
        expect(sb.counters.maxCallsInAnyWindow(1000)).to.be.at.least(8);
      });
    });

    it('615 when more calls are in flight than the concurrency limit', async () => {
      await withSandbox({ concurrencyLimit: 2, latencyMs: 200 }, async (sb, client) => {
        const results = await Promise.all(Array.from({ length: 5 }, () => client.get('/rest/v1/activities/types.json')));
        const ok = results.filter((r) => r.success).length;
        const refused = results.filter((r) => r.errors?.[0]?.code === '615');
        expect(ok).to.equal(2);
        expect(refused).to.have.length(3);
        expect(refused[0].errors[0].message).to.equal('Concurrent access limit reached');
        expect(sb.counters.maxConcurrentSeen()).to.be.within(3, 5);
        expect(sb.counters.errorsByCode()['615']).to.equal(3);
      });
    });

    it('latency applies to every admitted call', async () => {
      await withSandbox({ latencyMs: 150 }, async (_sb, client) => {
        const t0 = Date.now();
        await client.get('/rest/v1/activities/types.json');
        expect(Date.now() - t0).to.be.at.least(140);
      });
    });

    it('607 once the daily quota is used', async () => {
      await withSandbox({ dailyQuota: 100 }, async (sb, client) => {
        sb.setDailyCallsUsed(99);
        expect((await client.get('/rest/v1/activities/types.json')).success).to.equal(true);
        const refused = await client.get('/rest/v1/activities/types.json');
        expect(refused.errors).to.deep.equal([{ code: '607', message: 'Daily quota reached' }]);
        expect(sb.dailyCallsUsed()).to.equal(100);
      });
    });

    it('no limit applies when disabled', async () => {
      await withSandbox({ rateLimit: null, concurrencyLimit: null, dailyQuota: null }, async (_sb, client) => {
        const results = await Promise.all(Array.from({ length: 150 }, () => client.get('/rest/v1/activities/types.json')));
        expect(results.every((r) => r.success)).to.equal(true);
      });
    });
  });

  describe('determinism and options', () => {
    async function snapshot(options: SandboxOptions): Promise<string> {
      const sb = await startSandbox(options);
      try {
        return JSON.stringify({ activities: [...sb.activities()], leads: sb.leads() });
      } finally {
        await sb.close();
      }
    }

    it('same seed gives the same data byte for byte; another seed differs', async () => {
      const a = await snapshot({ seed: 7, activityCount: 3000, leadCount: 50 });
      const b = await snapshot({ seed: 7, activityCount: 3000, leadCount: 50 });
      const c = await snapshot({ seed: 8, activityCount: 3000, leadCount: 50 });
      expect(a).to.equal(b);
      expect(a).to.not.equal(c);
    });

    it('starts activities at startDate and generates leads 1..leadCount', async () => {
      const sb = await startSandbox({ startDate: '2025-06-01T12:00:00Z', activityCount: 100, leadCount: 30 });
      try {
        const all = [...sb.activities()];
        expect(all[0].activityDate).to.equal('2025-06-01T12:00:00Z');
        expect(sb.leads().map((l) => l.id)).to.deep.equal(Array.from({ length: 30 }, (_, i) => i + 1));
        for (const lead of sb.leads()) expect(lead).to.include.keys('email', 'firstName', 'lastName', 'company', 'createdAt', 'updatedAt');
      } finally {
        await sb.close();
      }
    });

    it('sinceDatetimeInclusive decides whether activities at exactly sinceDatetime are returned', async () => {
      for (const inclusive of [false, true]) {
        const sb = await startSandbox({ sinceDatetimeInclusive: inclusive, activityCount: 200, leadCount: 20 });
        try {
          const client = await SandboxClient.connect(sb);
          const first = [...sb.activities()][0];
          const token = await client.pagingToken(first.activityDate);
          const items: Json[] = [];
          for (const group of ALL_TYPE_GROUPS(sb)) {
            const walked = await client.walk((t) => `/rest/v1/activities.json?nextPageToken=${t}&activityTypeIds=${group.join(',')}`, token);
            items.push(...walked.items);
          }
          const atSecond = items.filter((a) => a.activityDate === first.activityDate);
          if (inclusive) expect(atSecond.length, 'inclusive').to.be.greaterThan(0);
          else expect(atSecond, 'exclusive').to.have.length(0);
        } finally {
          await sb.close();
        }
      }
    });

    it('late-arriving activities (dated before the token) are not returned by a later token, as in Marketo', async () => {
      const sb = await startSandbox({ activityCount: 100, leadCount: 10, rateLimit: null });
      try {
        const client = await SandboxClient.connect(sb);
        const start = await client.pagingToken('2026-01-01T00:00:00Z');
        const first = await client.walk((t) => `/rest/v1/activities.json?nextPageToken=${t}&activityTypeIds=1`, start);
        const late = sb.addActivities(3, { at: '2026-01-05T00:00:00Z', typeIds: [1] });
        expect(late.every((a) => a.activityDate.startsWith('2026-01-05T00:00'))).to.equal(true);
        const again = await client.walk((t) => `/rest/v1/activities.json?nextPageToken=${t}&activityTypeIds=1`, first.token);
        expect(again.items).to.have.length(0);
        const full = await client.walk((t) => `/rest/v1/activities.json?nextPageToken=${t}&activityTypeIds=1`, start);
        expect(full.items.map((a) => a.id)).to.include.members(late.map((a) => a.id));
      } finally {
        await sb.close();
      }
    });

    it('acceptQueryToken accepts the deprecated access_token parameter', async () => {
      const sb = await startSandbox({ acceptQueryToken: true, activityCount: 10, leadCount: 5 });
      try {
        const token = await tokenFor(sb);
        const body = (await (await fetch(`${sb.url}/rest/v1/activities/types.json?access_token=${token}`)).json()) as Json;
        expect(body.success).to.equal(true);
      } finally {
        await sb.close();
      }
    });

    it('decodes a real Marketo paging token', () => {
      expect(decodePagingToken('GIYDAOBNGEYS2MBWKQYDAORQGA5DAMBOGAYDAKZQGAYDALBRGA3TQ===')).to.deep.equal({
        ms: Date.parse('2008-11-06T00:00:00Z'),
        id: 1078,
      });
    });

    it('omitActivityIds leaves id out while marketoGUID stays unique', async () => {
      const sb = await startSandbox({ omitActivityIds: true, activityCount: 50, leadCount: 10 });
      try {
        const all = [...sb.activities()];
        expect(all.every((a) => a.id === undefined)).to.equal(true);
        expect(new Set(all.map((a) => a.marketoGUID)).size).to.equal(50);
      } finally {
        await sb.close();
      }
    });

    it('serves a page of 300 of a million activities quickly', async function () {
      this.timeout(60_000);
      const sb = await startSandbox({ activityCount: 1_000_000, leadCount: 2000, rateLimit: null });
      try {
        const client = await SandboxClient.connect(sb);
        const start = await client.pagingToken('2026-01-01T00:00:00Z');
        let token = start;
        const times: number[] = [];
        for (let i = 0; i < 30; i++) {
          const t0 = process.hrtime.bigint();
          const page = await client.get(`/rest/v1/activities.json?nextPageToken=${token}&activityTypeIds=1,2,6,7,10,11,12,13,22,24`);
          times.push(Number(process.hrtime.bigint() - t0) / 1e6);
          expect(page.result).to.have.length(300);
          token = page.nextPageToken as string;
        }
        times.sort((a, b) => a - b);
        // Client-side time includes fetch and JSON parsing in this same process.
        expect(times[15]).to.be.below(25);
        expect(sb.activityCount()).to.equal(1_000_000);
      } finally {
        await sb.close();
      }
    });
  });
});
