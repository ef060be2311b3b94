import { MarketoConfigError, MarketoTransientError } from './errors';
import { TOKEN_REFRESH_MARGIN_MS } from './constants';

export interface AccessToken {
  value: string;
  expiresAt: number;
  scope?: string; // the API user owning the LaunchPoint service, e.g. sync@acme.com
}

export type FetchFn = typeof fetch;

/**
 * OAuth client-credentials tokens for one LaunchPoint service. The token is cached and renewed a
 * minute before it expires; concurrent callers share one renewal. Marketo may hand back an existing
 * token with only seconds left, so the margin shrinks for short-lived tokens instead of renewing
 * before every call.
 */
export class TokenProvider {
  private token: AccessToken | undefined;
  private pending: Promise<AccessToken> | undefined;
  private refreshMarginMs = TOKEN_REFRESH_MARGIN_MS;
  tokensFetched = 0;

  constructor(
    private readonly domainUrl: string,
    private readonly clientId: string,
    private readonly clientSecret: string,
    private readonly fetchFn: FetchFn = fetch,
    private readonly timeoutMs = 60_000,
  ) {}

  async get(): Promise<AccessToken> {
    if (this.token && Date.now() < this.token.expiresAt - this.refreshMarginMs) return this.token;
    return this.renew();
  }

  /** Forgets a token Marketo refused (601/602), so the next `get` fetches a fresh one. */
  invalidate(rejected: string): void {
    if (this.token?.value === rejected) this.token = undefined;
  }

  get scope(): string | undefined {
    return this.token?.scope;
  }

  private renew(): Promise<AccessToken> {
    if (!this.pending) {
      this.pending = this.fetchToken().finally(() => {
        this.pending = undefined;
      });
    }
    return this.pending;
  }

  private async fetchToken(): Promise<AccessToken> {
    const url = new URL(`${this.domainUrl}/identity/oauth/token`);
    url.searchParams.set('grant_type', 'client_credentials');
    url.searchParams.set('client_id', this.clientId);
    url.searchParams.set('client_secret', this.clientSecret);
    let response: Response;
    try {
      response = await this.fetchFn(url, { method: 'GET', signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err) {
      throw new MarketoTransientError(`Could not reach Marketo at ${this.domainUrl}: ${describeNetworkError(err)}`);
    }
    const text = await response.text();
    let body: Record<string, unknown> | undefined;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      body = undefined;
    }
    if (response.status === 401 || response.status === 400 || body?.error) {
      const reason = typeof body?.error_description === 'string' ? body.error_description : `HTTP ${response.status}`;
      throw new MarketoConfigError(
        `Marketo refused the client id and secret (${reason}). Check them in Admin > LaunchPoint > View Details, and that the API user is active.`,
      );
    }
    if (response.status >= 500) {
      throw new MarketoTransientError(`Marketo's identity service answered HTTP ${response.status}.`);
    }
    if (!body || typeof body.access_token !== 'string') {
      throw new MarketoConfigError(
        `${this.domainUrl} did not answer like a Marketo REST endpoint (HTTP ${response.status}, no access token). Check 'domain_url' (Admin > Web Services > REST API > Endpoint, without /rest).`,
      );
    }
    const expiresInMs = Math.max(0, Number(body.expires_in ?? 3600)) * 1000;
    this.refreshMarginMs = Math.min(TOKEN_REFRESH_MARGIN_MS, expiresInMs / 2);
    this.tokensFetched++;
    this.token = {
      value: body.access_token,
      expiresAt: Date.now() + expiresInMs,
      scope: typeof body.scope === 'string' ? body.scope : undefined,
    };
    return this.token;
  }
}

/** A short, secret-free description of a fetch failure (undici hides the cause one level down). */
export function describeNetworkError(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string; errors?: Array<{ code?: string }> } };
  if (e?.name === 'TimeoutError') return 'the request timed out';
  const cause = e?.cause;
  // "localhost" may resolve to both ::1 and 127.0.0.1: undici then reports an AggregateError.
  const code = cause?.code ?? cause?.errors?.find((x) => x.code)?.code;
  if (code && !cause?.code) return describeNetworkError({ cause: { code } });
  if (cause?.code === 'ENOTFOUND') return 'the host name does not resolve (check domain_url)';
  if (cause?.code === 'ECONNREFUSED') return 'the connection was refused (nothing listens there; check domain_url)';
  if (cause?.code) return `${cause.code}${cause.message ? ` (${cause.message})` : ''}`;
  if (cause?.message) return cause.message;
  return e?.message ?? String(err);
}
