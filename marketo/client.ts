import { Readable } from 'node:stream';
import { TokenProvider, FetchFn, describeNetworkError } from './auth';
import { Throttle } from './throttle';
import { MarketoConnection } from './config';
import { ACCESS_DENIED, DAILY_QUOTA_REACHED, LONG_URI_THRESHOLD, RATE_LIMIT_EXCEEDED, RATE_LIMIT_WINDOW_MS, TOKEN_ERRORS, TRANSIENT_CODES } from './constants';
import {
  CallBudgetExhaustedError,
  MarketoAccessDeniedError,
  MarketoConfigError,
  MarketoQuotaExhaustedError,
  MarketoRequestError,
  MarketoTransientError,
} from './errors';
import { permissionFor } from './permissions';

export interface MarketoEnvelope<T = Record<string, unknown>> {
  requestId?: string;
  success: boolean;
  result: T[]; // always an array here: Marketo omits `result` on empty pages
  moreResult?: boolean;
  nextPageToken?: string;
  warnings?: unknown[];
  errors?: Array<{ code: string; message: string }>;
}

export type QueryValue = string | number | boolean | undefined | null | Array<string | number>;

export interface RequestOptions {
  query?: Record<string, QueryValue>;
  json?: unknown; // JSON body (writes)
  timeoutMs?: number;
}

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface ClientOptions {
  fetchFn?: FetchFn;
  retry?: Partial<RetryPolicy>;
  /** Called for each retry, so a connector can tell the user why a sync slows down. */
  onRetry?: (info: { endpoint: string; attempt: number; delayMs: number; reason: string }) => void;
  requestTimeoutMs?: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 1000, maxDelayMs: 30_000 };

/** A Marketo answer that the client handles: retry, refresh the token, or fail with a typed error. */
class Attempt {
  constructor(
    readonly kind: 'retry' | 'token' | 'long-uri',
    readonly reason: string,
    readonly code?: string,
  ) {}
}

/**
 * The Marketo REST client both connectors share: token, throttle, retries, the envelope,
 * `_method=GET` for long URIs, and a count of every call per endpoint.
 */
export class MarketoClient {
  readonly tokens: TokenProvider;
  readonly throttle: Throttle;
  private readonly fetchFn: FetchFn;
  private readonly retry: RetryPolicy;
  private readonly callCounts = new Map<string, number>();
  private totalCalls = 0;
  retriesByReason = new Map<string, number>();

  constructor(
    readonly connection: MarketoConnection,
    private readonly options: ClientOptions = {},
  ) {
    this.fetchFn = options.fetchFn ?? fetch;
    this.tokens = new TokenProvider(connection.domainUrl, connection.clientId, connection.clientSecret, this.fetchFn);
    this.throttle = new Throttle(connection.maxCallsPer20s, connection.maxConcurrentCalls, rateWindowFromEnv());
    this.retry = { ...DEFAULT_RETRY, ...retryFromEnv(), ...options.retry };
  }

  /** REST calls made so far (token calls excluded: Marketo does not count them either). */
  get callsMade(): number {
    return this.totalCalls;
  }

  get callsByEndpoint(): Record<string, number> {
    return Object.fromEntries([...this.callCounts.entries()].sort((a, b) => b[1] - a[1]));
  }

  get budgetLeft(): number | undefined {
    return this.connection.dailyCallBudget === undefined ? undefined : Math.max(0, this.connection.dailyCallBudget - this.totalCalls);
  }

  async get<T = Record<string, unknown>>(path: string, options: RequestOptions = {}): Promise<MarketoEnvelope<T>> {
    return this.request<T>('GET', path, options);
  }

  async post<T = Record<string, unknown>>(path: string, options: RequestOptions = {}): Promise<MarketoEnvelope<T>> {
    return this.request<T>('POST', path, options);
  }

