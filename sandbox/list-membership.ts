// Static list membership (https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/static-lists)
// and Get Leads by List Id. Membership is what the Add to List (24) and Remove from List (25)
// activities say: a lead is in a list when its latest such activity for that list is an Add, and
// the lead still exists. Generated history and changes made later stay consistent by construction.

import type { ActivityDetails } from './activity-details';
import type { ActivityGenerator } from './activity-generator';
import type { ActivityStore } from './activity-store';
import type { AssetStore } from './assets';
import { errorEnvelope, successEnvelope, type Envelope } from './envelope';
import * as MarketoFacts from './marketo-facts';
import type { LeadView } from './lead-view';
import type { LeadStore } from './leads';
import { encodeRecordToken } from './paging';
import { batchSizeOf, checked, listParam, recordOffsetOf } from './params';
import type { RequestContext } from './request-context';

export interface ListMembershipContext {
  store: ActivityStore;
  details: ActivityDetails;
  generator: ActivityGenerator;
  assets: AssetStore;
  leads: LeadStore;
  view: LeadView;
  now: () => number;
}

export class ListMembership {
  constructor(private readonly ctx: ListMembershipContext) {}

  /** Lead ids in the list, ascending. */
  members(listId: number): number[] {
    const latest = new Map<number, number>();
    const cursor = this.ctx.store.cursor([MarketoFacts.TYPE_ADD_TO_LIST, MarketoFacts.TYPE_REMOVE_FROM_LIST], { ms: -Infinity, id: 0 });
    for (let row = cursor.next(); row; row = cursor.next()) {
      if (this.ctx.details.activity(row).primaryAttributeValueId === listId) latest.set(row.leadId, row.typeId);
    }
    return [...latest]
      .filter(([id, type]) => type === MarketoFacts.TYPE_ADD_TO_LIST && this.ctx.leads.has(id))
      .map(([id]) => id)
      .sort((a, b) => a - b);
  }

  /** Adds (or removes) leads as a flow action in the UI would: one activity per lead whose membership changes. Returns those leads. */
  change(listId: number, leadIds: readonly number[], add: boolean): number[] {
    const list = this.ctx.assets.staticLists.get(listId);
    if (!list) throw new Error(`no static list ${listId}`);
    const current = new Set(this.members(listId));
    const changed = leadIds.filter((id) => this.ctx.leads.has(id) && current.has(id) !== add);
    const sec = Math.floor(this.ctx.now() / 1000);
    for (const leadId of changed) {
      this.ctx.generator.writeExplicit(add ? MarketoFacts.TYPE_ADD_TO_LIST : MarketoFacts.TYPE_REMOVE_FROM_LIST, sec, leadId, {
        primaryAttributeValueId: listId,
        primaryAttributeValue: list.name,
        attributes: [{ name: 'Source', value: 'Marketo Flow Action' }],
      });
    }
    return changed;
  }

  /**
   * GET /rest/v1/lists/{listId}/leads.json: `fields` (default id, email, names, dates), batchSize
   * ≤ 300, position tokens. An unknown list answers 1013 (Marketo's answer is UNVERIFIED).
   */
  getLeadsByList(req: RequestContext): Envelope {
    const listId = Number(req.pathParams?.[0]);
    if (!this.ctx.assets.staticLists.has(listId)) return errorEnvelope(req.requestId, MarketoFacts.ERR_OBJECT_NOT_FOUND, 'Static list not found');
    const names = listParam(req.params, 'fields');
    for (const name of names) {
      if (!this.ctx.leads.fields.get(name)?.rest)
        return errorEnvelope(req.requestId, MarketoFacts.ERR_FIELD_NOT_FOUND, MarketoFacts.fieldNotFoundMessage(name));
    }
    const fields = names.length > 0 ? names : MarketoFacts.DEFAULT_LEAD_FIELDS;
    const params = checked({ batchSize: batchSizeOf(req), offset: recordOffsetOf(req, `list${listId}`) });
    if (!params.ok) return params.envelope;
    const { batchSize, offset } = params.value;
    const members = this.members(listId);
    const page = members.slice(offset, offset + batchSize).map((id) => this.ctx.view.record(this.ctx.leads.get(id)!, fields));
    const end = offset + page.length;
    return end < members.length
      ? successEnvelope(req.requestId, page, { nextPageToken: encodeRecordToken(`list${listId}`, end), moreResult: true })
      : successEnvelope(req.requestId, page);
  }
}
