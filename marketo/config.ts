import { SettingExplainer, settingsProblem } from '../protocol/settings-schema';
import { JsonSchema } from '../protocol/types';
import { MarketoConfigError } from './errors';
import { DEFAULT_MAX_CALLS_PER_20S, DEFAULT_MAX_CONCURRENT_CALLS, SUBSCRIPTION_MAX_CALLS_PER_20S, SUBSCRIPTION_MAX_CONCURRENT_CALLS } from './constants';

/** The connection settings both connectors share (see docs/interface.md). */
export interface MarketoConnection {
  domainUrl: string; // normalised: no trailing slash, no /rest suffix
  clientId: string;
  clientSecret: string;
  maxCallsPer20s: number;
  maxConcurrentCalls: number;
  dailyCallBudget?: number;
}

const LOOPBACK_HOSTS = new Set(['localhost', '[::1]', '::1']);

/**
 * Rules of the connection settings that the spec's pattern states but cannot explain: shown instead
 * of the generic "must look like" when the spec refuses the value.
 */
export const CONNECTION_SETTING_RULES: Record<string, SettingExplainer> = {
  domain_url: (value) =>
    typeof value === 'string' && /^http:\/\//i.test(value.trim()) ? 'must use https: only loopback hosts such as localhost may use http' : undefined,
};

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/**
 * Checks and normalises `domain_url`. Marketo only serves https; plain http is allowed for loopback
 * hosts so that the sandbox and tests work. Users often paste the REST endpoint with `/rest` or the
 * identity URL: those suffixes are stripped rather than refused.
 */
export function normaliseDomainUrl(raw: unknown): string {
  if (typeof raw !== 'string' || raw.trim() === '') {
    throw new MarketoConfigError("'domain_url' is required: your REST API base URL, e.g. https://123-ABC-456.mktorest.com (Admin > Web Services > REST API).");
  }
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new MarketoConfigError(`'domain_url' is not a valid URL: '${raw}'. Expected e.g. https://123-ABC-456.mktorest.com.`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    // The scheme and host as the user typed them: URL lower-cases them, which makes the message harder to match to the form.
    const typed = raw.trim().match(/^[^/]*\/\/[^/]*/)?.[0] ?? raw.trim();
    throw new MarketoConfigError(`'domain_url' must use https (got '${typed}'). Only loopback hosts such as localhost may use http.`);
  }
  const path = url.pathname.replace(/\/+$/, '').replace(/\/(rest|identity)(\/.*)?$/, '');
  return `${url.protocol}//${url.host}${path}`;
}

function positiveInteger(value: unknown, key: string, fallback: number, max?: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new MarketoConfigError(`'${key}' must be a positive whole number (got ${JSON.stringify(value)}).`);
  }
  if (max !== undefined && value > max) {
    throw new MarketoConfigError(`'${key}' is ${value}, above Marketo's own limit of ${max} for the whole subscription.`);
  }
  return value;
}

export function parseConnection(config: Record<string, unknown>): MarketoConnection {
  const domainUrl = normaliseDomainUrl(config.domain_url);
  for (const key of ['client_id', 'client_secret']) {
    if (typeof config[key] !== 'string' || config[key].trim() === '') {
      throw new MarketoConfigError(`'${key}' is required: copy it from Admin > LaunchPoint > your custom service > View Details.`);
    }
  }
  const connection: MarketoConnection = {
    domainUrl,
    clientId: (config.client_id as string).trim(),
    clientSecret: (config.client_secret as string).trim(),
    maxCallsPer20s: positiveInteger(config.max_calls_per_20s, 'max_calls_per_20s', DEFAULT_MAX_CALLS_PER_20S, SUBSCRIPTION_MAX_CALLS_PER_20S),
    maxConcurrentCalls: positiveInteger(config.max_concurrent_calls, 'max_concurrent_calls', DEFAULT_MAX_CONCURRENT_CALLS, SUBSCRIPTION_MAX_CONCURRENT_CALLS),
  };
  if (config.daily_call_budget !== undefined && config.daily_call_budget !== null) {
    connection.dailyCallBudget = positiveInteger(config.daily_call_budget, 'daily_call_budget', 0);
  }
  return connection;
}

/** Throws the config error that names the first setting the spec's JSON Schema refuses. */
export function assertMatchesSpec(config: unknown, specification: JsonSchema): void {
  const problem = settingsProblem(config, specification, CONNECTION_SETTING_RULES);
  if (problem) throw new MarketoConfigError(problem);
}