  async request<T>(method: 'GET' | 'POST', path: string, options: RequestOptions = {}): Promise<MarketoEnvelope<T>> {
    const endpoint = endpointName(method, path);
    let forcePostForm = false;
    let transientFailures = 0;
    let tokenRefreshes = 0;
    for (;;) {
      const outcome = await this.attempt<T>(method, path, options, forcePostForm);
      if (!(outcome instanceof Attempt)) return outcome;
      if (outcome.kind === 'long-uri') {
        forcePostForm = true;
        continue;
      }
      if (outcome.kind === 'token') {
        // A fresh token that is refused again means something else is wrong; do not loop.
        if (++tokenRefreshes > 3) throw new MarketoTransientError(`Marketo kept refusing fresh access tokens (${outcome.reason}).`, outcome.code, endpoint);
        continue;
      }
      transientFailures++;
      if (transientFailures >= this.retry.maxAttempts) {
        throw new MarketoTransientError(
          `Marketo kept failing on ${endpoint} after ${transientFailures} attempts (last: ${outcome.reason}). The next sync resumes from the saved state.`,
          outcome.code,
          endpoint,
        );
      }
      const delayMs = this.backoff(transientFailures, outcome.code);
      this.retriesByReason.set(outcome.reason, (this.retriesByReason.get(outcome.reason) ?? 0) + 1);
      this.options.onRetry?.({ endpoint, attempt: transientFailures, delayMs, reason: outcome.reason });
      await sleep(delayMs);
    }
  }

  /**
   * A GET whose answer is a file, not an envelope (bulk export files): counted, throttled and
   * retried like every call until the body starts; the throttle slot is held until the body has
   * been read or dropped. `start` asks for the bytes from that offset on (`Range`). A 404 is
   * returned, not thrown: for a bulk file it means "not ready" or "gone", which the caller tells.
   */
  async download(path: string, start = 0): Promise<{ status: number; body?: Readable }> {
    const endpoint = endpointName('GET', path);
    let transientFailures = 0;
    let tokenRefreshes = 0;
    for (;;) {
      const budget = this.connection.dailyCallBudget;
      if (budget !== undefined && this.totalCalls >= budget) {
        throw new CallBudgetExhaustedError(`The daily_call_budget of ${budget} calls is spent.`, undefined, endpoint);
      }
      const token = await this.tokens.get();
      const headers: Record<string, string> = { Authorization: `Bearer ${token.value}` };
      if (start > 0) headers.Range = `bytes=${start}-`;
      const release = await this.throttle.acquire();
      this.totalCalls++;
      this.callCounts.set(endpoint, (this.callCounts.get(endpoint) ?? 0) + 1);
      let reason: string;
      let code: string | undefined;
      try {
        const idle = new AbortController();
        const response = await this.fetchFn(new URL(`${this.connection.domainUrl}${path}`), { headers, signal: idle.signal });
        const type = response.headers.get('content-type') ?? '';
        if ((response.status === 200 || response.status === 206) && !/json/i.test(type) && response.body) {
          if (start > 0 && response.status !== 206) {
            release();
            throw new MarketoRequestError(`Marketo ignored the Range of ${endpoint}; the file cannot be resumed.`, '206', endpoint);
          }
          return {
            status: response.status,
            body: guardedBody(Readable.fromWeb(response.body as never), idle, release, this.options.requestTimeoutMs ?? 120_000),
          };
        }
        const text = await response.text();
        release();
        if (response.status === 404) return { status: 404 };
        if (response.status >= 500) {
          reason = `HTTP ${response.status}`;
          code = String(response.status);
        } else if (response.status === 401 || response.status === 403) {
          throw new MarketoConfigError(
            `Marketo refused the call to ${path} with HTTP ${response.status}. Check the API user's credentials and role.`,
            undefined,
            endpoint,
          );
        } else {
          // An envelope instead of the file: an error (token, limits) said the Marketo way.
          const envelope = safeJson(text) as MarketoEnvelope | undefined;
          const error = envelope?.errors?.[0];
          if (!error)
            throw new MarketoRequestError(`Marketo answered HTTP ${response.status} on ${endpoint} without a file.`, String(response.status), endpoint);
          code = String(error.code);
          reason = `${code} ${error.message}`;
          if (TOKEN_ERRORS.has(code)) {
            this.tokens.invalidate(token.value);
            if (++tokenRefreshes > 3) throw new MarketoTransientError(`Marketo kept refusing fresh access tokens (${reason}).`, code, endpoint);
            continue;
          }
          if (code === DAILY_QUOTA_REACHED)
            throw new MarketoQuotaExhaustedError(`Marketo's daily API quota for this subscription is spent (607 ${error.message}).`, code, endpoint);
          if (!TRANSIENT_CODES.has(code)) throw new MarketoRequestError(`Marketo refused ${endpoint}: ${reason}`, code, endpoint);
        }
      } catch (err) {
        if (
          err instanceof MarketoRequestError ||
          err instanceof MarketoConfigError ||
          err instanceof MarketoQuotaExhaustedError ||
          err instanceof MarketoTransientError
        )
          throw err;
        release();
        reason = `network error: ${describeNetworkError(err)}`;
      }
      if (++transientFailures >= this.retry.maxAttempts) {
        throw new MarketoTransientError(`Marketo kept failing on ${endpoint} after ${transientFailures} attempts (last: ${reason}).`, code, endpoint);
      }
      const delayMs = this.backoff(transientFailures, code);
      this.retriesByReason.set(reason, (this.retriesByReason.get(reason) ?? 0) + 1);
      this.options.onRetry?.({ endpoint, attempt: transientFailures, delayMs, reason });
      await sleep(delayMs);
    }
  }

