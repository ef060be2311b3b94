// The details of generated activities, one entry per activity type: what each type's attributes,
// primary attribute and campaign look like, drawn from the activity's own random stream. The draw
// order inside an entry is part of the data: a changed order changes every seed's history.

import { mergedCountOf } from './activity-seeds';
import { AttributeList, type Change, type ChangeOrigin, type Details } from './activity-json';
import type { ActivityRow } from './activity-store';
import { fullName, initialFieldValue } from './leads';
import * as MarketoFacts from './marketo-facts';
import { formatActivityDate } from './paging';
import type { Rng } from './prng';
import * as SampleData from './sample-data';

/** What every type's generator gets: the row, its random stream, and the campaign and user agent drawn first for every type. */
export interface GenerationInput {
  seed: number;
  row: ActivityRow;
  rng: Rng;
  campaign: { id: number; name: string };
  agent: string;
}

type Generator = (input: GenerationInput) => Details;

export function ymd(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().slice(0, 10);
}

function ip(rng: Rng): string {
  return `${rng.int(11, 223)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
}

function requestIdLike(rng: Rng, dateSec: number): string {
  return `${rng.int(1, 0x1ffff).toString(16)}#${(dateSec * 1000 + rng.int(0, 999)).toString(16)}`;
}

/** The generated lead's name, recomputed from the seed as it was generated. */
function leadName(seed: number, leadId: number): string {
  return fullName({ firstName: initialFieldValue(seed, leadId, 'firstName'), lastName: initialFieldValue(seed, leadId, 'lastName') });
}

/** PHP serialize() of a flat string map, the format of the "Form Fields" attribute. */
function phpSerialize(values: Record<string, string>): string {
  const entries = Object.entries(values);
  const str = (s: string): string => `s:${Buffer.byteLength(s, 'utf8')}:"${s}";`;
  return `a:${entries.length}:{${entries.map(([k, v]) => str(k) + str(v)).join('')}}`;
}

const emailSent: Generator = ({ rng, campaign }) => {
  const email = rng.pick(SampleData.EMAILS);
  const attributes = new AttributeList().add('Campaign Run ID', rng.int(1000, 9999)).add('Choice Number', 0).add('Step ID', rng.int(1, 20));
  return { campaignId: campaign.id, primaryAttributeValueId: email.id, primaryAttributeValue: email.name, attributes: attributes.items };
};

/** Open Email and Click Email (which also names the link). */
const emailEngagement =
  (clicked: boolean): Generator =>
  ({ rng, agent }) => {
    const email = rng.pick(SampleData.EMAILS);
    const mobile = agent.includes('Mobile') || agent.includes('iPhone');
    const attributes = new AttributeList()
      .add('Campaign Run ID', rng.int(1000, 9999))
      .add('Choice Number', 0)
      .add('Device', mobile ? 'Mobile' : 'Desktop')
      .add('Is Mobile Device', mobile);
    if (clicked) attributes.add('Link', rng.pick(SampleData.EMAIL_LINKS));
    attributes
      .add('Platform', mobile ? 'iOS' : rng.pick(['Windows', 'Mac OS', 'Linux']))
      .add('Step ID', rng.int(1, 20))
      .add('User Agent', agent);
    return { primaryAttributeValueId: email.id, primaryAttributeValue: email.name, attributes: attributes.items };
  };

