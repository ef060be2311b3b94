// The activity types the sandbox subscription has, as Get Activity Types describes them (Activities).
// Ids and attribute names are those of standard Marketo types; one custom type (100001) carries
// `apiName`s, as custom types do.

import * as MarketoFacts from './marketo-facts';

export interface ActivityAttributeType {
  name: string;
  dataType: string;
  apiName?: string;
}

export interface ActivityType {
  id: number;
  name: string;
  description?: string;
  apiName?: string;
  primaryAttribute?: ActivityAttributeType;
  attributes: ActivityAttributeType[];
}

const attr = (name: string, dataType: string): ActivityAttributeType => ({ name, dataType });

/** In the order Marketo lists them: by id. */
export const ACTIVITY_TYPES: readonly ActivityType[] = [
  {
    id: MarketoFacts.TYPE_VISIT_WEBPAGE,
    name: 'Visit Webpage',
    description: 'User visits a web page',
    primaryAttribute: attr('Webpage ID', 'integer'),
    // Exactly the attributes of the recorded real response (Activities).
    attributes: [
      attr('Client IP Address', 'string'),
      attr('Query Parameters', 'string'),
      attr('Referrer URL', 'string'),
      attr('Search Engine', 'string'),
      attr('Search Query', 'string'),
      attr('User Agent', 'string'),
      attr('Webpage URL', 'string'),
    ],
  },
  {
    id: MarketoFacts.TYPE_FILL_OUT_FORM,
    name: 'Fill Out Form',
    description: 'User fills out and submits form on web page',
    primaryAttribute: attr('Webform ID', 'integer'),
    attributes: [
      attr('Client IP Address', 'string'),
      attr('Form Fields', 'text'),
      attr('Query Parameters', 'string'),
      attr('Referrer URL', 'string'),
      attr('User Agent', 'string'),
      attr('Webpage ID', 'integer'),
    ],
  },
  {
    id: MarketoFacts.TYPE_SEND_EMAIL,
    name: 'Send Email',
    description: 'Send Marketo Email to a person',
    primaryAttribute: attr('Mailing ID', 'integer'),
    attributes: [attr('Campaign Run ID', 'integer'), attr('Choice Number', 'integer'), attr('Step ID', 'integer')],
  },
  {
    id: MarketoFacts.TYPE_EMAIL_DELIVERED,
    name: 'Email Delivered',
    description: 'Marketo Email is delivered to a person',
    primaryAttribute: attr('Mailing ID', 'integer'),
    attributes: [attr('Campaign Run ID', 'integer'), attr('Choice Number', 'integer'), attr('Step ID', 'integer')],
  },
  {
    id: MarketoFacts.TYPE_EMAIL_BOUNCED,
    name: 'Email Bounced',
    description: 'Marketo Email bounces for a person',
    primaryAttribute: attr('Mailing ID', 'integer'),
    attributes: [
      attr('Campaign Run ID', 'integer'),
      attr('Category', 'string'),
      attr('Choice Number', 'integer'),
      attr('Details', 'string'),
      attr('Email', 'email'),
      attr('Step ID', 'integer'),
      attr('Subcategory', 'string'),
    ],
  },
  {
    id: MarketoFacts.TYPE_UNSUBSCRIBE_EMAIL,
    name: 'Unsubscribe Email',
    description: 'Person unsubscribes from Marketo Emails',
    primaryAttribute: attr('Mailing ID', 'integer'),
    attributes: [
      attr('Campaign Run ID', 'integer'),
      attr('Client IP Address', 'string'),
      attr('Form Fields', 'text'),
      attr('Query Parameters', 'string'),
      attr('Referrer URL', 'string'),
      attr('User Agent', 'string'),
      attr('Webform ID', 'integer'),
      attr('Webpage ID', 'integer'),
    ],
  },
  {
    id: MarketoFacts.TYPE_OPEN_EMAIL,
    name: 'Open Email',
    description: 'User opens Marketo Email',
    primaryAttribute: attr('Mailing ID', 'integer'),
    attributes: [
      attr('Campaign Run ID', 'integer'),
      attr('Choice Number', 'integer'),
      attr('Device', 'string'),
      attr('Is Mobile Device', 'boolean'),
      attr('Platform', 'string'),
      attr('Step ID', 'integer'),
      attr('User Agent', 'string'),
    ],
  },
  {
    id: MarketoFacts.TYPE_CLICK_EMAIL,
    name: 'Click Email',
    description: 'User clicks on a link in a Marketo Email',
    primaryAttribute: attr('Mailing ID', 'integer'),
    attributes: [
      attr('Campaign Run ID', 'integer'),
      attr('Choice Number', 'integer'),
      attr('Device', 'string'),
      attr('Is Mobile Device', 'boolean'),
      attr('Link', 'string'),
      attr('Platform', 'string'),
      attr('Step ID', 'integer'),
      attr('User Agent', 'string'),
    ],
  },
  {
    id: MarketoFacts.TYPE_NEW_LEAD,
    name: 'New Lead',
    description: 'New person/record is added to the lead database',
    primaryAttribute: attr('Lead ID', 'integer'),
    attributes: [
      attr('Created Date', 'date'),
      attr('Form Name', 'string'),
      attr('Lead Source', 'string'),
      attr('List Name', 'string'),
      attr('SFDC Type', 'string'),
      attr('Source Type', 'string'),
    ],
  },
  {
    id: MarketoFacts.TYPE_CHANGE_DATA_VALUE,
    name: 'Change Data Value',
    description: 'Changed attribute value for a person',
    primaryAttribute: attr('Attribute Name', 'reference'),
    // "Api Method Name", "Modifying User" and "Request Id" are attached to changes made through
    // the API (names as Airbyte's source-marketo normalises them); their exact casing is UNVERIFIED.
    attributes: [
      attr('Api Method Name', 'string'),
      attr('Modifying User', 'string'),
      attr('New Value', 'text'),
      attr('Old Value', 'text'),
      attr('Reason', 'text'),
      attr('Request Id', 'string'),
      attr('Source', 'text'),
    ],
  },
  {
    id: MarketoFacts.TYPE_CHANGE_SCORE,
    name: 'Change Score',
    description: 'Change a score value for a person',
    primaryAttribute: attr('Score Name', 'reference'),
    attributes: [attr('Change Value', 'string'), attr('New Value', 'integer'), attr('Old Value', 'integer'), attr('Reason', 'text')],
  },
  {
    id: MarketoFacts.TYPE_ADD_TO_LIST,
    name: 'Add to List',
    description: 'Person is added to a static list',
    primaryAttribute: attr('List ID', 'integer'),
    attributes: [attr('Source', 'string')],
  },
  {
    id: MarketoFacts.TYPE_REMOVE_FROM_LIST,
    name: 'Remove from List',
    description: 'Person is removed from a static list',
    primaryAttribute: attr('List ID', 'integer'),
    attributes: [attr('Source', 'string')],
  },
  {
    id: MarketoFacts.TYPE_MERGE_LEADS,
    name: 'Merge Leads',
    description: 'Merge two or more person records',
    primaryAttribute: attr('Lead ID', 'integer'),
    // Only "Merge IDs" is documented; the other names follow Fivetran's columns (UNVERIFIED).
    attributes: [
      attr('Master Updated', 'boolean'),
      attr('Merge Fields', 'text'),
      attr('Merge IDs', 'text'),
      attr('Merge Source', 'string'),
      attr('Merged in Sales', 'boolean'),
    ],
  },
  {
    id: MarketoFacts.TYPE_DELETE_LEAD,
    name: 'Delete Lead',
    description: 'Delete a person from the lead database',
    primaryAttribute: attr('Lead ID', 'integer'),
    attributes: [attr('Remove from CRM', 'boolean')],
  },
  {
    id: MarketoFacts.TYPE_INTERESTING_MOMENT,
    name: 'Interesting Moment',
    description: 'Interesting moment for a person',
    primaryAttribute: attr('Description', 'text'),
    attributes: [attr('Date', 'datetime'), attr('Source', 'string'), attr('Type', 'string')],
  },
  {
    id: MarketoFacts.TYPE_CHANGE_LEAD_PARTITION,
    name: 'Change Lead Partition',
    description: 'Move a person to another lead partition',
    // Attribute names from Adobe's activity event list (Activities); which one is primary is UNVERIFIED.
    primaryAttribute: attr('New Partition ID', 'integer'),
    attributes: [attr('Old Partition ID', 'integer'), attr('Reason', 'text')],
  },
  {
    id: MarketoFacts.TYPE_CHANGE_STATUS_IN_PROGRESSION,
    name: 'Change Status in Progression',
    description: "Change a person's program status",
    primaryAttribute: attr('Program ID', 'integer'),
    attributes: [
      attr('Acquired By', 'boolean'),
      attr('New Status', 'string'),
      attr('New Status ID', 'integer'),
      attr('Old Status', 'string'),
      attr('Old Status ID', 'integer'),
      attr('Program Member ID', 'integer'),
      attr('Reason', 'text'),
      attr('Success', 'boolean'),
    ],
  },
  {
    id: MarketoFacts.TYPE_CHANGE_SEGMENT,
    name: 'Change Segment',
    description: 'Change the segment of a segmentation for a person',
    primaryAttribute: attr('Segmentation ID', 'integer'),
    attributes: [attr('New Segment ID', 'integer')],
  },
  {
    id: MarketoFacts.TYPE_CUSTOM_WEBINAR,
    name: 'Attended Webinar',
    description: 'Custom activity: person attended a webinar (sandbox custom type)',
    apiName: 'attendedWebinar',
    primaryAttribute: { name: 'Webinar ID', apiName: 'webinarId', dataType: 'integer' },
    attributes: [
      { name: 'Attended Live', apiName: 'attendedLive', dataType: 'boolean' },
      { name: 'Minutes Attended', apiName: 'minutesAttended', dataType: 'integer' },
      { name: 'Rating', apiName: 'rating', dataType: 'float' },
      { name: 'Registration Date', apiName: 'registrationDate', dataType: 'date' },
      { name: 'Webinar Name', apiName: 'webinarName', dataType: 'string' },
    ],
  },
];

