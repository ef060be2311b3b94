// The HTTP front of the sandbox: request pipeline, routing, authentication.
//
// Pipeline of a REST call (/rest/... and /bulk/...), in the order a real gateway and Marketo
// apply them:
//   1. recorded in the call log (identity and /__sandbox calls are not)
//   2. URI > 8 KB -> HTTP 414; body > 1 MB -> HTTP 413                           (Error Codes; Integration Best Practices)
//   3. POST with _method=GET (query or form body) becomes the GET, body params merged (Error Codes)
//   4. injected faults (error / http / drop / slow / emptyPage)
//   5. Authorization: Bearer -> 600 / 601 / 602                                   (Authentication)
//   6. limits: concurrency 615, rate 606, daily quota 607                         (Integration Best Practices)
//   7. latency (inside the concurrency slot), then the endpoint
// Errors are HTTP 200 envelopes with success:false; unknown paths under /rest are 610.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ActivityEndpoints } from './activity-endpoints';
import type { AssetEndpoints } from './asset-endpoints';
import type { ListMembership } from './list-membership';
import type { BulkEndpoints, RawAnswer } from './bulk-endpoints';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { TokenStore } from './auth';
import type { CallLog, CallRecord } from './counters';
import { acceptsGzip, errorEnvelope, HTTP_REASONS, type Envelope, type RequestIds, writeHtmlError, writeJson } from './envelope';
import type { Fault, FaultQueue } from './faults';
import type { LeadEndpoints } from './lead-endpoints';
import type { CallLimiter } from './limits';
import type { CustomObjectEndpoints } from './custom-object-endpoints';
import type { ObjectEndpoints } from './object-endpoints';
import * as MarketoFacts from './marketo-facts';
import type { ProgramMemberEndpoints } from './program-members';
import type { RequestContext } from './request-context';
import { textOf } from '../protocol/text';

/** Node answers 431 itself above its header limit; raise it so that 8-64 KB URIs get our 414. */
const NODE_MAX_HEADER_BYTES = 64 * 1024;
/** Bodies beyond this are not even drained: the connection is cut. */
const HARD_BODY_LIMIT_BYTES = 64 * 1024 * 1024;
const ADMIN_PREFIX = '/__sandbox/';

export interface ServerDeps {
  tokens: TokenStore;
  limiter: CallLimiter;
  log: CallLog;
  faults: FaultQueue;
  requestIds: RequestIds;
  activities: ActivityEndpoints;
  leads: LeadEndpoints;
  companies: ObjectEndpoints;
  customObjects: CustomObjectEndpoints;
  bulk: BulkEndpoints;
  assets: AssetEndpoints;
  lists: ListMembership;
  programMembers: ProgramMemberEndpoints;
  latencyMs: number;
  acceptQueryToken: boolean;
  gzip: boolean;
  now: () => number;
  /** Handles /__sandbox/... (not counted, not limited, no auth). */
  admin: (req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams, body: Buffer) => Promise<void> | void;
}

type Handler = (ctx: RequestContext) => Envelope | RawAnswer;

interface Route {
  method: 'GET' | 'POST';
  /** An exact path, or a pattern whose capture groups become the context's pathParams. */
  path: string | RegExp;
  handle: Handler;
}

interface ReadBody {
  body: Buffer;
  tooLarge: boolean;
}

function readBody(req: IncomingMessage, limit: number): Promise<ReadBody> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > HARD_BODY_LIMIT_BYTES) {
        req.destroy();
        return;
      }
      if (size > limit) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve({ body: tooLarge ? Buffer.alloc(0) : Buffer.concat(chunks), tooLarge }));
    req.on('error', reject);
    req.on('close', () => resolve({ body: Buffer.concat(chunks), tooLarge }));
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** JSON body keys as parameters: arrays become comma lists (compound-key reads send JSON (Error Codes)). */
function jsonToParams(value: unknown): URLSearchParams | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === null || v === undefined) continue;
    if (Array.isArray(v)) params.append(k, v.map(textOf).join(','));
    else params.append(k, textOf(v));
  }
  return params;
}

export class MarketoHttpServer {
  private readonly server: Server;
  private readonly routes: Route[];

