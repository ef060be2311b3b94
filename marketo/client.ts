import { Readable } from 'node:stream';
import { codeMeaning, envelopeError, statusMeaning } from './answer-meaning';
import { TokenProvider, FetchFn, describeNetworkError } from './auth';
import { Throttle } from './throttle';
import { MarketoConnection } from './config';
import { RATE_LIMIT_EXCEEDED } from './constants';
import {
  CallBudgetExhaustedError,
  MarketoAccessDeniedError,
  MarketoConfigError,
  MarketoQuotaExhaustedError,
  MarketoRequestError,
  MarketoTransientError,
} from './errors';
import { buildRequest, endpointName, RequestOptions } from './http-request';
import { permissionFor } from './permissions';

export type { QueryValue, RequestOptions } from './http-request';

export interface MarketoEnvelope<T = Record<string, unknown>> {
  requestId?: string;
  success: boolean;
  result: T[]; // always an array here: Marketo omits `result` on empty pages
  moreResult?: boolean;
  nextPageToken?: string;
  warnings?: unknown[];
  errors?: Array<{ code: string; message: string }>;
}

/**
 * How the client retries a call that failed for a passing reason (HTTP 5xx, a network error, a
 * transient Marketo code such as 606 or 615). Waits grow as `baseDelayMs * 2^(n-1)`, capped at
 * `maxDelayMs`, with full jitter over the upper half. Token refreshes are not counted here.
 */
export interface RetryPolicy {
  /** Attempts in all (the first call included) before the call fails with MarketoTransientError. Default 8. */
  maxAttempts: number;
  /** The wait before the first retry, doubled for each further one. Default 1000 ms. */
  baseDelayMs: number;
  /** The longest wait between two attempts. Default 30,000 ms. */
  maxDelayMs: number;
}

export interface ClientOptions {
  fetchFn?: FetchFn;
  retry?: Partial<RetryPolicy>;
  /** Called for each retry, so a connector can tell the user why a sync slows down. */
  onRetry?: (info: { endpoint: string; attempt: number; delayMs: number; reason: string }) => void;
  requestTimeoutMs?: number;
  /** The throttle's rolling window; Marketo's is 20 s. Tests shrink it (with the sandbox's) to prove the throttle in seconds. */
  rateWindowMs?: number;
}

/**
 * A 606 is retried after at least 1/4 of the rate window (5 s of Marketo's 20 s): Adobe asks for a
 * wait before retrying a 606 (Integration Best Practices,
 * https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/marketo-integration-best-practices).
 */
