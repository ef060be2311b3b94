// Turns a stored activity row into the JSON Marketo serves (Activities).
//
// Details (attributes, primary attribute, campaign) are a pure function of (seed, id, row), so
// a million activities cost five numbers each in memory and the same id always yields the same
// bytes. Activities written with explicit details (e.g. by lead writes through the API in a
// later round) are kept in a map and take precedence.

import type { ActivityRow } from './activity-store';
import { CHANGEABLE_FIELDS, fullName, generateFieldValue, initialFieldValue, type LeadFieldStore, type LeadValue, valueAsText } from './leads';
import * as F from './marketo-facts';
import { formatActivityDate } from './paging';
import { rngFor, type Rng } from './prng';
import * as S from './sample-data';

export type AttributeValue = string | number | boolean;

export interface ActivityAttribute {
  name: string;
  value: AttributeValue;
  /** Present on attributes of custom activity types (Activities). */
  apiName?: string;
}

/** An activity as Get Lead Activities returns it. */
export interface Activity {
  id?: number;
  marketoGUID: string;
  leadId: number;
  activityDate: string;
  activityTypeId: number;
  campaignId?: number;
  primaryAttributeValueId?: number;
  primaryAttributeValue?: string;
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

/** Details stored for activities that were not generated from the seed. */
export interface ExplicitDetails {
  campaignId?: number;
  primaryAttributeValueId?: number;
  primaryAttributeValue?: string;
  attributes: ActivityAttribute[];
  /** For Change Data Value: the changed field. */
  change?: Change;
}

// Independent random streams per purpose: changing one generator must not shift another.
export const SALT_DETAILS = 0xde7a11;
export const SALT_CHANGED_FIELD = 0xf1e1d;
export const SALT_FIELD_VALUE = 0x7a1e;
export const SALT_MERGE = 0x3e26e;

/**
 * A change draws new values until one differs from the current value (Marketo logs no change
 * otherwise); this many draws are allowed, which makes an unchanged boolean a 1-in-65536 event.
 */
export const MAX_VALUE_ATTEMPTS = 16;

/** Value keys tell which random draw produced a field value: 0 = the lead's initial value. */
export function valueKey(activityId: number, attempt: number): number {
  return activityId * MAX_VALUE_ATTEMPTS + attempt;
}

/** Change Data Value / Change Score links pack (previous value key, attempt) in one number. */
export function packChangeLink(previousKey: number, attempt: number): number {
  return previousKey * MAX_VALUE_ATTEMPTS + attempt;
}

export function unpackChangeLink(link: number): { previousKey: number; attempt: number } {
  return { previousKey: Math.floor(link / MAX_VALUE_ATTEMPTS), attempt: link % MAX_VALUE_ATTEMPTS };
}

/** Which lead field a generated Change Data Value activity changes. */
export function changedFieldOf(seed: number, activityId: number): string {
  const rng = rngFor(seed, SALT_CHANGED_FIELD, activityId);
  return CHANGEABLE_FIELDS[rng.int(0, CHANGEABLE_FIELDS.length - 1)];
}

/** The field value drawn under a value key (0 = the generated lead's initial value). */
export function valueForKey(seed: number, key: number, field: string, leadId: number): LeadValue {
  if (key === 0) return initialFieldValue(seed, leadId, field);
  const activityId = Math.floor(key / MAX_VALUE_ATTEMPTS);
  const attempt = key % MAX_VALUE_ATTEMPTS;
  return generateFieldValue(field, rngFor(seed, SALT_FIELD_VALUE, activityId, attempt), leadId);
}

/** How many leads a generated Merge Leads activity merges into its winner. */
export function mergedCountOf(seed: number, activityId: number): number {
  return rngFor(seed, SALT_MERGE, activityId).chance(0.8) ? 1 : 2;
}

function ymd(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().slice(0, 10);
}

function ip(rng: Rng): string {
  return `${rng.int(11, 223)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
}

function requestIdLike(rng: Rng, dateSec: number): string {
  return `${rng.int(1, 0x1ffff).toString(16)}#${(dateSec * 1000 + rng.int(0, 999)).toString(16)}`;
}

/** Builds attributes in order, leaving out empty values as Marketo does (Activities). */
class AttributeList {
  readonly items: ActivityAttribute[] = [];
  add(name: string, value: AttributeValue | null | undefined, apiName?: string): this {
    if (value === null || value === undefined || value === '') return this;
    this.items.push(apiName ? { name, value, apiName } : { name, value });
    return this;
  }
}

interface Generated {
  campaignId?: number;
  primaryAttributeValueId?: number;
  primaryAttributeValue?: string;
  attributes: ActivityAttribute[];
  change?: Change;
}

export interface DetailsContext {
  seed: number;
  /** The sandbox's own API user: some generated changes are attributed to it. */
  apiUser: string;
  fields: LeadFieldStore;
  /** Leave `id` out of activities, as "Activity Service" instances do (Activities). */
  omitActivityIds: boolean;
  /** Types and attributes added since the sandbox started: their values on the activities created since. */
  typeChanges?: { extend<T extends Generated>(row: ActivityRow, details: T): T };
}

export class ActivityDetails {
  private readonly explicit = new Map<number, ExplicitDetails>();

