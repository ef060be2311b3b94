// Marketo facts the client relies on, each with the reason it matters (Marketo's REST API
// documentation: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/rest-api).

// Response-level error codes (HTTP 200, success:false).
export const ACCESS_TOKEN_EMPTY = '600'; // no token sent: fetch one and retry
export const ACCESS_TOKEN_INVALID = '601'; // token unknown to Marketo: fetch a new one and retry
export const ACCESS_TOKEN_EXPIRED = '602'; // token lifetime ran out: fetch a new one and retry
export const ACCESS_DENIED = '603'; // the API user's role lacks a permission, or an IP allow-list blocks us
export const REQUEST_TIMED_OUT = '604'; // server-side timeout, usually database contention: transient
export const METHOD_NOT_SUPPORTED = '605'; // a client bug (e.g. GET on Sync Leads)
export const RATE_LIMIT_EXCEEDED = '606'; // more than 100 calls in a rolling 20 s for the subscription
export const DAILY_QUOTA_REACHED = '607'; // the subscription's daily call quota is spent until midnight US Central
export const API_TEMPORARILY_UNAVAILABLE = '608';
export const INVALID_JSON = '609';
export const RESOURCE_NOT_FOUND = '610'; // bad path
export const SYSTEM_ERROR = '611'; // Marketo's catch-all for unhandled exceptions: transient
export const INVALID_SUBSCRIPTION = '614'; // subscription temporarily unreachable
export const CONCURRENT_ACCESS_LIMIT = '615'; // more than 10 calls in flight for the subscription
export const INVALID_SUBSCRIPTION_TYPE = '616';
export const TRANSIENT_ERROR = '713'; // "resource temporarily unavailable; wait and retry"
export const LOCK_WAIT_TIMEOUT = '719';
export const BAD_GATEWAY = '502'; // response-level "502 Bad Gateway": retry with backoff, says Adobe
export const INTERNAL_SERVER_ERROR = '500';
export const MISSING_REQUIRED_PARAMETER = '1002';
export const INVALID_DATA = '1003'; // also "Too many results match the filter" at response level
export const FIELD_NOT_FOUND = '1006';
export const FIELD_NOT_SUPPORTED = '1011';
export const CUSTOM_OBJECTS_NOT_ENABLED = '1026';
/**
 * Bulk extract: "Too many jobs in queue" (wait), "Export daily quota <N>MB exceeded." (stop until
 * US Central midnight) or "Job already queued" (success).
 * https://developer.adobe.com/marketo-apis/ (Bulk Extract: Limits, Queue)
 */
export const BULK_EXPORT_LIMIT = '1029';
/** Bulk lead extract: the updatedAt (or smart list) filter is not enabled for this subscription. */
export const UNSUPPORTED_FILTER_TYPE = '1035';

export const TOKEN_ERRORS = new Set([ACCESS_TOKEN_EMPTY, ACCESS_TOKEN_INVALID, ACCESS_TOKEN_EXPIRED]);
/** Codes Marketo documents as transient: retried with exponential backoff and jitter. */
export const TRANSIENT_CODES = new Set([
  INTERNAL_SERVER_ERROR,
  BAD_GATEWAY,
  REQUEST_TIMED_OUT,
  RATE_LIMIT_EXCEEDED,
  API_TEMPORARILY_UNAVAILABLE,
  SYSTEM_ERROR,
  INVALID_SUBSCRIPTION,
  CONCURRENT_ACCESS_LIMIT,
  TRANSIENT_ERROR,
  LOCK_WAIT_TIMEOUT,
]);

// Limits.
export const RATE_LIMIT_WINDOW_MS = 20_000; // the rolling window of the 100-call rate limit
export const SUBSCRIPTION_MAX_CALLS_PER_20S = 100; // shared by every integration of the subscription
export const SUBSCRIPTION_MAX_CONCURRENT_CALLS = 10;
/** Adobe asks each integration to stay at or below half the subscription's limits. */
export const DEFAULT_MAX_CALLS_PER_20S = 50;
export const DEFAULT_MAX_CONCURRENT_CALLS = 5;
export const MAX_BATCH_SIZE = 300; // records per read page and per write call
export const MAX_FILTER_VALUES = 300; // filterValues per Get Leads by Filter Type
export const MAX_ACTIVITY_TYPES_PER_CALL = 10; // activityTypeIds per Get Lead Activities
export const MAX_URI_BYTES = 8 * 1024; // longer GET URIs fail with HTTP 414
/** Our own bound for switching to POST `_method=GET`, below Marketo's 8 KB to leave room for the host. */
export const LONG_URI_THRESHOLD = 7 * 1024;
/** A subscription's daily call quota unless Adobe raised it; every integration of the subscription shares it. */
export const DEFAULT_DAILY_QUOTA = 50_000;
export const DELETED_LEADS_RETENTION_DAYS = 14; // Get Deleted Leads may prune older deletions
/**
 * Change Data Value, Change Score and the other high-volume types are kept 90 days (Adobe's
 * "Data Retention Policy": https://experienceleague.adobe.com/en/docs/marketo/using/product-docs/core-marketo-concepts/miscellaneous/data-retention-policy).
 */