const RATE_LIMIT_WAIT_SHARE_OF_WINDOW = 4;

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
    this.throttle = new Throttle(connection.maxCallsPer20s, connection.maxConcurrentCalls, options.rateWindowMs);
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
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
      await this.waitToRetry(endpoint, ++transientFailures, outcome.reason, outcome.code, ' The next sync resumes from the saved state.');
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
      this.checkBudget(endpoint);
      const token = await this.tokens.get();
      const headers: Record<string, string> = { Authorization: `Bearer ${token.value}` };
      if (start > 0) headers.Range = `bytes=${start}-`;
      const release = await this.throttle.acquire();
      this.count(endpoint);
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
        const meaning = statusMeaning(response.status);
        const answer = safeJson(text) as MarketoEnvelope | undefined;
        release(meaning === 'envelope' && answer !== undefined && envelopeError(answer)?.code === RATE_LIMIT_EXCEEDED);
        if (meaning === 'no-such-path') return { status: 404 };
        if (meaning === 'retry') {
          reason = `HTTP ${response.status}`;
          code = String(response.status);
        } else if (meaning === 'credentials') {
          throw this.credentialsError(path, response.status, endpoint);
        } else {
          // An envelope instead of the file: an error (token, limits) said the Marketo way.
          const error = answer?.errors?.[0];
          if (!error)
            throw new MarketoRequestError(`Marketo answered HTTP ${response.status} on ${endpoint} without a file.`, String(response.status), endpoint);
          code = String(error.code);
          reason = `${code} ${error.message}`;
          const codeSays = codeMeaning(code);
          if (codeSays === 'token') {
            this.tokens.invalidate(token.value);
            if (++tokenRefreshes > 3) throw new MarketoTransientError(`Marketo kept refusing fresh access tokens (${reason}).`, code, endpoint);
            continue;
          }
          if (codeSays === 'quota')
            throw new MarketoQuotaExhaustedError(`Marketo's daily API quota for this subscription is spent (607 ${error.message}).`, code, endpoint);
          if (codeSays !== 'retry') throw new MarketoRequestError(`Marketo refused ${endpoint}: ${reason}`, code, endpoint);
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
      await this.waitToRetry(endpoint, ++transientFailures, reason, code);
    }
  }

  /**
   * Full jitter. A 606 waits at least a quarter of the rate window whatever the retry policy says:
   * the window is the subscription's, and retrying sooner only fails again (and counts again), so
   * eight attempts span more than a whole window and outlast the calls that filled it.
   */
  private backoff(failures: number, code?: string): number {
    const cap = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (failures - 1));
    const jittered = cap / 2 + Math.random() * (cap / 2);
    if (code === RATE_LIMIT_EXCEEDED) return Math.max(jittered, this.throttle.windowMs / RATE_LIMIT_WAIT_SHARE_OF_WINDOW);
    return jittered;
  }

  private async attempt<T>(method: 'GET' | 'POST', path: string, options: RequestOptions, forcePostForm: boolean): Promise<MarketoEnvelope<T> | Attempt> {
    const endpoint = endpointName(method, path);
    this.checkBudget(endpoint);
    const token = await this.tokens.get();
    const { url, ...init } = buildRequest(this.connection.domainUrl, method, path, options, token.value, forcePostForm);
    const release = await this.throttle.acquire();
    this.count(endpoint);
    let response: Response;
    let text: string;
    try {
      response = await this.fetchFn(url, { ...init, signal: AbortSignal.timeout(options.timeoutMs ?? this.options.requestTimeoutMs ?? 120_000) });
      text = await response.text();
    } catch (err) {
      release();
      return new Attempt('retry', `network error: ${describeNetworkError(err)}`);
    }
    // Read before the slot frees: a 606 must hold the other calls before any of them starts (Throttle.release).
    const meaning = statusMeaning(response.status);
    const envelope = meaning === 'envelope' ? (safeJson(text) as MarketoEnvelope<T> | undefined) : undefined;
    const error = envelope ? envelopeError(envelope) : undefined;
    release(error?.code === RATE_LIMIT_EXCEEDED);

    switch (meaning) {
      case 'envelope':
        break;
      case 'long-uri':
        return new Attempt('long-uri', 'HTTP 414');
      case 'retry':
        return new Attempt('retry', `HTTP ${response.status}`, String(response.status));
      case 'credentials':
        throw this.credentialsError(path, response.status, endpoint);
      case 'no-such-path':
        throw new MarketoConfigError(
          `${this.connection.domainUrl} has no ${path} (HTTP 404). Check 'domain_url': it should be the REST API endpoint without /rest.`,
          undefined,
          endpoint,
        );
      case 'unexpected':
        throw new MarketoRequestError(`Marketo answered HTTP ${response.status} on ${endpoint}.`, String(response.status), endpoint);
    }
    if (envelope === undefined || typeof envelope !== 'object' || envelope === null) return new Attempt('retry', 'a response that is not JSON');
    if (error) {
      const { code, message } = error;
      switch (codeMeaning(code)) {
        case 'token':
          this.tokens.invalidate(token.value);
          return new Attempt('token', `${code} ${message}`, code);
        case 'retry':
          return new Attempt('retry', `${code} ${message}`, code);
        case 'quota':
          throw new MarketoQuotaExhaustedError(
            `Marketo's daily API quota for this subscription is spent (607 ${message}). It resets at midnight US Central time; the next sync resumes from the saved state.`,
            code,
            endpoint,
          );
        case 'access-denied': {
          const permission = permissionFor(method, path);
          const grant = permission ? `the '${permission}' permission` : 'the permission this data needs';
          throw new MarketoAccessDeniedError(
            `Marketo denied access to ${path} (603 ${message}). Give the API user's role ${grant} (Admin > Users & Roles > Roles), or check the IP allow-list.`,
            code,
            endpoint,
          );
        }
        case 'refused':
          throw new MarketoRequestError(`Marketo refused ${endpoint}: ${code} ${message}`, code, endpoint);
      }
    }
    if (!Array.isArray(envelope.result)) envelope.result = [];
    return envelope;
  }

  /** Stops before the call that would pass the user's daily_call_budget. */
  private checkBudget(endpoint: string): void {
    const budget = this.connection.dailyCallBudget;
    if (budget !== undefined && this.totalCalls >= budget) {
      throw new CallBudgetExhaustedError(`The daily_call_budget of ${budget} calls is spent.`, undefined, endpoint);
    }
  }

  private count(endpoint: string): void {
    this.totalCalls++;
    this.callCounts.set(endpoint, (this.callCounts.get(endpoint) ?? 0) + 1);
  }

  private credentialsError(path: string, status: number, endpoint: string): MarketoConfigError {
    return new MarketoConfigError(`Marketo refused the call to ${path} with HTTP ${status}. Check the API user's credentials and role.`, undefined, endpoint);
  }

  /** Counts a retry, tells the user, and waits the backoff; throws once the policy's attempts are spent. */
  private async waitToRetry(endpoint: string, failures: number, reason: string, code: string | undefined, lastWords = ''): Promise<void> {
    if (failures >= this.retry.maxAttempts) {
      throw new MarketoTransientError(`Marketo kept failing on ${endpoint} after ${failures} attempts (last: ${reason}).${lastWords}`, code, endpoint);
    }
    const delayMs = this.backoff(failures, code);
    this.retriesByReason.set(reason, (this.retriesByReason.get(reason) ?? 0) + 1);
    this.options.onRetry?.({ endpoint, attempt: failures, delayMs, reason });
    await sleep(delayMs);
  }
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

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