  constructor(private readonly ctx: DetailsContext) {}

  setExplicit(activityId: number, details: ExplicitDetails): void {
    this.explicit.set(activityId, details);
  }

  /** The changed field of a Change Data Value row with its old and new values. */
  changeOf(row: ActivityRow): Change | undefined {
    if (row.typeId !== F.TYPE_CHANGE_DATA_VALUE && row.typeId !== F.TYPE_CHANGE_SCORE) return undefined;
    const explicit = this.explicit.get(row.id);
    if (explicit) return explicit.change;
    const field = row.typeId === F.TYPE_CHANGE_SCORE ? 'leadScore' : changedFieldOf(this.ctx.seed, row.id);
    const { previousKey, attempt } = unpackChangeLink(row.link);
    return {
      field,
      oldValue: valueForKey(this.ctx.seed, previousKey, field, row.leadId),
      newValue: valueForKey(this.ctx.seed, valueKey(row.id, attempt), field, row.leadId),
    };
  }

  /** The activity as Get Lead Activities serves it. */
  activity(row: ActivityRow): Activity {
    const d = this.details(row);
    const out: Activity = this.head(row);
    if (d.campaignId !== undefined) out.campaignId = d.campaignId;
    if (d.primaryAttributeValueId !== undefined) out.primaryAttributeValueId = d.primaryAttributeValueId;
    if (d.primaryAttributeValue !== undefined) out.primaryAttributeValue = d.primaryAttributeValue;
    out.attributes = d.attributes;
    return out;
  }

  /**
   * The activity as Get Lead Changes serves it, or undefined when it is a Change Data Value of a
   * field not in `fields`. Type 13 items carry `fields` and no primary attribute; New Lead items
   * keep their primary attribute and have no `fields` (Activities).
   */
  leadChange(row: ActivityRow, fields: ReadonlySet<string>): LeadChange | undefined {
    const d = this.details(row);
    const out: LeadChange = this.head(row);
    if (d.campaignId !== undefined) out.campaignId = d.campaignId;
    if (row.typeId === F.TYPE_CHANGE_DATA_VALUE) {
      const change = d.change;
      if (!change || !fields.has(change.field)) return undefined;
      const desc = this.ctx.fields.getAny(change.field);
      out.fields = [
        {
          id: desc?.id ?? 0,
          name: change.field,
          newValue: valueAsText(change.newValue),
          oldValue: valueAsText(change.oldValue),
        },
      ];
    } else {
      if (d.primaryAttributeValueId !== undefined) out.primaryAttributeValueId = d.primaryAttributeValueId;
      if (d.primaryAttributeValue !== undefined) out.primaryAttributeValue = d.primaryAttributeValue;
    }
    out.attributes = d.attributes;
    return out;
  }

  private head(row: ActivityRow): Activity {
    const out = {} as Activity;
    if (!this.ctx.omitActivityIds) out.id = row.id;
    out.marketoGUID = String(row.id);
    out.leadId = row.leadId;
    out.activityDate = formatActivityDate(row.dateSec);
    out.activityTypeId = row.typeId;
    return out;
  }

  private details(row: ActivityRow): Generated {
    const details = this.explicit.get(row.id) ?? this.generate(row);
    return this.ctx.typeChanges ? this.ctx.typeChanges.extend(row, details) : details;
  }

