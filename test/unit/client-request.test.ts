import { expect } from 'chai';
import { CodeMeaning, codeMeaning, envelopeError, StatusMeaning, statusMeaning } from '../../marketo/answer-meaning';
import { clientOverridesFromEnv } from '../../marketo/env-overrides';
import { buildRequest, encodeQuery, endpointName } from '../../marketo/http-request';

const DOMAIN = 'https://123-abc-456.mktorest.com';

describe('What an HTTP status means to the client', () => {
  const table: Array<[number, StatusMeaning]> = [
    [200, 'envelope'],
    [414, 'long-uri'],
    [500, 'retry'],
    [502, 'retry'],
    [503, 'retry'],
    [504, 'retry'],
    [401, 'credentials'],
    [403, 'credentials'],
    [404, 'no-such-path'],
    [400, 'unexpected'],
    [301, 'unexpected'],
    [206, 'unexpected'],
    [429, 'unexpected'],
  ];
  for (const [status, meaning] of table) {
    it(`HTTP ${status}: ${meaning}`, () => expect(statusMeaning(status)).to.equal(meaning));
  }
});

describe('What a Marketo error code means to the client', () => {
  const table: Array<[CodeMeaning, string[]]> = [
    ['token', ['600', '601', '602']],
    ['retry', ['500', '502', '604', '606', '608', '611', '614', '615', '713', '719']],
    ['quota', ['607']],
    ['access-denied', ['603']],
    ['refused', ['605', '609', '610', '1003', '1029', 'unknown']],
  ];
  for (const [meaning, codes] of table) {
    for (const code of codes) it(`${code}: ${meaning}`, () => expect(codeMeaning(code)).to.equal(meaning));
  }
});

describe('The error an envelope reports', () => {
  const table: Array<[string, Parameters<typeof envelopeError>[0], ReturnType<typeof envelopeError>]> = [
    ['a success', { success: true, result: [] } as never, undefined],
    ['a success that also lists errors', { success: true, errors: [{ code: '1003', message: 'x' }] }, undefined],
    ['success:false with a numeric code', { success: false, errors: [{ code: 606, message: 'Max rate limit' }] }, { code: '606', message: 'Max rate limit' }],
    ['errors without success', { errors: [{ code: '601', message: 'Access token invalid' }] }, { code: '601', message: 'Access token invalid' }],
    ['success:false without errors', { success: false }, { code: 'unknown', message: 'success:false without errors' }],
    ['an empty error list without success', { errors: [] }, undefined],
    [
      'the first of several errors',
      {
        success: false,
        errors: [
          { code: '1003', message: 'a' },
          { code: '1004', message: 'b' },
        ],
      },
      { code: '1003', message: 'a' },
    ],
  ];
  for (const [name, envelope, expected] of table) {
    it(name, () => expect(envelopeError(envelope)).to.deep.equal(expected));
  }
});

describe('Building a REST request', () => {
  const longList = Array.from({ length: 800 }, (_, i) => `customField${i}`);
  const table: Array<{
    name: string;
    args: Parameters<typeof buildRequest>;
    url: string;
    method: 'GET' | 'POST';
    contentType?: string;
    body?: string;
  }> = [
    {
      name: 'a GET carries its query in the URL and no body',
      args: [DOMAIN, 'GET', '/rest/v1/leads.json', { query: { filterType: 'id', filterValues: [1, 2], fields: undefined } }, 'tok'],
      url: `${DOMAIN}/rest/v1/leads.json?filterType=id&filterValues=1%2C2`,
      method: 'GET',
    },
    {
      name: 'a GET past the URI threshold goes as POST with _method=GET and a form body',
      args: [DOMAIN, 'GET', '/rest/v1/activities/leadchanges.json', { query: { nextPageToken: 'T', fields: longList } }, 'tok'],
      url: `${DOMAIN}/rest/v1/activities/leadchanges.json?_method=GET`,
      method: 'POST',
      contentType: 'application/x-www-form-urlencoded',
      body: encodeQuery({ nextPageToken: 'T', fields: longList }),
    },
    {
      name: 'a short GET after a 414 goes as POST with _method=GET too',
      args: [DOMAIN, 'GET', '/rest/v1/leads.json', { query: { filterType: 'id', filterValues: [1] } }, 'tok', true],
      url: `${DOMAIN}/rest/v1/leads.json?_method=GET`,
      method: 'POST',
      contentType: 'application/x-www-form-urlencoded',
      body: 'filterType=id&filterValues=1',
    },
    {
      name: 'a POST with JSON sends it as the body',
      args: [DOMAIN, 'POST', '/rest/v1/leads.json', { json: { action: 'createOrUpdate', input: [{ email: 'a@b.c' }] } }, 'tok'],
      url: `${DOMAIN}/rest/v1/leads.json`,
      method: 'POST',
      contentType: 'application/json',
      body: '{"action":"createOrUpdate","input":[{"email":"a@b.c"}]}',
    },
    {
      name: 'a POST with a long query is never turned into _method=GET',
      args: [DOMAIN, 'POST', '/rest/v1/leads/delete.json', { query: { id: longList.join(',') } }, 'tok'],
      url: `${DOMAIN}/rest/v1/leads/delete.json?${encodeQuery({ id: longList.join(',') })}`,
      method: 'POST',
    },
  ];
  for (const { name, args, url, method, contentType, body } of table) {
    it(name, () => {
      const request = buildRequest(...args);
      expect(request.url.href).to.equal(url);
      expect(request.method).to.equal(method);
      expect(request.headers.Authorization).to.equal('Bearer tok');
      expect(request.headers.Accept).to.equal('application/json');
      expect(request.headers['Content-Type']).to.equal(contentType);
      expect(request.body).to.equal(body);
    });
  }
});

describe('Endpoint names calls are counted under', () => {
  const table: Array<[string, string, string]> = [
    ['GET', '/rest/v1/activities.json', 'GET /rest/v1/activities.json'],
    ['GET', '/bulk/v1/activities/export/a1b2-c3/status.json', 'GET /bulk/v1/activities/export/{exportId}/status.json'],
    ['GET', '/bulk/v1/leads/export/a1b2-c3/file.json', 'GET /bulk/v1/leads/export/{exportId}/file.json'],
    ['POST', '/bulk/v1/leads/export/create.json', 'POST /bulk/v1/leads/export/create.json'],
  ];
  for (const [method, path, name] of table) {
    it(`${method} ${path}`, () => expect(endpointName(method, path)).to.equal(name));
  }
});

describe('Client settings from the environment', () => {
  const table: Array<[string, NodeJS.ProcessEnv, ReturnType<typeof clientOverridesFromEnv>]> = [
    ['none set: the defaults', {}, { retry: {} }],
    ['a shorter backoff', { MARKETO_RETRY_BASE_MS: '20', MARKETO_RETRY_MAX_MS: '200' }, { retry: { baseDelayMs: 20, maxDelayMs: 200 } }],
    ['a shorter rate window', { MARKETO_RATE_WINDOW_MS: '2000' }, { retry: {}, rateWindowMs: 2000 }],
    [
      'values that are not positive numbers are ignored',
      { MARKETO_RETRY_BASE_MS: '0', MARKETO_RETRY_MAX_MS: 'soon', MARKETO_RATE_WINDOW_MS: '-1' },
      { retry: {} },
    ],
  ];
  for (const [name, env, expected] of table) {
    it(name, () => expect(clientOverridesFromEnv(env)).to.deep.equal(expected));
  }
});