  /** Full jitter; a 606 waits at least a good part of the rate window, since retrying sooner only fails again. */
  private backoff(failures: number, code?: string): number {
    const cap = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (failures - 1));
    const jittered = cap / 2 + Math.random() * (cap / 2);
    if (code === RATE_LIMIT_EXCEEDED) return Math.max(jittered, Math.min(this.retry.maxDelayMs, RATE_LIMIT_WINDOW_MS / 4, this.retry.baseDelayMs * 5));
    return jittered;
  }

  private async attempt<T>(method: 'GET' | 'POST', path: string, options: RequestOptions, forcePostForm: boolean): Promise<MarketoEnvelope<T> | Attempt> {
    const endpoint = endpointName(method, path);
    const budget = this.connection.dailyCallBudget;
    if (budget !== undefined && this.totalCalls >= budget) {
      throw new CallBudgetExhaustedError(`The daily_call_budget of ${budget} calls is spent.`, undefined, endpoint);
    }
    const token = await this.tokens.get();
    const url = new URL(`${this.connection.domainUrl}${path}`);
    const queryString = encodeQuery(options.query ?? {});
    const headers: Record<string, string> = { Authorization: `Bearer ${token.value}`, Accept: 'application/json' };
    let body: string | undefined;
    let httpMethod: string = method;
    if (method === 'GET' && (forcePostForm || url.href.length + queryString.length + 1 > LONG_URI_THRESHOLD)) {
      // Marketo's documented way around its 8 KB URI limit.
      httpMethod = 'POST';
      url.search = '_method=GET';
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      body = queryString;
    } else {
      url.search = queryString;
      if (options.json !== undefined) {
        headers['Content-Type'] = 'application/json';
        body = JSON.stringify(options.json);
      }
    }

    const release = await this.throttle.acquire();
    this.totalCalls++;
    this.callCounts.set(endpoint, (this.callCounts.get(endpoint) ?? 0) + 1);
    let response: Response;
    let text: string;
    try {
      response = await this.fetchFn(url, {
        method: httpMethod,
        headers,
        body,
        signal: AbortSignal.timeout(options.timeoutMs ?? this.options.requestTimeoutMs ?? 120_000),
      });
      text = await response.text();
    } catch (err) {
      return new Attempt('retry', `network error: ${describeNetworkError(err)}`);
    } finally {
      release();
    }

    if (response.status === 414) return new Attempt('long-uri', 'HTTP 414');
    if (response.status >= 500) return new Attempt('retry', `HTTP ${response.status}`, String(response.status));
    if (response.status === 401 || response.status === 403) {
      throw new MarketoConfigError(
        `Marketo refused the call to ${path} with HTTP ${response.status}. Check the API user's credentials and role.`,
        undefined,
        endpoint,
      );
    }
    if (response.status === 404) {
      throw new MarketoConfigError(
        `${this.connection.domainUrl} has no ${path} (HTTP 404). Check 'domain_url': it should be the REST API endpoint without /rest.`,
        undefined,
        endpoint,
      );
    }
    if (response.status !== 200) {
      throw new MarketoRequestError(`Marketo answered HTTP ${response.status} on ${endpoint}.`, String(response.status), endpoint);
    }
    let envelope: MarketoEnvelope<T>;
    try {
      envelope = JSON.parse(text) as MarketoEnvelope<T>;
    } catch {
      return new Attempt('retry', 'a response that is not JSON');
    }
    if (envelope.success === false || (envelope.errors && envelope.errors.length > 0 && envelope.success !== true)) {
      const error = envelope.errors?.[0] ?? { code: 'unknown', message: 'success:false without errors' };
      const code = String(error.code);
      if (TOKEN_ERRORS.has(code)) {
        this.tokens.invalidate(token.value);
        return new Attempt('token', `${code} ${error.message}`, code);
      }
      if (TRANSIENT_CODES.has(code)) return new Attempt('retry', `${code} ${error.message}`, code);
      if (code === DAILY_QUOTA_REACHED) {
        throw new MarketoQuotaExhaustedError(
          `Marketo's daily API quota for this subscription is spent (607 ${error.message}). It resets at midnight US Central time; the next sync resumes from the saved state.`,
          code,
          endpoint,
        );
      }
      if (code === ACCESS_DENIED) {
        const permission = permissionFor(method, path);
        const grant = permission ? `the '${permission}' permission` : 'the permission this data needs';
        throw new MarketoAccessDeniedError(
          `Marketo denied access to ${path} (603 ${error.message}). Give the API user's role ${grant} (Admin > Users & Roles > Roles), or check the IP allow-list.`,
          code,
          endpoint,
        );
      }
      throw new MarketoRequestError(`Marketo refused ${endpoint}: ${code} ${error.message}`, code, endpoint);
    }
    if (!Array.isArray(envelope.result)) envelope.result = [];
    return envelope;
  }
}