  private generate(row: ActivityRow): Generated {
    const { seed } = this.ctx;
    const rng = rngFor(seed, SALT_DETAILS, row.id);
    const a = new AttributeList();
    const campaign = rng.pick(S.CAMPAIGNS);
    const agent = rng.pick(S.USER_AGENTS);
    switch (row.typeId) {
      case F.TYPE_VISIT_WEBPAGE: {
        const page = rng.pick(S.WEBPAGES);
        const referred = rng.chance(0.4);
        const searched = referred && rng.chance(0.3);
        a.add('Client IP Address', ip(rng))
          .add('Query Parameters', rng.chance(0.25) ? `utm_source=${rng.pick(['google', 'linkedin', 'newsletter'])}` : '')
          .add('Referrer URL', referred ? rng.pick(S.REFERRERS) : '')
          .add('Search Engine', searched ? 'www.google.com' : '')
          .add('Search Query', searched ? rng.pick(S.SEARCH_QUERIES) : '')
          .add('User Agent', agent)
          .add('Webpage URL', page.url.slice(page.url.indexOf('/')));
        return { primaryAttributeValueId: page.id, primaryAttributeValue: page.url, attributes: a.items };
      }
      case F.TYPE_FILL_OUT_FORM: {
        const form = rng.pick(S.FORMS);
        const first = initialFieldValue(seed, row.leadId, 'firstName');
        const email = initialFieldValue(seed, row.leadId, 'email');
        a.add('Client IP Address', ip(rng))
          // Marketo stores submitted form fields PHP-serialized.
          .add('Form Fields', phpSerialize({ FirstName: String(first ?? ''), Email: String(email ?? ''), munchkinId: '123-ABC-456' }))
          .add('Query Parameters', rng.chance(0.3) ? 'utm_campaign=q1' : '')
          .add('Referrer URL', rng.chance(0.5) ? rng.pick(S.REFERRERS) : '')
          .add('User Agent', agent)
          .add('Webpage ID', form.pageId);
        return { primaryAttributeValueId: form.id, primaryAttributeValue: form.name, attributes: a.items };
      }
      case F.TYPE_SEND_EMAIL:
      case F.TYPE_EMAIL_DELIVERED: {
        const email = rng.pick(S.EMAILS);
        a.add('Campaign Run ID', rng.int(1000, 9999)).add('Choice Number', 0).add('Step ID', rng.int(1, 20));
        return { campaignId: campaign.id, primaryAttributeValueId: email.id, primaryAttributeValue: email.name, attributes: a.items };
      }
      case F.TYPE_EMAIL_BOUNCED: {
        const email = rng.pick(S.EMAILS);
        const bounce = rng.pick(S.BOUNCE_CATEGORIES);
        a.add('Campaign Run ID', rng.int(1000, 9999))
          .add('Category', bounce.category)
          .add('Choice Number', 0)
          .add('Details', bounce.details)
          .add('Email', String(initialFieldValue(seed, row.leadId, 'email') ?? ''))
          .add('Step ID', rng.int(1, 20))
          .add('Subcategory', bounce.subcategory);
        return { campaignId: campaign.id, primaryAttributeValueId: email.id, primaryAttributeValue: email.name, attributes: a.items };
      }
      case F.TYPE_UNSUBSCRIBE_EMAIL: {
        const email = rng.pick(S.EMAILS);
        a.add('Campaign Run ID', rng.int(1000, 9999)).add('Client IP Address', ip(rng)).add('User Agent', agent).add('Webform ID', 1004).add('Webpage ID', 71);
        return { primaryAttributeValueId: email.id, primaryAttributeValue: email.name, attributes: a.items };
      }
      case F.TYPE_OPEN_EMAIL:
      case F.TYPE_CLICK_EMAIL: {
        const email = rng.pick(S.EMAILS);
        const mobile = agent.includes('Mobile') || agent.includes('iPhone');
        a.add('Campaign Run ID', rng.int(1000, 9999))
          .add('Choice Number', 0)
          .add('Device', mobile ? 'Mobile' : 'Desktop')
          .add('Is Mobile Device', mobile);
        if (row.typeId === F.TYPE_CLICK_EMAIL) a.add('Link', rng.pick(S.EMAIL_LINKS));
        a.add('Platform', mobile ? 'iOS' : rng.pick(['Windows', 'Mac OS', 'Linux']))
          .add('Step ID', rng.int(1, 20))
          .add('User Agent', agent);
        return { primaryAttributeValueId: email.id, primaryAttributeValue: email.name, attributes: a.items };
      }
      case F.TYPE_NEW_LEAD: {
        const sourceType = rng.pick(S.NEW_LEAD_SOURCE_TYPES);
        const name = fullName({
          firstName: initialFieldValue(seed, row.leadId, 'firstName'),
          lastName: initialFieldValue(seed, row.leadId, 'lastName'),
        });
        a.add('Created Date', ymd(row.dateSec))
          .add('Form Name', sourceType === 'Web form fillout' ? rng.pick(S.FORMS).name : '')
          .add('Lead Source', initialFieldValue(seed, row.leadId, 'leadSource'))
          .add('List Name', sourceType === 'List import' ? rng.pick(S.STATIC_LISTS).name : '')
          .add('SFDC Type', '')
          .add('Source Type', sourceType);
        return { primaryAttributeValueId: row.leadId, primaryAttributeValue: name, attributes: a.items };
      }
      case F.TYPE_CHANGE_DATA_VALUE:
        return this.generateChangeDataValue(row, rng, this.changeOf(row));
      case F.TYPE_CHANGE_SCORE:
        return this.generateChangeScore(row, rng, this.changeOf(row));
      case F.TYPE_ADD_TO_LIST: {
        const list = rng.pick(S.STATIC_LISTS);
        a.add('Source', rng.chance(0.5) ? 'Smart Campaign' : '');
        return { campaignId: campaign.id, primaryAttributeValueId: list.id, primaryAttributeValue: list.name, attributes: a.items };
      }
      case F.TYPE_MERGE_LEADS: {
        const count = mergedCountOf(seed, row.id);
        const mergedIds = Array.from({ length: count }, (_, k) => row.link + k);
        a.add('Master Updated', rng.chance(0.5))
          .add('Merge IDs', `[${mergedIds.join(',')}]`)
          .add('Merge Source', rng.pick(['Web service API', 'Marketo UI']))
          .add('Merged in Sales', false);
        const name = fullName({
          firstName: initialFieldValue(seed, row.leadId, 'firstName'),
          lastName: initialFieldValue(seed, row.leadId, 'lastName'),
        });
        return { primaryAttributeValueId: row.leadId, primaryAttributeValue: name, attributes: a.items };
      }
      case F.TYPE_DELETE_LEAD: {
        // The deleted lead's name, recomputed from the seed as it was generated.
        const name = fullName({
          firstName: initialFieldValue(seed, row.leadId, 'firstName'),
          lastName: initialFieldValue(seed, row.leadId, 'lastName'),
        });
        return { primaryAttributeValueId: row.leadId, primaryAttributeValue: name, attributes: [] };
      }
      case F.TYPE_INTERESTING_MOMENT: {
        const moment = rng.pick(S.INTERESTING_MOMENTS);
        a.add('Date', formatActivityDate(row.dateSec)).add('Source', moment.source).add('Type', moment.type);
        // A primary attribute with a value but no value id: clients must tolerate it (Activities).
        return { primaryAttributeValue: moment.description, attributes: a.items };
      }
      case F.TYPE_CHANGE_STATUS_IN_PROGRESSION: {
        const program = rng.pick(S.PROGRAMS);
        const k = rng.int(0, S.PROGRAM_STATUSES.length - 2);
        const [oldId, oldName] = S.PROGRAM_STATUSES[k];
        const [newId, newName, success] = S.PROGRAM_STATUSES[k + 1];
        a.add('Acquired By', rng.chance(0.2))
          .add('New Status', newName)
          .add('New Status ID', newId)
          .add('Old Status', oldName)
          .add('Old Status ID', oldId)
          .add('Program Member ID', rng.int(100000, 999999))
          .add('Reason', rng.chance(0.5) ? `Changed by Smart Campaign ${campaign.name} action Change Program Status` : 'Changed by API')
          .add('Success', success);
        return { campaignId: campaign.id, primaryAttributeValueId: program.id, primaryAttributeValue: program.name, attributes: a.items };
      }
      case F.TYPE_CUSTOM_WEBINAR: {
        const webinar = rng.pick(S.WEBINARS);
        const live = rng.chance(0.7);
        a.add('Attended Live', live, 'attendedLive')
          .add('Minutes Attended', rng.int(1, 60), 'minutesAttended')
          .add('Rating', Math.round(rng.next() * 40 + 10) / 10, 'rating')
          .add('Registration Date', ymd(row.dateSec - rng.int(1, 20) * 86400), 'registrationDate')
          .add('Webinar Name', webinar.name, 'webinarName');
        return { primaryAttributeValueId: webinar.id, primaryAttributeValue: webinar.name, attributes: a.items };
      }
      default:
        return { attributes: [] };
    }
  }