  constructor(private readonly deps: ServerDeps) {
    const { activities, leads, companies, customObjects, bulk } = deps;
    const bulkJob = (object: 'leads' | 'activities', action: string): RegExp => new RegExp(`^/bulk/v1/${object}/export/([^/]+)/${action}\\.json$`);
    this.routes = [
      { method: 'GET', path: '/rest/v1/activities/types.json', handle: (x) => activities.types(x) },
      { method: 'GET', path: '/rest/v1/activities/pagingtoken.json', handle: (x) => activities.pagingToken(x) },
      { method: 'GET', path: '/rest/v1/activities.json', handle: (x) => activities.activities(x) },
      { method: 'GET', path: '/rest/v1/activities/leadchanges.json', handle: (x) => activities.leadChanges(x) },
      { method: 'GET', path: '/rest/v1/activities/deletedleads.json', handle: (x) => activities.deletedLeads(x) },
      { method: 'GET', path: '/rest/v1/leads/describe.json', handle: (x) => leads.describe(x) },
      { method: 'GET', path: '/rest/v1/leads/partitions.json', handle: (x) => leads.partitions(x) },
      { method: 'GET', path: '/rest/v1/leads.json', handle: (x) => leads.getLeads(x) },
      { method: 'POST', path: '/rest/v1/leads.json', handle: (x) => leads.syncLeads(x) },
      { method: 'GET', path: /^\/rest\/v1\/lead\/(\d+)\.json$/, handle: (x) => leads.getLeadById(x) },
      { method: 'POST', path: '/rest/v1/leads/delete.json', handle: (x) => leads.deleteLeads(x) },
      { method: 'POST', path: /^\/rest\/v1\/leads\/(\d+)\/merge\.json$/, handle: (x) => leads.mergeLeads(x) },
      { method: 'GET', path: '/rest/v1/companies/describe.json', handle: (x) => companies.describe(x) },
      { method: 'GET', path: '/rest/v1/companies.json', handle: (x) => companies.get(x) },
      { method: 'POST', path: '/rest/v1/companies.json', handle: (x) => companies.sync(x) },
      { method: 'POST', path: '/rest/v1/companies/delete.json', handle: (x) => companies.delete(x) },
      { method: 'GET', path: '/rest/v1/customobjects.json', handle: (x) => customObjects.list(x) },
      { method: 'GET', path: /^\/rest\/v1\/customobjects\/([^/]+)\/describe\.json$/, handle: (x) => customObjects.describe(x) },
      { method: 'POST', path: /^\/rest\/v1\/customobjects\/([^/]+)\/delete\.json$/, handle: (x) => customObjects.delete(x) },
      { method: 'GET', path: /^\/rest\/v1\/customobjects\/([^/]+)\.json$/, handle: (x) => customObjects.get(x) },
      { method: 'POST', path: /^\/rest\/v1\/customobjects\/([^/]+)\.json$/, handle: (x) => customObjects.sync(x) },
      { method: 'POST', path: '/bulk/v1/activities/export/create.json', handle: (x) => bulk.createActivities(x) },
      { method: 'POST', path: '/bulk/v1/leads/export/create.json', handle: (x) => bulk.createLeads(x) },
      ...(['activities', 'leads'] as const).flatMap((object): Route[] => [
        { method: 'POST', path: bulkJob(object, 'enqueue'), handle: (x) => bulk.enqueue(object, x) },
        { method: 'GET', path: bulkJob(object, 'status'), handle: (x) => bulk.status(object, x) },
        { method: 'GET', path: bulkJob(object, 'file'), handle: (x) => bulk.file(object, x) },
        { method: 'POST', path: bulkJob(object, 'cancel'), handle: (x) => bulk.cancel(object, x) },
        { method: 'GET', path: `/bulk/v1/${object}/export.json`, handle: (x) => bulk.list(object, x) },
      ]),
      ...deps.assets.routes(),
      { method: 'GET', path: /^\/rest\/v1\/lists\/(\d+)\/leads\.json$/, handle: (x) => deps.lists.getLeadsByList(x) },
      ...deps.programMembers.routes(),
    ];
    this.server = createServer({ maxHeaderSize: NODE_MAX_HEADER_BYTES }, (req, res) => {
      this.handle(req, res).catch(() => {
        if (!res.headersSent) writeHtmlError(res, 500, HTTP_REASONS[500]);
        else res.destroy();
      });
    });
  }

  listen(port: number, host = '127.0.0.1'): Promise<string> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        const addr = this.server.address() as AddressInfo;
        resolve(`http://${host}:${addr.port}`);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      // Keep-alive sockets of clients would hold close() open.
      this.server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = req.url ?? '/';
    const q = target.indexOf('?');
    const path = q < 0 ? target : target.slice(0, q);
    const query = new URLSearchParams(q < 0 ? '' : target.slice(q + 1));

