import { expect } from 'chai';
import * as sinon from 'sinon';
import { MarketoClient } from '../../marketo/client';
import { parseConnection } from '../../marketo/config';
import * as errors from '../../marketo/errors';

const TOKEN = { access_token: 'tok-1:ab', token_type: 'bearer', expires_in: 3599, scope: 'api@x.com' };

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

function clientWith(fetchFn: sinon.SinonStub, extra: Record<string, unknown> = {}): MarketoClient {
  const connection = parseConnection({ domain_url: 'https://123-ABC-456.mktorest.com', client_id: 'id-123', client_secret: 'secret-456', ...extra });
  // A 606 waits a quarter of the rate window: 2 ms of this one.
  return new MarketoClient(connection, { fetchFn: fetchFn as unknown as typeof fetch, retry: { baseDelayMs: 1, maxDelayMs: 2 }, rateWindowMs: 8 });
}

/** A fetch stub answering the identity endpoint with TOKEN and REST calls from `answers` in order. */
function marketo(...answers: Array<() => Response | Promise<Response>>): sinon.SinonStub {
  const stub = sinon.stub();
  let i = 0;
  stub.callsFake(async (url: URL) => {
    if (String(url).includes('/identity/oauth/token')) return json(TOKEN);
    const answer = answers[Math.min(i++, answers.length - 1)];
    return answer();
  });
  return stub;
}

const restCalls = (stub: sinon.SinonStub) => stub.getCalls().filter((c) => !String(c.args[0]).includes('/identity/'));