  /**
   * Change Data Value (Activities): primary attribute = the lead field (id, display name); New and
   * Old Value as text; Reason/Source say who changed it. Changes made through the API also name
   * the API user ("Modifying User"), which is what lets a two-way sync skip its own writes.
   */
  private generateChangeDataValue(row: ActivityRow, rng: Rng, change: Change | undefined): Generated {
    if (!change) return { attributes: [] };
    // The draws happen in a fixed order (kind, who, then the API method and request id), so the
    // same seed keeps giving the same attributes.
    const kind = rng.next();
    let origin: ChangeOrigin;
    if (kind < 0.45) {
      const apiUser = rng.chance(0.5) ? this.ctx.apiUser : rng.pick(S.OTHER_API_USERS);
      const apiMethodName = rng.pick(S.API_METHOD_NAMES);
      origin = { kind: 'api', apiUser, apiMethodName, requestId: requestIdLike(rng, row.dateSec) };
    } else if (kind < 0.75) {
      origin = { kind: 'flow', campaign: rng.pick(S.CAMPAIGNS) };
    } else if (kind < 0.9) {
      origin = { kind: 'form', formName: rng.pick(S.FORMS).name };
    } else {
      origin = { kind: 'ui' };
    }
    return this.changeDataValueDetails(change, origin);
  }

