// The JSON shapes of activities as Marketo serves them (Activities): the types, attribute lists
// that leave out empty values, and a stored row plus its details shaped for Get Lead Activities
// and for Get Lead Changes.

import type { Activity as ClientActivity } from '../marketo/endpoints';
import type { ActivityRow } from './activity-store';
import type { LeadFieldStore, LeadValue } from './leads';
import { valueAsText } from './leads';
import * as MarketoFacts from './marketo-facts';
import { formatActivityDate } from './paging';

export type AttributeValue = string | number | boolean;

export interface ActivityAttribute {
  name: string;
  value: AttributeValue;
  /** Present on attributes of custom activity types (Activities). */
  apiName?: string;
}

type ActivityHead = 'id' | 'marketoGUID' | 'leadId' | 'activityDate' | 'activityTypeId' | 'campaignId' | 'primaryAttributeValueId' | 'primaryAttributeValue';

/** An activity as Get Lead Activities returns it: the client's fields, with the attributes always there. */
export interface Activity extends Pick<ClientActivity, ActivityHead> {
  attributes: ActivityAttribute[];
}

/** One changed field of a Change Data Value item of Get Lead Changes (Activities). */
export interface LeadChangeField {
  id: number;
  name: string;
  newValue: string | null;
  oldValue: string | null;
}

/** An item of Get Lead Changes: New Lead (no `fields`) or Change Data Value (with `fields`). */
export interface LeadChange extends Activity {
  fields?: LeadChangeField[];
}

/** A changed lead field with its value before and after. */
export interface Change {
  field: string;
  newValue: LeadValue;
  oldValue: LeadValue;
}

/** Who made a lead change, as the Change Data Value attributes record it (Activities). */
export type ChangeOrigin =
  /** Through the REST API: names the API user, the API method and the call's requestId. */
  | { kind: 'api'; apiUser: string; apiMethodName: string; requestId: string }
  /** A smart campaign's Change Data Value flow step. */
  | { kind: 'flow'; campaign: { id: number; name: string } }
  /** A form fill-out. */
  | { kind: 'form'; formName: string }
  /** A person editing the lead in the Marketo UI. */
  | { kind: 'ui' };

/** What an activity carries beyond its row: campaign, primary attribute, attributes, and for a change its field and values. */
export interface Details {
  campaignId?: number;
  primaryAttributeValueId?: number;
  primaryAttributeValue?: string;
  attributes: ActivityAttribute[];
  /** For Change Data Value (and Change Score, Change Segment, ...): the changed field. */
  change?: Change;
}

/** Details stored for activities that were not generated from the seed. */
export type ExplicitDetails = Details;

/** Builds attributes in order, leaving out empty values as Marketo does (Activities). */
export class AttributeList {
  readonly items: ActivityAttribute[] = [];
  add(name: string, value: AttributeValue | null | undefined, apiName?: string): this {
    if (value === null || value === undefined || value === '') return this;
    this.items.push(apiName ? { name, value, apiName } : { name, value });
    return this;
  }
}

function head(row: ActivityRow, omitActivityIds: boolean): Activity {
  const out = {} as Activity;
  if (!omitActivityIds) out.id = row.id;
  out.marketoGUID = String(row.id);
  out.leadId = row.leadId;
  out.activityDate = formatActivityDate(row.dateSec);
  out.activityTypeId = row.typeId;
  return out;
}

/** The activity as Get Lead Activities serves it. */
export function activityJson(row: ActivityRow, details: Details, omitActivityIds: boolean): Activity {
  const out = head(row, omitActivityIds);
  if (details.campaignId !== undefined) out.campaignId = details.campaignId;
  if (details.primaryAttributeValueId !== undefined) out.primaryAttributeValueId = details.primaryAttributeValueId;
  if (details.primaryAttributeValue !== undefined) out.primaryAttributeValue = details.primaryAttributeValue;
  out.attributes = details.attributes;
  return out;
}

/**
 * The activity as Get Lead Changes serves it, or undefined when it is a Change Data Value of a
 * field not in `fields`. Type 13 items carry `fields` and no primary attribute; New Lead items
 * keep their primary attribute and have no `fields` (Activities).
 */
export function leadChangeJson(
  row: ActivityRow,
  details: Details,
  fields: ReadonlySet<string>,
  describe: LeadFieldStore,
  omitActivityIds: boolean,
): LeadChange | undefined {
  const out: LeadChange = head(row, omitActivityIds);
  if (details.campaignId !== undefined) out.campaignId = details.campaignId;
  if (row.typeId === MarketoFacts.TYPE_CHANGE_DATA_VALUE) {
    const change = details.change;
    if (!change || !fields.has(change.field)) return undefined;
    out.fields = [
      { id: describe.getAny(change.field)?.id ?? 0, name: change.field, newValue: valueAsText(change.newValue), oldValue: valueAsText(change.oldValue) },
    ];
  } else {
    if (details.primaryAttributeValueId !== undefined) out.primaryAttributeValueId = details.primaryAttributeValueId;
    if (details.primaryAttributeValue !== undefined) out.primaryAttributeValue = details.primaryAttributeValue;
  }
  out.attributes = details.attributes;
  return out;
}
