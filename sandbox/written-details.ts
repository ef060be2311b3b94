// The details stored for activities that lead writes log (Sync / Delete / Merge Leads and the
// "Marketo UI" actions), shaped as generated activities of the same type are, so that a written
// activity and a generated one cannot be told apart.

import { AttributeList, type Change, type ChangeOrigin, type ExplicitDetails } from './activity-json';
import { ymd } from './generated-details';
import { fullName, valueAsText, type LeadFieldStore, type LeadValue } from './leads';
import * as MarketoFacts from './marketo-facts';

type LeadValues = Readonly<Record<string, LeadValue | undefined>> & { id: number };

/** Reason and Source of a Change Data Value, and its campaign, by who made it (Activities). */
function changeAuthor(origin: ChangeOrigin): { reason: string; source: string; campaignId?: number } {
  switch (origin.kind) {
    case 'api':
      return { reason: MarketoFacts.API_SOURCE, source: MarketoFacts.API_SOURCE };
    case 'flow':
      return {
        reason: `Changed by Smart Campaign ${origin.campaign.name} action Change Data Value`,
        source: MarketoFacts.FLOW_CHANGE_SOURCE,
        campaignId: origin.campaign.id,
      };
    case 'form':
      return { reason: `Form fill-out: ${origin.formName}`, source: MarketoFacts.FORM_SOURCE };
    default:
      return { reason: MarketoFacts.UI_CHANGE_REASON, source: MarketoFacts.UI_CHANGE_SOURCE };
  }
}

/**
 * Change Data Value (Activities): primary attribute = the lead field (id, display name); New and
 * Old Value as text; Reason/Source say who changed it. Changes made through the API also name
 * the API user ("Modifying User"), which is what lets a two-way sync skip its own writes.
 */
export function changeDataValueDetails(describe: LeadFieldStore, change: Change, origin: ChangeOrigin): ExplicitDetails {
  const attributes = new AttributeList();
  const field = describe.getAny(change.field);
  const { reason, source, campaignId } = changeAuthor(origin);
  if (origin.kind === 'api') attributes.add('Api Method Name', origin.apiMethodName).add('Modifying User', origin.apiUser);
  attributes.add('New Value', valueAsText(change.newValue)).add('Old Value', valueAsText(change.oldValue)).add('Reason', reason);
  if (origin.kind === 'api') attributes.add('Request Id', origin.requestId);
  attributes.add('Source', source);
  const out: ExplicitDetails = {
    primaryAttributeValueId: field?.id,
    primaryAttributeValue: field?.displayName ?? change.field,
    attributes: attributes.items,
    change,
  };
  if (campaignId !== undefined) out.campaignId = campaignId;
  return out;
}

/** New Lead (Activities) of a lead created by a write: the generated attributes, from the lead's own values. */
export function newLeadDetails(lead: LeadValues, dateSec: number, sourceType: string): ExplicitDetails {
  const attributes = new AttributeList()
    .add('Created Date', ymd(dateSec))
    .add('Lead Source', lead['leadSource'] ?? null)
    .add('Source Type', sourceType);
  return { primaryAttributeValueId: lead.id, primaryAttributeValue: fullName(lead), attributes: attributes.items };
}

/** Merge Leads (Leads) on the winner, naming the merged-away ids as generated merges do. */
export function mergeLeadsDetails(winner: LeadValues, loserIds: readonly number[], opts: { masterUpdated: boolean; mergeSource: string }): ExplicitDetails {
  const attributes = new AttributeList()
    .add('Master Updated', opts.masterUpdated)
    .add('Merge IDs', `[${loserIds.join(',')}]`)
    .add('Merge Source', opts.mergeSource)
    .add('Merged in Sales', false);
  return { primaryAttributeValueId: winner.id, primaryAttributeValue: fullName(winner), attributes: attributes.items };
}

/** Delete Lead (Activities) as generated ones look: the lead id and name, no attributes. */
export function deleteLeadDetails(lead: LeadValues): ExplicitDetails {
  return { primaryAttributeValueId: lead.id, primaryAttributeValue: fullName(lead), attributes: [] };
}

/**
 * Change Segment (Activities): the segmentation as primary attribute and the new segment's id. The
 * change (segmentation field, old and new segment names) is kept so that leads and activities agree.
 */
export function changeSegmentDetails(change: Change, segmentation: { id: number; name: string }, newSegmentId: number): ExplicitDetails {
  const attributes = new AttributeList().add('New Segment ID', newSegmentId);
  return { primaryAttributeValueId: segmentation.id, primaryAttributeValue: segmentation.name, attributes: attributes.items, change };
}

/** Change Lead Partition (Activities): the new partition as primary attribute, the old one and a reason. */
export function changeLeadPartitionDetails(change: Change, newPartition: { id: number; name: string }, reason: string): ExplicitDetails {
  const attributes = new AttributeList().add('Old Partition ID', change.oldValue === null ? null : Number(change.oldValue)).add('Reason', reason);
  return { primaryAttributeValueId: newPartition.id, primaryAttributeValue: newPartition.name, attributes: attributes.items, change };
}