  /**
   * The details of a Change Data Value made by `origin`: what generated changes carry and what
   * lead writes (Sync Leads, the in-process helpers) store for the activities they log.
   */
  changeDataValueDetails(change: Change, origin: ChangeOrigin): ExplicitDetails {
    const a = new AttributeList();
    const desc = this.ctx.fields.getAny(change.field);
    let campaignId: number | undefined;
    let reason: string;
    let source: string;
    switch (origin.kind) {
      case 'api':
        reason = F.API_SOURCE;
        source = F.API_SOURCE;
        break;
      case 'flow':
        campaignId = origin.campaign.id;
        reason = `Changed by Smart Campaign ${origin.campaign.name} action Change Data Value`;
        source = F.FLOW_CHANGE_SOURCE;
        break;
      case 'form':
        reason = `Form fill-out: ${origin.formName}`;
        source = F.FORM_SOURCE;
        break;
      default:
        reason = F.UI_CHANGE_REASON;
        source = F.UI_CHANGE_SOURCE;
    }
    if (origin.kind === 'api') a.add('Api Method Name', origin.apiMethodName).add('Modifying User', origin.apiUser);
    a.add('New Value', valueAsText(change.newValue)).add('Old Value', valueAsText(change.oldValue)).add('Reason', reason);
    if (origin.kind === 'api') a.add('Request Id', origin.requestId);
    a.add('Source', source);
    const out: ExplicitDetails = {
      primaryAttributeValueId: desc?.id,
      primaryAttributeValue: desc?.displayName ?? change.field,
      attributes: a.items,
      change,
    };
    if (campaignId !== undefined) out.campaignId = campaignId;
    return out;
  }

  /** New Lead (Activities) of a lead created by a write: the generated attributes, from the lead's own values. */
  newLeadDetails(lead: Readonly<Record<string, LeadValue | undefined>> & { id: number }, dateSec: number, sourceType: string): ExplicitDetails {
    const a = new AttributeList();
    a.add('Created Date', ymd(dateSec))
      .add('Lead Source', lead['leadSource'] ?? null)
      .add('Source Type', sourceType);
    return { primaryAttributeValueId: lead.id, primaryAttributeValue: fullName(lead), attributes: a.items };
  }

