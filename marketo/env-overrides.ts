import type { ClientOptions } from './client';

/**
 * The client settings tests and the sandbox demo change through the environment; production sets
 * none of these and keeps the defaults. Read once, by each connector's `connect.ts`, and handed to
 * the client, so the client itself never reads the environment.
 * - MARKETO_RETRY_BASE_MS, MARKETO_RETRY_MAX_MS: a shorter backoff (RetryPolicy's baseDelayMs, maxDelayMs).
 * - MARKETO_RATE_WINDOW_MS: a shorter throttle window, set together with the sandbox's, so a test
 *   proves the throttle in seconds, not minutes.
 * Values that are not positive numbers are ignored.
 */
export function clientOverridesFromEnv(env: NodeJS.ProcessEnv): Pick<ClientOptions, 'retry' | 'rateWindowMs'> {
  const retry: NonNullable<ClientOptions['retry']> = {};
  const base = positive(env.MARKETO_RETRY_BASE_MS);
  const max = positive(env.MARKETO_RETRY_MAX_MS);
  if (base !== undefined) retry.baseDelayMs = base;
  if (max !== undefined) retry.maxDelayMs = max;
  const rateWindowMs = positive(env.MARKETO_RATE_WINDOW_MS);
  return rateWindowMs === undefined ? { retry } : { retry, rateWindowMs };
}

function positive(text: string | undefined): number | undefined {
  const value = Number(text);
  return Number.isFinite(value) && value > 0 ? value : undefined;
}
