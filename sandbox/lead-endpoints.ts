// Lead endpoints [8]. This round: Describe Lead. Reading and writing leads come next; the
// LeadStore already holds what they need (values, id allocation, field metadata).

import { successEnvelope, type Envelope } from './envelope';
import type { LeadStore } from './leads';
import type { RequestContext } from './request-context';

export class LeadEndpoints {
  constructor(private readonly leads: LeadStore) {}

  /** GET /rest/v1/leads/describe.json: the recorded 100-field Describe Lead, minus hidden fields [8.1]. */
  describe(req: RequestContext): Envelope {
    return successEnvelope(req.requestId, this.leads.fields.describe());
  }
}