/** Calls are counted per endpoint: a bulk job's id is not part of its endpoint's name. */
function endpointName(method: string, path: string): string {
  return `${method} ${path.replace(/\/export\/[^/]+\/(\w+)\.json$/, '/export/{exportId}/$1.json')}`;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * A file body that releases its throttle slot once, when it ends, fails or is dropped, and is
 * aborted when no byte arrives for `idleMs` (a whole file may take longer than any one call).
 */
function guardedBody(body: Readable, abort: AbortController, release: () => void, idleMs: number): Readable {
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => abort.abort(new Error(`no data for ${idleMs} ms`)), idleMs);
  };
  arm();
  body.on('data', arm);
  body.once('close', () => {
    clearTimeout(timer);
    release();
  });
  return body;
}

function encodeQuery(query: Record<string, QueryValue>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    params.set(key, Array.isArray(value) ? value.join(',') : String(value));
  }
  return params.toString();
}

/** Tests and the sandbox demo shorten the backoff through the environment; production keeps the defaults. */
function retryFromEnv(): Partial<RetryPolicy> {
  const base = Number(process.env.MARKETO_RETRY_BASE_MS);
  const max = Number(process.env.MARKETO_RETRY_MAX_MS);
  const out: Partial<RetryPolicy> = {};
  if (Number.isFinite(base) && base > 0) out.baseDelayMs = base;
  if (Number.isFinite(max) && max > 0) out.maxDelayMs = max;
  return out;
}

/** Tests shrink the 20 s rate window (with the sandbox's) to prove the throttle in seconds, not minutes. */
function rateWindowFromEnv(): number | undefined {
  const windowMs = Number(process.env.MARKETO_RATE_WINDOW_MS);
  return Number.isFinite(windowMs) && windowMs > 0 ? windowMs : undefined;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