  /** Merge Leads (Leads) on the winner, naming the merged-away ids as generated merges do. */
  mergeLeadsDetails(
    winner: Readonly<Record<string, LeadValue | undefined>> & { id: number },
    loserIds: readonly number[],
    opts: { masterUpdated: boolean; mergeSource: string },
  ): ExplicitDetails {
    const a = new AttributeList();
    a.add('Master Updated', opts.masterUpdated)
      .add('Merge IDs', `[${loserIds.join(',')}]`)
      .add('Merge Source', opts.mergeSource)
      .add('Merged in Sales', false);
    return { primaryAttributeValueId: winner.id, primaryAttributeValue: fullName(winner), attributes: a.items };
  }

  /** Delete Lead (Activities) as generated ones look: the lead id and name, no attributes. */
  deleteLeadDetails(lead: Readonly<Record<string, LeadValue | undefined>> & { id: number }): ExplicitDetails {
    return { primaryAttributeValueId: lead.id, primaryAttributeValue: fullName(lead), attributes: [] };
  }

  /** Change Score (Activities) of a score changed by a test (a scoring campaign): the generated attributes with this reason. */
  changeScoreDetails(change: Change, reason: string): ExplicitDetails {
    const generated = this.generateChangeScore(
      { typeId: F.TYPE_CHANGE_SCORE, id: 0, dateSec: 0, leadId: 0, link: 0 },
      rngFor(this.ctx.seed, SALT_DETAILS, 0),
      change,
    );
    return { ...generated, attributes: generated.attributes.map((a) => (a.name === 'Reason' ? { ...a, value: reason } : a)), change };
  }

  /**
   * Change Segment (Activities): the segmentation as primary attribute and the new segment's id. The
   * change (segmentation field, old and new segment names) is kept so that leads and activities agree.
   */
  changeSegmentDetails(change: Change, segmentation: { id: number; name: string }, newSegmentId: number): ExplicitDetails {
    const a = new AttributeList().add('New Segment ID', newSegmentId);
    return { primaryAttributeValueId: segmentation.id, primaryAttributeValue: segmentation.name, attributes: a.items, change };
  }

  /** Change Lead Partition (Activities): the new partition as primary attribute, the old one and a reason. */
  changeLeadPartitionDetails(change: Change, newPartition: { id: number; name: string }, reason: string): ExplicitDetails {
    const a = new AttributeList().add('Old Partition ID', change.oldValue === null ? null : Number(change.oldValue)).add('Reason', reason);
    return { primaryAttributeValueId: newPartition.id, primaryAttributeValue: newPartition.name, attributes: a.items, change };
  }

  /** Change Score (Activities): the score field as primary attribute, old/new value and the delta. */
  private generateChangeScore(row: ActivityRow, rng: Rng, change: Change | undefined): Generated {
    const a = new AttributeList();
    const oldScore = Number(change?.oldValue ?? 0);
    const newScore = Number(change?.newValue ?? 0);
    const delta = newScore - oldScore;
    a.add('Change Value', delta >= 0 ? `+${delta}` : String(delta))
      .add('New Value', newScore)
      .add('Old Value', oldScore)
      .add('Reason', rng.pick(['Visited pricing page', 'Opened email', 'Attended webinar', 'Score decay']));
    const field = this.ctx.fields.getAny('leadScore');
    return {
      campaignId: 3103, // Operational.Lead Scoring
      primaryAttributeValueId: field?.id ?? 146,
      primaryAttributeValue: field?.displayName ?? 'Lead Score',
      attributes: a.items,
      change,
    };
  }

  /**
   * Stores the details of a change whose old value cannot be recomputed from the seed (the
   * value before it was written explicitly), so that it is served exactly as generated now.
   */
  freezeChange(row: ActivityRow, change: Change): void {
    const rng = rngFor(this.ctx.seed, SALT_DETAILS, row.id);
    const generated = row.typeId === F.TYPE_CHANGE_SCORE ? this.generateChangeScore(row, rng, change) : this.generateChangeDataValue(row, rng, change);
    this.explicit.set(row.id, { ...generated, change });
  }
}

/** PHP serialize() of a flat string map, the format of the "Form Fields" attribute. */
function phpSerialize(values: Record<string, string>): string {
  const entries = Object.entries(values);
  const str = (s: string): string => `s:${Buffer.byteLength(s, 'utf8')}:"${s}";`;
  return `a:${entries.length}:{${entries.map(([k, v]) => str(k) + str(v)).join('')}}`;
}

// Marketo documentation cited above by page name:
// - Activities: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/activities
// - Leads: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/leads