describe('MarketoClient', () => {
  it('sends the token as a bearer header, never in the query, and reads the envelope', async () => {
    const stub = marketo(() => json({ requestId: 'a#b', success: true, result: [{ id: 1 }] }));
    const envelope = await clientWith(stub).get('/rest/v1/activities/types.json');
    expect(envelope.result).to.deep.equal([{ id: 1 }]);
    const [url, init] = restCalls(stub)[0].args;
    expect(String(url)).to.equal('https://123-abc-456.mktorest.com/rest/v1/activities/types.json');
    expect(init.headers.Authorization).to.equal('Bearer tok-1:ab');
  });

  it('treats a missing result as an empty page', async () => {
    const stub = marketo(() => json({ requestId: 'a#b', success: true, moreResult: true, nextPageToken: 'T' }));
    const envelope = await clientWith(stub).get('/rest/v1/activities.json');
    expect(envelope.result).to.deep.equal([]);
    expect(envelope.nextPageToken).to.equal('T');
  });

  it('renews the token on 601/602 and retries the same request', async () => {
    const stub = marketo(
      () => json({ success: false, errors: [{ code: '602', message: 'Access token expired' }] }),
      () => json({ success: true, result: [{ ok: true }] }),
    );
    const client = clientWith(stub);
    const envelope = await client.get('/rest/v1/leads/describe.json');
    expect(envelope.result).to.deep.equal([{ ok: true }]);
    expect(client.tokens.tokensFetched).to.equal(2);
    expect(restCalls(stub)).to.have.length(2);
  });

  for (const [code, label] of [
    ['606', 'rate limit'],
    ['615', 'concurrency'],
    ['604', 'timeout'],
    ['608', 'unavailable'],
    ['611', 'system error'],
    ['713', 'transient'],
  ]) {
    it(`retries ${code} (${label}) and then succeeds`, async () => {
      const stub = marketo(
        () => json({ success: false, errors: [{ code, message: label }] }),
        () => json({ success: true, result: [] }),
      );
      const client = clientWith(stub);
      await client.get('/rest/v1/activities.json');
      expect(restCalls(stub)).to.have.length(2);
      expect(client.callsMade).to.equal(2);
    });
  }

  it('retries HTTP 5xx and connection resets', async () => {
    const stub = marketo(
      () => new Response('<html>Bad Gateway</html>', { status: 502 }),
      () => Promise.reject(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } })),
      () => json({ success: true, result: [] }),
    );
    await clientWith(stub).get('/rest/v1/activities.json');
    expect(restCalls(stub)).to.have.length(3);
  });

  it('gives up on a transient error after the retry budget, with a typed error', async () => {
    const stub = marketo(() => json({ success: false, errors: [{ code: '606', message: 'Max rate limit' }] }));
    const err = await clientWith(stub)
      .get('/rest/v1/activities.json')
      .catch((e) => e);
    expect(err).to.be.instanceOf(errors.MarketoTransientError);
    expect(restCalls(stub)).to.have.length(8);
  });

  it('after a 606 the refused call waits a quarter of the rate window whatever the retry policy says, and the others start one at a time', async () => {
    const calls: Array<{ path: string; start: number; end?: number }> = [];
    let refused = false;
    const stub = sinon.stub().callsFake(async (url: URL) => {
      if (String(url).includes('/identity/oauth/token')) return json(TOKEN);
      const call: { path: string; start: number; end?: number } = { path: new URL(String(url)).pathname, start: Date.now() };
      calls.push(call);
      await new Promise((r) => setTimeout(r, 10));
      call.end = Date.now();
      if (!refused) {
        refused = true;
        return json({ success: false, errors: [{ code: '606', message: "Max rate limit '100' exceeded with in '20' secs" }] });
      }
      return json({ success: true, result: [] });
    });
    const connection = parseConnection({ domain_url: 'https://123-ABC-456.mktorest.com', client_id: 'id', client_secret: 'secret' });
    const client = new MarketoClient(connection, { fetchFn: stub as unknown as typeof fetch, retry: { baseDelayMs: 1, maxDelayMs: 2 }, rateWindowMs: 400 });
    const first = client.get('/rest/v1/activities.json');
    await new Promise((r) => setTimeout(r, 20)); // the 606 is in
    await Promise.all([first, client.get('/rest/v1/leads.json'), client.get('/rest/v1/leads.json')]);
    const refusedAt = calls[0].end!;
    const [probe, after] = calls.filter((c) => c.path === '/rest/v1/leads.json');
    // No call starts for a tenth of the window (40 ms); then one alone, and the rest once it was let through.
    expect(probe.start - refusedAt).to.be.at.least(38);
    expect(after.start).to.be.at.least(probe.end!);
    // The refused call is retried a quarter of the window (100 ms) later, not after the policy's 2 ms.
    const retried = calls.filter((c) => c.path === '/rest/v1/activities.json')[1];
    expect(retried.start - refusedAt).to.be.at.least(95);
  });

  it('does not retry what cannot succeed: 603, 607, 1003', async () => {
    const cases: Array<[string, new (...args: never[]) => Error]> = [
      ['603', errors.MarketoAccessDeniedError],
      ['607', errors.MarketoQuotaExhaustedError],
      ['1003', errors.MarketoRequestError],
    ];
    for (const [code, type] of cases) {
      const stub = marketo(() => json({ success: false, errors: [{ code, message: 'no' }] }));
      const err = await clientWith(stub)
        .get('/rest/v1/leads.json')
        .catch((e) => e);
      expect(err, code).to.be.instanceOf(type);
      expect(restCalls(stub), code).to.have.length(1);
    }
  });

  it('a 603 names the role permission the call needs: read or write, by object', async () => {
    const denied = () => json({ success: false, errors: [{ code: '603', message: 'Access denied' }] });
    const cases: Array<['GET' | 'POST', string, string]> = [
      ['GET', '/rest/v1/activities/deletedleads.json', 'Read-Only Activity'],
      ['GET', '/rest/v1/activities/types.json', 'Read-Only Activity'],
      ['GET', '/rest/v1/leads.json', 'Read-Only Lead'],
      ['GET', '/rest/v1/leads/describe.json', 'Read-Only Lead'],
      ['POST', '/rest/v1/leads.json', 'Read-Write Lead'],
      ['POST', '/rest/v1/leads/delete.json', 'Read-Write Lead'],
      ['POST', '/rest/v1/companies/sync.json', 'Read-Write Company'],
      ['GET', '/rest/v1/customobjects/car_c.json', 'Read-Only Custom Object'],
      ['POST', '/bulk/v1/leads/export/create.json', 'Read-Only Lead'],
    ];
    for (const [method, path, permission] of cases) {
      const err = await clientWith(marketo(denied))
        .request(method, path)
        .catch((e) => e);
      expect(err, path).to.be.instanceOf(errors.MarketoAccessDeniedError);
      expect(err.message, `${method} ${path}`).to.contain(`Give the API user's role the '${permission}' permission`);
    }
    // A long GET goes as POST with _method=GET: still a read.
    const longQuery = { filterType: 'id', filterValues: Array.from({ length: 2000 }, (_, i) => i + 1) };
    const err = await clientWith(marketo(denied))
      .get('/rest/v1/leads.json', { query: longQuery })
      .catch((e) => e);
    expect(err.message).to.contain("'Read-Only Lead'");
  });

  it('reports bad credentials as a config error without the secret', async () => {
    const stub = sinon.stub().resolves(json({ error: 'invalid_client', error_description: 'Bad client credentials' }, 401));
    const err = await clientWith(stub)
      .get('/rest/v1/leads.json')
      .catch((e) => e);
    expect(err).to.be.instanceOf(errors.MarketoConfigError);
    expect(err.message).to.contain('Bad client credentials');
    expect(err.message).not.to.contain('secret-456');
  });

  it('sends long field lists as POST with _method=GET, and retries a 414 that way', async () => {
    const stub = marketo(() => json({ success: true, result: [] }));
    const fields = Array.from({ length: 800 }, (_, i) => `customField${i}`);
    await clientWith(stub).get('/rest/v1/activities/leadchanges.json', { query: { nextPageToken: 'T', fields } });
    const [url, init] = restCalls(stub)[0].args;
    expect(String(url)).to.equal('https://123-abc-456.mktorest.com/rest/v1/activities/leadchanges.json?_method=GET');
    expect(init.method).to.equal('POST');
    expect(init.headers['Content-Type']).to.equal('application/x-www-form-urlencoded');
    expect(new URLSearchParams(init.body).get('fields')).to.equal(fields.join(','));

    const again = marketo(
      () => new Response('', { status: 414 }),
      () => json({ success: true, result: [] }),
    );
    await clientWith(again).get('/rest/v1/leads.json', { query: { filterType: 'id', filterValues: [1, 2] } });
    expect(restCalls(again).map((c) => c.args[1].method)).to.deep.equal(['GET', 'POST']);
  });

  it('stops at daily_call_budget before making the call', async () => {
    const stub = marketo(() => json({ success: true, result: [] }));
    const client = clientWith(stub, { daily_call_budget: 2 });
    await client.get('/rest/v1/activities.json');
    await client.get('/rest/v1/activities.json');
    const err = await client.get('/rest/v1/activities.json').catch((e) => e);
    expect(err).to.be.instanceOf(errors.CallBudgetExhaustedError);
    expect(restCalls(stub)).to.have.length(2);
    expect(client.callsByEndpoint).to.deep.equal({ 'GET /rest/v1/activities.json': 2 });
  });
});