    if (path.startsWith(ADMIN_PREFIX) || path === ADMIN_PREFIX.slice(0, -1)) {
      const { body } = await readBody(req, HARD_BODY_LIMIT_BYTES);
      await this.deps.admin(req, res, path, query, body);
      return;
    }
    if (path === MarketoFacts.IDENTITY_PATH) {
      await this.identity(req, res, path, query);
      return;
    }
    if (!path.startsWith(MarketoFacts.REST_PREFIX) && !path.startsWith(MarketoFacts.BULK_PREFIX)) {
      // Outside the API the host answers a plain 404, not an envelope.
      await readBody(req, HARD_BODY_LIMIT_BYTES);
      writeHtmlError(res, 404, HTTP_REASONS[404]);
      return;
    }
    await this.rest(req, res, target, path, query);
  }

  private async identity(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): Promise<void> {
    await readBody(req, HARD_BODY_LIMIT_BYTES);
    // Identity calls are neither counted nor limited [S]; only faults aimed at them by path apply.
    const fault = this.deps.faults.take(path, false);
    if (fault && (await this.applyTransportFault(fault, req, res))) return;
    if (fault?.kind === 'error') {
      writeJson(res, 200, errorEnvelope(this.requestId(), fault.code, fault.message));
      return;
    }
    if (req.method !== 'GET' && req.method !== 'POST') {
      writeJson(res, 400, { error: 'invalid_request', error_description: `Unsupported method ${req.method}` });
      return;
    }
    // Parameters are query parameters for GET and POST alike (Authentication); a form body is not read.
    const answer = this.deps.tokens.identity(query);
    writeJson(res, answer.status, answer.body);
  }

  /**
   * drop / http / slow faults, shared by REST and identity calls. Returns true when the fault
   * answered (or killed) the request.
   */
  private async applyTransportFault(fault: Fault, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    switch (fault.kind) {
      case 'drop':
        req.socket.destroy();
        return true;
      case 'http':
        writeHtmlError(res, fault.status, HTTP_REASONS[fault.status] ?? 'Error');
        return true;
      case 'slow':
        await sleep(fault.ms);
        return false;
      default:
        return false;
    }
  }

  private requestId(): string {
    return this.deps.requestIds.next(this.deps.now());
  }

  private async rest(req: IncomingMessage, res: ServerResponse, target: string, path: string, query: URLSearchParams): Promise<void> {
    const { deps } = this;
    const record = deps.log.start(req.method ?? 'GET', path, deps.now());
    let answered = false;
    const finish = (status: number, code?: string): void => {
      answered = true;
      deps.log.end(record, status, code, deps.now());
    };
    res.on('close', () => {
      if (!answered) deps.log.end(record, res.headersSent ? res.statusCode : 0, undefined, deps.now());
    });

    try {
      const { body, tooLarge } = await readBody(req, MarketoFacts.MAX_BODY_BYTES);
      if (Buffer.byteLength(target, 'utf8') > MarketoFacts.MAX_URI_BYTES) {
        this.sendHttpError(res, 414, finish);
        return;
      }
      if (tooLarge) {
        this.sendHttpError(res, 413, finish);
        return;
      }

      const request = this.effectiveRequest(req, query, body);
      record.method = request.method;
      if (path === '/rest/v1/activities.json') record.activityTypeIds = request.params.getAll('activityTypeIds').join(',');
      const gzip = deps.gzip && acceptsGzip(req.headers['accept-encoding']);
      const send = (envelope: Envelope): void => {
        writeJson(res, 200, envelope, { gzip });
        finish(200, envelope.errors?.[0]?.code);
      };
      if (request.invalidJson) {
        send(errorEnvelope(this.requestId(), MarketoFacts.ERR_INVALID_JSON));
        return;
      }

      const fault = deps.faults.take(path, true);
      let extraDelayMs = 0;
      if (fault) {
        if (fault.kind === 'drop') {
          finish(0);
          req.socket.destroy();
          return;
        }
        if (fault.kind === 'http') {
          this.sendHttpError(res, fault.status, finish);
          return;
        }
        if (fault.kind === 'error') {
          send(errorEnvelope(this.requestId(), fault.code, fault.message));
          return;
        }
        if (fault.kind === 'slow') extraDelayMs = fault.ms;
      }

      const authError = this.authenticate(req, request.params);
      if (authError) {
        send(errorEnvelope(this.requestId(), authError));
        return;
      }

      const admission = deps.limiter.tryAdmit(record.startedAt);
      if (!admission.ok) {
        send(errorEnvelope(this.requestId(), admission.code, admission.message));
        return;
      }
      try {
        const delay = deps.latencyMs + extraDelayMs;
        if (delay > 0) await sleep(delay);
        const ctx: RequestContext = {
          requestId: this.requestId(),
          params: request.params,
          body,
          emptyPage: fault?.kind === 'emptyPage',
          contentType: String(req.headers['content-type'] ?? ''),
          apiUser: deps.tokens.scope(),
          range: typeof req.headers.range === 'string' ? req.headers.range : undefined,
        };
        const answer = this.route(path, request.method, ctx);
        if ('raw' in answer) await this.sendRaw(res, answer, finish);
        else send(answer);
      } finally {
        admission.release();
      }
    } catch {
      if (!res.headersSent) {
        writeJson(res, 200, errorEnvelope(this.requestId(), MarketoFacts.ERR_SYSTEM_ERROR));
        finish(200, MarketoFacts.ERR_SYSTEM_ERROR);
      }
    }
  }

  /** A bulk file (or part of it) streamed from disk, or a plain-text answer. */
  private async sendRaw(res: ServerResponse, answer: RawAnswer, finish: (status: number) => void): Promise<void> {
    res.writeHead(answer.status, answer.file ? answer.headers : { ...answer.headers, 'Content-Length': Buffer.byteLength(answer.text ?? '') });
    if (answer.file && answer.file.end >= answer.file.start) {
      await pipeline(createReadStream(answer.file.path, { start: answer.file.start, end: answer.file.end }), res).catch(() => res.destroy());
    } else {
      res.end(answer.file ? undefined : (answer.text ?? ''));
    }
    finish(answer.status);
  }

  private sendHttpError(res: ServerResponse, status: number, finish: (status: number) => void): void {
    writeHtmlError(res, status, HTTP_REASONS[status] ?? 'Error');
    finish(status);
  }

  /**
   * The request as Marketo sees it: a POST with _method=GET (in the query or the form body) is
   * the GET, with the body's parameters added to the query's (Error Codes).
   */
  private effectiveRequest(req: IncomingMessage, query: URLSearchParams, body: Buffer): { method: string; params: URLSearchParams; invalidJson: boolean } {
    const method = (req.method ?? 'GET').toUpperCase();
    if (method !== 'POST') return { method, params: query, invalidJson: false };
    const contentType = String(req.headers['content-type'] ?? '');
    let bodyParams: URLSearchParams | undefined;
    let invalidJson = false;
    if (body.length > 0) {
      if (/json/i.test(contentType)) {
        try {
          bodyParams = jsonToParams(JSON.parse(body.toString('utf8')));
        } catch {
          invalidJson = true;
        }
      } else {
        bodyParams = new URLSearchParams(body.toString('utf8'));
      }
    }
    const override = query.get('_method') ?? bodyParams?.get('_method') ?? null;
    if (override === null || override.toUpperCase() !== 'GET') return { method, params: query, invalidJson: false };
    const params = new URLSearchParams(query);
    if (bodyParams) for (const [k, v] of bodyParams) params.append(k, v);
    params.delete('_method');
    return { method: 'GET', params, invalidJson };
  }

  /** The error code for a missing/unknown/expired token, or undefined when the call may proceed. */
  private authenticate(req: IncomingMessage, params: URLSearchParams): string | undefined {
    const header = req.headers.authorization;
    let token: string | undefined;
    if (header === undefined) {
      // The access_token parameter is deprecated and being removed (Authentication): by default treated as absent.
      const fromQuery = params.get('access_token');
      if (!this.deps.acceptQueryToken || fromQuery === null) return MarketoFacts.ERR_ACCESS_TOKEN_INVALID;
      token = fromQuery;
    } else {
      const m = /^\s*Bearer(?:\s+(.*))?$/i.exec(header);
      if (!m) return header.trim() === '' ? MarketoFacts.ERR_ACCESS_TOKEN_EMPTY : MarketoFacts.ERR_ACCESS_TOKEN_INVALID;
      token = (m[1] ?? '').trim();
    }
    if (token === '') return MarketoFacts.ERR_ACCESS_TOKEN_EMPTY;
    const check = this.deps.tokens.check(token);
    if (check === 'invalid') return MarketoFacts.ERR_ACCESS_TOKEN_INVALID;
    if (check === 'expired') return MarketoFacts.ERR_ACCESS_TOKEN_EXPIRED;
    return undefined;
  }

  private route(path: string, method: string, ctx: RequestContext): Envelope | RawAnswer {
    const candidates: Array<{ route: Route; params: string[] }> = [];
    for (const route of this.routes) {
      if (typeof route.path === 'string') {
        if (route.path === path) candidates.push({ route, params: [] });
      } else {
        const m = route.path.exec(path);
        if (m) candidates.push({ route, params: m.slice(1) });
      }
    }
    if (candidates.length === 0) return errorEnvelope(ctx.requestId, MarketoFacts.ERR_NOT_FOUND);
    const match = candidates.find((c) => c.route.method === method);
    if (!match) return errorEnvelope(ctx.requestId, MarketoFacts.ERR_METHOD_NOT_SUPPORTED, `Request method '${method}' not supported`);
    return match.route.handle({ ...ctx, pathParams: match.params });
  }
}

export type { CallRecord };

// Marketo documentation cited above by page name:
// - Error Codes: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/error-codes
// - Integration Best Practices: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/marketo-integration-best-practices
// - Authentication: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/authentication
