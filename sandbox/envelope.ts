// The Marketo response envelope and how responses are written on the wire (Error Codes).

import type { ServerResponse } from 'node:http';
import { gzipSync, constants as zlibConstants } from 'node:zlib';
import { ERROR_MESSAGES, GZIP_MIN_BYTES, JSON_CONTENT_TYPE } from './marketo-facts';

export interface MarketoError {
  code: string;
  message: string;
}

/** What a REST handler produces: the JSON body (always HTTP 200 for the envelope). */
export interface Envelope {
  requestId: string;
  success: boolean;
  nextPageToken?: string;
  moreResult?: boolean;
  result?: unknown[];
  errors?: MarketoError[];
  /** Asset API answers carry warnings (plain strings), e.g. "No assets found for the given search criteria." */
  warnings?: string[];
}

/**
 * requestId as Marketo writes it: "<hex>#<hex epoch ms>", e.g. "6227#17d4f044661". The first
 * part varies in length (1-5 hex digits) in recordings, so it does here.
 */
export class RequestIds {
  private counter = 0x1000;

  next(nowMs: number): string {
    this.counter = (this.counter * 7 + 0x2f1) % 0x1ffff;
    return `${this.counter.toString(16)}#${nowMs.toString(16)}`;
  }
}

/**
 * A success envelope. Lead-database responses carry no `errors`/`warnings` keys on success, and
 * `result` is left out when an activities page is empty (Error Codes).
 */
export function successEnvelope(requestId: string, result: unknown[] | undefined, paging?: { nextPageToken?: string; moreResult?: boolean }): Envelope {
  const body: Envelope = { requestId, success: true };
  if (paging?.nextPageToken !== undefined) body.nextPageToken = paging.nextPageToken;
  if (paging?.moreResult !== undefined) body.moreResult = paging.moreResult;
  if (result !== undefined) body.result = result;
  return body;
}

export function errorEnvelope(requestId: string, code: string, message?: string): Envelope {
  return {
    requestId,
    success: false,
    errors: [{ code, message: message ?? ERROR_MESSAGES[code] ?? 'Error' }],
  };
}

/** Whether the client accepts gzip (Marketo compresses bodies >= 1 KB for such clients). */
export function acceptsGzip(acceptEncoding: string | string[] | undefined): boolean {
  const value = Array.isArray(acceptEncoding) ? acceptEncoding.join(',') : (acceptEncoding ?? '');
  return /\bgzip\b/i.test(value);
}

export function writeJson(res: ServerResponse, status: number, body: unknown, opts: { gzip?: boolean; contentType?: string } = {}): void {
  let payload: Buffer = Buffer.from(JSON.stringify(body), 'utf8');
  const headers: Record<string, string | number> = { 'Content-Type': opts.contentType ?? JSON_CONTENT_TYPE };
  if (opts.gzip && payload.length >= GZIP_MIN_BYTES) {
    payload = gzipSync(payload, { level: zlibConstants.Z_BEST_SPEED });
    headers['Content-Encoding'] = 'gzip';
    headers['Vary'] = 'Accept-Encoding';
  }
  headers['Content-Length'] = payload.length;
  res.writeHead(status, headers);
  res.end(payload);
}

/** What a gateway in front of Marketo answers for HTTP-level failures: a small HTML page. */
export function writeHtmlError(res: ServerResponse, status: number, reason: string): void {
  const html = `<html>\r\n<head><title>${status} ${reason}</title></head>\r\n<body>\r\n<center><h1>${status} ${reason}</h1></center>\r\n</body>\r\n</html>\r\n`;
  res.writeHead(status, { 'Content-Type': 'text/html', 'Content-Length': Buffer.byteLength(html) });
  res.end(html);
}

export const HTTP_REASONS: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  413: 'Request Entity Too Large',
  414: 'Request-URI Too Large',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Temporarily Unavailable',
  504: 'Gateway Time-out',
};

// Marketo documentation cited above by page name:
// - Error Codes: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/error-codes
