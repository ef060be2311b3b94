// What an endpoint handler receives, once the pipeline (server.ts) has authenticated and
// admitted the call.

export interface RequestContext {
  requestId: string;
  /** Query parameters, plus the form/JSON body's for a POST with _method=GET. */
  params: URLSearchParams;
  /** The raw request body (for write endpoints). */
  body: Buffer;
  /** An injected emptyPage fault applies to this call. */
  emptyPage: boolean;
  /** The request's Content-Type header ("" when absent). */
  contentType?: string;
  /** Capture groups of a route with path parameters (e.g. the id of /rest/v1/lead/{id}.json). */
  pathParams?: readonly string[];
  /** The API user of the token the call was made with (the token's `scope`). */
  apiUser?: string;
  /** The `Range` header (bulk file downloads). */
  range?: string;
}
