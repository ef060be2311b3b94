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
}
