import { expect } from 'chai';
import type { Sandbox } from '../../sandbox';

/** A Marketo envelope (or any JSON answer) as the tests read it. */
export type Json = Record<string, any>;

/** An access token of the sandbox's API user, fetched the way Marketo's identity endpoint serves one. */
export async function tokenFor(sb: Sandbox): Promise<string> {
  const res = await fetch(`${sb.url}/identity/oauth/token?grant_type=client_credentials&client_id=${sb.clientId}&client_secret=${sb.clientSecret}`);
  return ((await res.json()) as Json).access_token as string;
}

/**
 * The tests' own small client of the sandbox's REST API: raw HTTP with a bearer token, so a test
 * sees exactly what Marketo's answer would be (no retries, no throttle, no envelope handling).
 */
export class SandboxClient {
  constructor(
    readonly sb: Sandbox,
    public token: string,
  ) {}

  /** A client with a fresh token (of the subclass it is called on, for a test that adds endpoints by name). */
  static async connect<C extends SandboxClient>(this: new (sb: Sandbox, token: string) => C, sb: Sandbox): Promise<C> {
    return new this(sb, await tokenFor(sb));
  }

  raw(path: string, init: RequestInit = {}): Promise<Response> {
    return fetch(this.sb.url + path, {
      ...init,
      headers: { Authorization: `Bearer ${this.token}`, ...(init.headers as Record<string, string> | undefined) },
    });
  }

  async get(path: string, headers: Record<string, string> = {}): Promise<Json> {
    return (await (await this.raw(path, { headers })).json()) as Json;
  }

  /** A POST with a JSON body, or with none when `body` is undefined. */
  async post(path: string, body?: unknown): Promise<Json> {
    const init: RequestInit =
      body === undefined ? { method: 'POST' } : { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
    return (await (await this.raw(path, init)).json()) as Json;
  }

  async postForm(path: string, form: string): Promise<Json> {
    return (await (await this.raw(path, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: form })).json()) as Json;
  }

  /** Sync Leads with `input` (and `action`, `lookupField`, ... in `extra`). */
  sync(input: unknown[], extra: Json = {}): Promise<Json> {
    return this.post('/rest/v1/leads.json', { ...extra, input });
  }

  /** Get Leads by Filter Type, expecting success. */
  async leads(query: string): Promise<Json[]> {
    const body = await this.get(`/rest/v1/leads.json?${query}`);
    expect(body.success, JSON.stringify(body)).to.equal(true);
    return body.result as Json[];
  }

  /** Every page of a position-paged read. */
  async pages(pathAndQuery: string): Promise<Json[]> {
    const pages: Json[] = [];
    let token: string | undefined;
    do {
      const body = await this.get(`${pathAndQuery}${token ? `&nextPageToken=${encodeURIComponent(token)}` : ''}`);
      expect(body.success, JSON.stringify(body)).to.equal(true);
      pages.push(body);
      token = body.moreResult ? (body.nextPageToken as string) : undefined;
    } while (token);
    return pages;
  }

  async pagingToken(since: string): Promise<string> {
    const body = await this.get(`/rest/v1/activities/pagingtoken.json?sinceDatetime=${encodeURIComponent(since)}`);
    expect(body.success, JSON.stringify(body)).to.equal(true);
    return body.nextPageToken as string;
  }

  /** Pages a paging-token walk until moreResult is false; returns the items, the last token and the number of pages. */
  async walk(pathAndQuery: (token: string) => string, startToken: string): Promise<{ items: Json[]; token: string; pages: number }> {
    const items: Json[] = [];
    let token = startToken;
    let pages = 0;
    for (;;) {
      const body = await this.get(pathAndQuery(token));
      expect(body.success, JSON.stringify(body)).to.equal(true);
      expect(body.nextPageToken).to.be.a('string');
      pages++;
      if (body.result) items.push(...(body.result as Json[]));
      token = body.nextPageToken as string;
      if (!body.moreResult) return { items, token, pages };
      if (pages > 10000) throw new Error('too many pages');
    }
  }

  /** Every item of a paging-token walk of `path` from `since` (`extra`: more query parameters, each with a leading &). */
  async walkSince(path: string, since: string, extra = ''): Promise<Json[]> {
    const start = await this.pagingToken(since);
    return (await this.walk((token) => `${path}?nextPageToken=${token}${extra}`, start)).items;
  }
}

/** A lead field as Describe Lead lists it, the same name in REST and SOAP, its id next after the highest of `fields`. */
export function describedField(fields: Json[], field: { name: string; displayName: string; dataType: string; length: number; readOnly: boolean }): Json {
  const { name, displayName, dataType, length, readOnly } = field;
  return { id: Math.max(...fields.map((f) => f.id)) + 1, displayName, dataType, length, rest: { name, readOnly }, soap: { name, readOnly } };
}
