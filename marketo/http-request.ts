import { LONG_URI_THRESHOLD } from './constants';

export type QueryValue = string | number | boolean | undefined | null | Array<string | number>;

export interface RequestOptions {
  query?: Record<string, QueryValue>;
  json?: unknown; // JSON body (writes)
  timeoutMs?: number;
}

/** What goes to `fetch` for one REST call: where, how, and with which headers and body. */
export interface HttpRequest {
  url: URL;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
}

/**
 * Builds one REST call. A GET goes as `POST ?_method=GET` with a form body when its URI would pass
 * Marketo's limit, or when `forcePostForm` says a 414 already came back: Marketo's documented way
 * around its 8 KB URI limit ("REST API", https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/rest-api).
 */
export function buildRequest(
  domainUrl: string,
  method: 'GET' | 'POST',
  path: string,
  options: RequestOptions,
  token: string,
  forcePostForm = false,
): HttpRequest {
  const url = new URL(`${domainUrl}${path}`);
  const queryString = encodeQuery(options.query ?? {});
  const headers: Record<string, string> = { Authorization: `Bearer ${token}`, Accept: 'application/json' };
  if (method === 'GET' && (forcePostForm || url.href.length + queryString.length + 1 > LONG_URI_THRESHOLD)) {
    url.search = '_method=GET';
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    return { url, method: 'POST', headers, body: queryString };
  }
  url.search = queryString;
  if (options.json === undefined) return { url, method, headers };
  headers['Content-Type'] = 'application/json';
  return { url, method, headers, body: JSON.stringify(options.json) };
}

/** Marketo takes a list parameter as one comma-separated value; absent values are left out. */
export function encodeQuery(query: Record<string, QueryValue>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    params.set(key, Array.isArray(value) ? value.join(',') : String(value));
  }
  return params.toString();
}

/** Calls are counted per endpoint: a bulk job's id is not part of its endpoint's name. */
export function endpointName(method: string, path: string): string {
  return `${method} ${path.replace(/\/export\/[^/]+\/(\w+)\.json$/, '/export/{exportId}/$1.json')}`;
}