/** Generators of the types whose details need nothing but the seed (Change Data Value and Change Score need the lead fields: see ActivityDetails). */
export const GENERATORS: ReadonlyMap<number, Generator> = new Map<number, Generator>([
  [
    MarketoFacts.TYPE_VISIT_WEBPAGE,
    ({ rng, agent }) => {
      const page = rng.pick(SampleData.WEBPAGES);
      const referred = rng.chance(0.4);
      const searched = referred && rng.chance(0.3);
      const attributes = new AttributeList()
        .add('Client IP Address', ip(rng))
        .add('Query Parameters', rng.chance(0.25) ? `utm_source=${rng.pick(['google', 'linkedin', 'newsletter'])}` : '')
        .add('Referrer URL', referred ? rng.pick(SampleData.REFERRERS) : '')
        .add('Search Engine', searched ? 'www.google.com' : '')
        .add('Search Query', searched ? rng.pick(SampleData.SEARCH_QUERIES) : '')
        .add('User Agent', agent)
        .add('Webpage URL', page.url.slice(page.url.indexOf('/')));
      return { primaryAttributeValueId: page.id, primaryAttributeValue: page.url, attributes: attributes.items };
    },
  ],
  [
    MarketoFacts.TYPE_FILL_OUT_FORM,
    ({ seed, row, rng, agent }) => {
      const form = rng.pick(SampleData.FORMS);
      const first = initialFieldValue(seed, row.leadId, 'firstName');
      const email = initialFieldValue(seed, row.leadId, 'email');
      const attributes = new AttributeList()
        .add('Client IP Address', ip(rng))
        // Marketo stores submitted form fields PHP-serialized.
        .add('Form Fields', phpSerialize({ FirstName: String(first ?? ''), Email: String(email ?? ''), munchkinId: '123-ABC-456' }))
        .add('Query Parameters', rng.chance(0.3) ? 'utm_campaign=q1' : '')
        .add('Referrer URL', rng.chance(0.5) ? rng.pick(SampleData.REFERRERS) : '')
        .add('User Agent', agent)
        .add('Webpage ID', form.pageId);
      return { primaryAttributeValueId: form.id, primaryAttributeValue: form.name, attributes: attributes.items };
    },
  ],
  [MarketoFacts.TYPE_SEND_EMAIL, emailSent],
  [MarketoFacts.TYPE_EMAIL_DELIVERED, emailSent],
  [
    MarketoFacts.TYPE_EMAIL_BOUNCED,
    ({ seed, row, rng, campaign }) => {
      const email = rng.pick(SampleData.EMAILS);
      const bounce = rng.pick(SampleData.BOUNCE_CATEGORIES);
      const attributes = new AttributeList()
        .add('Campaign Run ID', rng.int(1000, 9999))
        .add('Category', bounce.category)
        .add('Choice Number', 0)
        .add('Details', bounce.details)
        .add('Email', String(initialFieldValue(seed, row.leadId, 'email') ?? ''))
        .add('Step ID', rng.int(1, 20))
        .add('Subcategory', bounce.subcategory);
      return { campaignId: campaign.id, primaryAttributeValueId: email.id, primaryAttributeValue: email.name, attributes: attributes.items };
    },
  ],
  [
    MarketoFacts.TYPE_UNSUBSCRIBE_EMAIL,
    ({ rng, agent }) => {
      const email = rng.pick(SampleData.EMAILS);
      const attributes = new AttributeList()
        .add('Campaign Run ID', rng.int(1000, 9999))
        .add('Client IP Address', ip(rng))
        .add('User Agent', agent)
        .add('Webform ID', 1004)
        .add('Webpage ID', 71);
      return { primaryAttributeValueId: email.id, primaryAttributeValue: email.name, attributes: attributes.items };
    },
  ],
  [MarketoFacts.TYPE_OPEN_EMAIL, emailEngagement(false)],
  [MarketoFacts.TYPE_CLICK_EMAIL, emailEngagement(true)],
  [
    MarketoFacts.TYPE_NEW_LEAD,
    ({ seed, row, rng }) => {
      const sourceType = rng.pick(SampleData.NEW_LEAD_SOURCE_TYPES);
      const name = leadName(seed, row.leadId);
      const attributes = new AttributeList()
        .add('Created Date', ymd(row.dateSec))
        .add('Form Name', sourceType === 'Web form fillout' ? rng.pick(SampleData.FORMS).name : '')
        .add('Lead Source', initialFieldValue(seed, row.leadId, 'leadSource'))
        .add('List Name', sourceType === 'List import' ? rng.pick(SampleData.STATIC_LISTS).name : '')
        .add('SFDC Type', '')
        .add('Source Type', sourceType);
      return { primaryAttributeValueId: row.leadId, primaryAttributeValue: name, attributes: attributes.items };
    },
  ],
  [
    MarketoFacts.TYPE_ADD_TO_LIST,
    ({ rng, campaign }) => {
      const list = rng.pick(SampleData.STATIC_LISTS);
      const attributes = new AttributeList().add('Source', rng.chance(0.5) ? 'Smart Campaign' : '');
      return { campaignId: campaign.id, primaryAttributeValueId: list.id, primaryAttributeValue: list.name, attributes: attributes.items };
    },
  ],
  [
    MarketoFacts.TYPE_MERGE_LEADS,
    ({ seed, row, rng }) => {
      const count = mergedCountOf(seed, row.id);
      const mergedIds = Array.from({ length: count }, (_, k) => row.link + k);
      const attributes = new AttributeList()
        .add('Master Updated', rng.chance(0.5))
        .add('Merge IDs', `[${mergedIds.join(',')}]`)
        .add('Merge Source', rng.pick(['Web service API', 'Marketo UI']))
        .add('Merged in Sales', false);
      return { primaryAttributeValueId: row.leadId, primaryAttributeValue: leadName(seed, row.leadId), attributes: attributes.items };
    },
  ],
  // The deleted lead's id and name, no attributes.
  [
    MarketoFacts.TYPE_DELETE_LEAD,
    ({ seed, row }) => ({ primaryAttributeValueId: row.leadId, primaryAttributeValue: leadName(seed, row.leadId), attributes: [] }),
  ],
  [
    MarketoFacts.TYPE_INTERESTING_MOMENT,
    ({ row, rng }) => {
      const moment = rng.pick(SampleData.INTERESTING_MOMENTS);
      const attributes = new AttributeList().add('Date', formatActivityDate(row.dateSec)).add('Source', moment.source).add('Type', moment.type);
      // A primary attribute with a value but no value id: clients must tolerate it (Activities).
      return { primaryAttributeValue: moment.description, attributes: attributes.items };
    },
  ],
  [
    MarketoFacts.TYPE_CHANGE_STATUS_IN_PROGRESSION,
    ({ rng, campaign }) => {
      const program = rng.pick(SampleData.PROGRAMS);
      const step = rng.int(0, SampleData.PROGRAM_STATUSES.length - 2);
      const [oldId, oldName] = SampleData.PROGRAM_STATUSES[step];
      const [newId, newName, success] = SampleData.PROGRAM_STATUSES[step + 1];
      const attributes = new AttributeList()
        .add('Acquired By', rng.chance(0.2))
        .add('New Status', newName)
        .add('New Status ID', newId)
        .add('Old Status', oldName)
        .add('Old Status ID', oldId)
        .add('Program Member ID', rng.int(100000, 999999))
        .add('Reason', rng.chance(0.5) ? `Changed by Smart Campaign ${campaign.name} action Change Program Status` : 'Changed by API')
        .add('Success', success);
      return { campaignId: campaign.id, primaryAttributeValueId: program.id, primaryAttributeValue: program.name, attributes: attributes.items };
    },
  ],
  [
    MarketoFacts.TYPE_CUSTOM_WEBINAR,
    ({ row, rng }) => {
      const webinar = rng.pick(SampleData.WEBINARS);
      const live = rng.chance(0.7);
      const attributes = new AttributeList()
        .add('Attended Live', live, 'attendedLive')
        .add('Minutes Attended', rng.int(1, 60), 'minutesAttended')
        .add('Rating', Math.round(rng.next() * 40 + 10) / 10, 'rating')
        .add('Registration Date', ymd(row.dateSec - rng.int(1, 20) * 86400), 'registrationDate')
        .add('Webinar Name', webinar.name, 'webinarName');
      return { primaryAttributeValueId: webinar.id, primaryAttributeValue: webinar.name, attributes: attributes.items };
    },
  ],
]);

