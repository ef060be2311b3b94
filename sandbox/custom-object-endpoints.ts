// The custom object endpoints (Custom Objects): List Custom Objects over every configured type, and
// Describe / Get / Sync / Delete routed by the type's API name in the path.
//
// An unknown type name answers response-level 1013 "Object not found" (Marketo's code for this
// is UNVERIFIED; 1013 is its "object not found" code, 610 is kept for unknown paths).

import { errorEnvelope, successEnvelope, type Envelope } from './envelope';
import * as MarketoFacts from './marketo-facts';
import type { ObjectEndpoints } from './object-endpoints';
import { listParam } from './params';
import type { RequestContext } from './request-context';

export class CustomObjectEndpoints {
  constructor(private readonly types: ReadonlyMap<string, ObjectEndpoints>) {}

  /** GET /rest/v1/customobjects.json[?names=a,b]: metadata without fields; unknown names are left out. */
  list(req: RequestContext): Envelope {
    const names = listParam(req.params, 'names');
    const wanted = names.length > 0 ? new Set(names) : undefined;
    const result = [...this.types.entries()].filter(([name]) => !wanted || wanted.has(name)).map(([, e]) => e.metadata(false));
    return successEnvelope(req.requestId, result);
  }

  describe(req: RequestContext): Envelope {
    return this.withType(req, (e) => e.describe(req));
  }

  get(req: RequestContext): Envelope {
    return this.withType(req, (e) => e.get(req));
  }

  sync(req: RequestContext): Envelope {
    return this.withType(req, (e) => e.sync(req));
  }

  delete(req: RequestContext): Envelope {
    return this.withType(req, (e) => e.delete(req));
  }

  private withType(req: RequestContext, handle: (e: ObjectEndpoints) => Envelope): Envelope {
    const name = decodeURIComponent(req.pathParams?.[0] ?? '');
    const endpoints = this.types.get(name);
    if (!endpoints) return errorEnvelope(req.requestId, MarketoFacts.ERR_OBJECT_NOT_FOUND, MarketoFacts.MSG_OBJECT_NOT_FOUND);
    return handle(endpoints);
  }
}

// Marketo documentation cited above by page name:
// - Custom Objects: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/custom-objects
