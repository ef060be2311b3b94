import { ACCESS_DENIED, DAILY_QUOTA_REACHED, TOKEN_ERRORS, TRANSIENT_CODES } from './constants';

/**
 * What an HTTP status of a REST call means for the client. Marketo says its own errors inside an
 * HTTP 200 envelope ("Error Codes": https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/error-codes),
 * so any other status comes from the HTTP layer or a proxy on the way.
 */
export type StatusMeaning =
  | 'envelope' // 200: read the envelope (which may still hold an error code)
  | 'long-uri' // 414: the URI is too long; send it again as POST with _method=GET
  | 'retry' // 5xx: Marketo or a proxy failed this time; try again after a backoff
  | 'credentials' // 401 / 403: the identity or the role refuses us; retrying cannot help
  | 'no-such-path' // 404: the domain_url is not a Marketo REST endpoint (or, for a bulk file, no file)
  | 'unexpected'; // anything else: fail the call with the status

export function statusMeaning(status: number): StatusMeaning {
  if (status === 200) return 'envelope';
  if (status === 414) return 'long-uri';
  if (status >= 500) return 'retry';
  if (status === 401 || status === 403) return 'credentials';
  if (status === 404) return 'no-such-path';
  return 'unexpected';
}

/** What a Marketo error code in an envelope means for the client (codes in ./constants, each with its reason). */
export type CodeMeaning =
  | 'token' // 600-602: fetch a new access token and send the call again
  | 'retry' // documented as transient (606, 615, 604, ...): retry after a backoff
  | 'quota' // 607: the daily quota is spent until midnight US Central; stop
  | 'access-denied' // 603: the API user's role lacks a permission; name it and stop
  | 'refused'; // everything else: the request itself is wrong; fail it

export function codeMeaning(code: string): CodeMeaning {
  if (TOKEN_ERRORS.has(code)) return 'token';
  if (TRANSIENT_CODES.has(code)) return 'retry';
  if (code === DAILY_QUOTA_REACHED) return 'quota';
  if (code === ACCESS_DENIED) return 'access-denied';
  return 'refused';
}

export interface MarketoError {
  code: string;
  message: string;
}

/**
 * The error an envelope reports, or undefined when it is a success. Marketo may omit `success`
 * and send only `errors`; an envelope that says `success: false` without errors still failed.
 */
export function envelopeError(envelope: { success?: boolean; errors?: Array<{ code: string | number; message: string }> }): MarketoError | undefined {
  const failed = envelope.success === false || (envelope.errors !== undefined && envelope.errors.length > 0 && envelope.success !== true);
  if (!failed) return undefined;
  const error = envelope.errors?.[0] ?? { code: 'unknown', message: 'success:false without errors' };
  return { code: String(error.code), message: error.message };
}