/**
 * Relative frequency of each type in generated data: web and email traffic dominate, deletions
 * and merges are rare, as in a real subscription.
 */
export const TYPE_WEIGHTS: Readonly<Record<number, number>> = {
  [MarketoFacts.TYPE_VISIT_WEBPAGE]: 22,
  [MarketoFacts.TYPE_FILL_OUT_FORM]: 4,
  [MarketoFacts.TYPE_SEND_EMAIL]: 10,
  [MarketoFacts.TYPE_EMAIL_DELIVERED]: 10,
  [MarketoFacts.TYPE_EMAIL_BOUNCED]: 1,
  [MarketoFacts.TYPE_UNSUBSCRIBE_EMAIL]: 0.5,
  [MarketoFacts.TYPE_OPEN_EMAIL]: 8,
  [MarketoFacts.TYPE_CLICK_EMAIL]: 3,
  [MarketoFacts.TYPE_NEW_LEAD]: 3,
  [MarketoFacts.TYPE_CHANGE_DATA_VALUE]: 14,
  [MarketoFacts.TYPE_CHANGE_SCORE]: 6,
  [MarketoFacts.TYPE_ADD_TO_LIST]: 3,
  // Removals happen only when a test or the UI removes a lead (removeFromList): a zero weight keeps every seed's history.
  [MarketoFacts.TYPE_REMOVE_FROM_LIST]: 0,
  [MarketoFacts.TYPE_MERGE_LEADS]: 0.5,
  [MarketoFacts.TYPE_DELETE_LEAD]: 1,
  [MarketoFacts.TYPE_INTERESTING_MOMENT]: 3,
  [MarketoFacts.TYPE_CHANGE_STATUS_IN_PROGRESSION]: 4,
  // Segment and partition moves happen in the generated history only when a test asks for them
  // (addActivities typeIds, changeSegment, changeLeadPartition): a zero weight leaves every other
  // seed's history as it was.
  [MarketoFacts.TYPE_CHANGE_LEAD_PARTITION]: 0,
  [MarketoFacts.TYPE_CHANGE_SEGMENT]: 0,
  [MarketoFacts.TYPE_CUSTOM_WEBINAR]: 2,
};

export function cloneActivityTypes(types: readonly ActivityType[] = ACTIVITY_TYPES): ActivityType[] {
  return JSON.parse(JSON.stringify(types)) as ActivityType[];
}

// Marketo documentation cited above by page name:
// - Activities: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/activities