export const LEAD_CHANGES_RETENTION_DAYS = 90;
/**
 * The lead field that links a lead to a company: the company's dedupe key, and the column a
 * warehouse joins leads and lead changes to companies on (Companies,
 * https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/companies).
 */
export const COMPANY_LINK_FIELD = 'externalCompanyId';
/** Lead ids are 32-bit integers in the REST API's schemas: no lead id lies above this. */
export const MAX_LEAD_ID = 2_147_483_647;
export const TOKEN_REFRESH_MARGIN_MS = 60_000; // renew a token with less than a minute left, as Adobe's clients do

// Bulk extract limits, https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/bulk-extract/bulk-extract
export const BULK_MAX_DATE_RANGE_DAYS = 31; // createdAt / updatedAt filter span of one export job
export const BULK_MAX_QUEUED_JOBS = 10; // queued jobs per subscription, processing ones included, shared by every integration
export const BULK_MAX_PROCESSING_JOBS = 2; // jobs processing at once per subscription
export const BULK_DEFAULT_DAILY_EXPORT_MB = 500; // the subscription's default daily export allowance, metered on file size
/** Marketo updates a job's status at most once a minute; Adobe suggests polling no more often. */
export const BULK_STATUS_POLL_MIN_MS = 60_000;
/** Polls back off up to this interval (Adobe's example polls every 5 minutes). */
export const BULK_STATUS_POLL_MAX_MS = 300_000;
/** Delete Lead is not exported by the bulk activity extract: it stays on Get Deleted Leads / Get Lead Activities. */
export const BULK_UNSUPPORTED_ACTIVITY_TYPES: readonly number[] = [37];

// Activity type ids with a special role; Adobe says ids may vary, so these only seed defaults.
export const NEW_LEAD_TYPE_ID = 12;
export const CHANGE_DATA_VALUE_TYPE_ID = 13;
export const MERGE_LEADS_TYPE_ID = 32;
export const DELETE_LEAD_TYPE_ID = 37;

/**
 * Activity types that change lead field values without a Change Data Value, which is all that Get
 * Lead Changes returns besides New Lead (https://developer.adobe.com/marketo-apis/api/mapi/#tag/Activities/operation/getLeadChangesUsingGET).
 * Matched by name in Get Activity Types (ids are defaults); at most 10, so one Get Lead
 * Activities walk reads them all.
 */
export const LEAD_FIELD_ACTIVITY_TYPES: ReadonlyArray<{ name: string; id: number; why: string }> = [
  { name: 'Merge Leads', id: MERGE_LEADS_TYPE_ID, why: 'the winner takes values of the merged-away leads, which are gone' },
  { name: 'Change Score', id: 22, why: 'moves a score field (leadScore or a custom score)' },
  { name: 'Change Segment', id: 108, why: "moves the lead's segment of a segmentation" },
  { name: 'Change Lead Partition', id: 100, why: 'moves leadPartitionId' },
  { name: 'Change Revenue Stage', id: 101, why: 'moves the revenue stage fields of a revenue cycle model' },
  { name: 'Change Owner', id: 23, why: 'moves the lead owner (CRM-synced instances)' },
  { name: 'Convert Lead', id: 21, why: 'a CRM conversion changes the CRM fields of the lead' },
  // Whether Marketo also logs a Change Data Value of Unsubscribed / Email Invalid is not
  // documented: reading these rare types too costs little and misses nothing.
  { name: 'Unsubscribe Email', id: 9, why: 'sets unsubscribed' },
  { name: 'Email Bounced', id: 8, why: 'a hard bounce sets emailInvalid and emailInvalidCause' },
];

/**
 * Standard lead fields Marketo accepts as filterType (Get Leads by Filter Type) and lookupField
 * (Sync Leads); besides these, any custom field of a type in SEARCHABLE_CUSTOM_FIELD_TYPES
 * (https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/leads).
 */
export const STANDARD_SEARCHABLE_LEAD_FIELDS: readonly string[] = [
  'id',
  'email',
  'cookies',
  'facebookId',
  'linkedInId',
  'twitterId',
  'leadPartitionId',
  'sfdcAccountId',
  'sfdcContactId',
  'sfdcLeadId',
  'sfdcLeadOwnerId',
  'sfdcOpptyId',
];
/** Data types a custom lead field must have to be searchable (Leads). */
export const SEARCHABLE_CUSTOM_FIELD_TYPES: readonly string[] = ['string', 'email', 'integer'];

// Asset API browses (programs, smart campaigns, segmentations, static lists):
// https://developer.adobe.com/marketo-apis/api/asset/
export const ASSET_MAX_RETURN = 200; // most records per asset browse call (default 20)
export const NO_DATA_FOUND = '702'; // "No data found": an empty answer, not a failure (Error Codes)
export const ASSETS_PERMISSION = 'Read-Only Assets'; // every Asset API read