/**
 * Who made a generated Change Data Value. The draws happen in a fixed order (kind, who, then the
 * API method and request id), so the same seed keeps giving the same attributes.
 */
export function generatedChangeOrigin(rng: Rng, row: ActivityRow, sandboxApiUser: string): ChangeOrigin {
  const kind = rng.next();
  if (kind < 0.45) {
    const apiUser = rng.chance(0.5) ? sandboxApiUser : rng.pick(SampleData.OTHER_API_USERS);
    const apiMethodName = rng.pick(SampleData.API_METHOD_NAMES);
    return { kind: 'api', apiUser, apiMethodName, requestId: requestIdLike(rng, row.dateSec) };
  }
  if (kind < 0.75) return { kind: 'flow', campaign: rng.pick(SampleData.CAMPAIGNS) };
  if (kind < 0.9) return { kind: 'form', formName: rng.pick(SampleData.FORMS).name };
  return { kind: 'ui' };
}

/** Change Score (Activities): the score field as primary attribute, old/new value and the delta; the reason drawn. */
export function changeScoreDetails(rng: Rng, change: Change | undefined, scoreField: { id: number; displayName: string } | undefined): Details {
  const oldScore = Number(change?.oldValue ?? 0);
  const newScore = Number(change?.newValue ?? 0);
  const delta = newScore - oldScore;
  const attributes = new AttributeList()
    .add('Change Value', delta >= 0 ? `+${delta}` : String(delta))
    .add('New Value', newScore)
    .add('Old Value', oldScore)
    .add('Reason', rng.pick(['Visited pricing page', 'Opened email', 'Attended webinar', 'Score decay']));
  return {
    campaignId: 3103, // Operational.Lead Scoring
    primaryAttributeValueId: scoreField?.id ?? 146,
    primaryAttributeValue: scoreField?.displayName ?? 'Lead Score',
    attributes: attributes.items,
    change,
  };
}
