// Every Marketo fact the sandbox imitates, as a named constant with the reason it exists.
// Each cites, in parentheses, the Marketo documentation page it comes from (addresses at the end of
// the file). Where a fact is UNVERIFIED, the constant says so and README.md lists the choice made.

// ---------------------------------------------------------------------------------------------
// Response-level error codes: HTTP 200, `success:false`, `errors:[{code, message}]` (Error Codes).
// Codes are quoted integers in real responses.
// ---------------------------------------------------------------------------------------------
export const ERR_ACCESS_TOKEN_EMPTY = '600'; // Authorization header present but no token in it (Authentication)
export const ERR_ACCESS_TOKEN_INVALID = '601'; // token unknown (or none sent at all) (Authentication)
export const ERR_ACCESS_TOKEN_EXPIRED = '602'; // token was issued but its lifetime is over (Authentication)
export const ERR_ACCESS_DENIED = '603'; // permission / IP allow-list refusal (Error Codes)
export const ERR_REQUEST_TIMED_OUT = '604'; // server-side timeout, retryable (Lead Database API reference)
export const ERR_METHOD_NOT_SUPPORTED = '605'; // e.g. POST to a read endpoint without _method=GET (Error Codes)
export const ERR_RATE_LIMIT = '606'; // > 100 calls in a rolling 20 s per subscription (Integration Best Practices)
export const ERR_DAILY_QUOTA = '607'; // daily call quota used up; resets at midnight US Central (Integration Best Practices)
export const ERR_TEMPORARILY_UNAVAILABLE = '608'; // API temporarily unavailable, retryable (Error Codes)
export const ERR_INVALID_JSON = '609'; // body is not valid JSON (Error Codes)
export const ERR_NOT_FOUND = '610'; // unknown resource path under /rest (Error Codes)
export const ERR_SYSTEM_ERROR = '611'; // all unhandled exceptions (Error Codes)
export const ERR_INVALID_CONTENT_TYPE = '612'; // write calls need application/json (Error Codes)
export const ERR_CONCURRENCY_LIMIT = '615'; // > 10 calls in flight per subscription (Integration Best Practices)
export const ERR_TRANSIENT = '713'; // transient error, wait and retry (Error Codes)
export const ERR_INVALID_VALUE_TYPE = '1001'; // "Invalid value '%s'. Required of type '%s'" (Error Codes)
export const ERR_MISSING_PARAMETER = '1002'; // "Missing value for required parameter '%s'" (Error Codes)
export const ERR_INVALID_DATA = '1003'; // invalid data; also response-level for bad filters/limits (Error Codes)
export const ERR_LEAD_NOT_FOUND = '1004'; // updateOnly without a match; also Delete Leads of an unknown id (UNVERIFIED) (Error Codes)
export const ERR_LEAD_ALREADY_EXISTS = '1005'; // createOnly and a lead matches the lookup field (Error Codes)
export const ERR_FIELD_NOT_FOUND = '1006'; // "Field '%s' not found" (Error Codes)
export const ERR_MULTIPLE_LEADS_MATCH = '1007'; // an update whose key matches several leads (Error Codes)
export const ERR_PARTITION_ACCESS_DENIED = '1008'; // "Access denied to partition '%s'": a partition the API user cannot reach, or none of that name (Error Codes)
export const ERR_PARTITION_NAME_REQUIRED = '1009'; // a create without partitionName on an instance with several partitions (Error Codes)
export const ERR_PARTITION_UPDATE_NOT_ALLOWED = '1010'; // an update naming another partition than the lead's (Error Codes)
export const ERR_FIELD_NOT_SUPPORTED = '1011'; // filterType / lookupField that is not searchable (Error Codes)
export const ERR_OBJECT_NOT_FOUND = '1013'; // record (or custom object type) not found (Error Codes)
export const ERR_OBJECT_ALREADY_EXISTS = '1017'; // createOnly of a company / custom object whose key exists (Error Codes)
export const ERR_COMPANY_UPDATE_NOT_ALLOWED = '1021'; // company fields through Sync Leads on a linked lead (Error Codes)
export const ERR_DUPLICATE_IN_INPUT = '1036'; // the same key twice in one write call (Error Codes)
export const ERR_MERGE_TOO_MANY_LEADS = '1080'; // Merge Leads with > 25 leadIds, from 2026-03-31 (Integration Best Practices)

/** The message Marketo sends with each response-level code (used for injected faults too). */
export const ERROR_MESSAGES: Readonly<Record<string, string>> = {
  [ERR_ACCESS_TOKEN_EMPTY]: 'Empty access token', // Demandbase KB / node-marketo; exact text UNVERIFIED
  [ERR_ACCESS_TOKEN_INVALID]: 'Access token invalid',
  [ERR_ACCESS_TOKEN_EXPIRED]: 'Access token expired',
  [ERR_ACCESS_DENIED]: 'Access denied',
  [ERR_REQUEST_TIMED_OUT]: 'Request time-out',
  [ERR_METHOD_NOT_SUPPORTED]: 'HTTP method not supported',
  [ERR_RATE_LIMIT]: "Max rate limit '100' exceeded with in '20' secs",
  [ERR_DAILY_QUOTA]: 'Daily quota reached',
  [ERR_TEMPORARILY_UNAVAILABLE]: 'API Temporarily Unavailable',
  [ERR_INVALID_JSON]: 'Invalid JSON',
  [ERR_NOT_FOUND]: 'Requested resource not found',
  [ERR_SYSTEM_ERROR]: 'System error',
  [ERR_INVALID_CONTENT_TYPE]: 'Invalid Content Type',
  [ERR_CONCURRENCY_LIMIT]: 'Concurrent access limit reached',
  [ERR_TRANSIENT]: 'Transient Error',
  '502': 'Bad Gateway',
  '614': 'Invalid Subscription',
};

/** 606's message names the configured limit: "Max rate limit '100' exceeded with in '20' secs". */
export function rateLimitMessage(calls: number, windowMs: number): string {
  return `Max rate limit '${calls}' exceeded with in '${Math.round(windowMs / 1000)}' secs`;
}

export function missingParameterMessage(name: string): string {
  return `Missing value for required parameter '${name}'`;
}

export function invalidValueMessage(value: string, requiredType: string): string {
  return `Invalid value '${value}'. Required of type '${requiredType}'`;
}

/** 1006, response level for read `fields` and record level for writes (Error Codes). */
export function fieldNotFoundMessage(name: string): string {
  return `Field '${name}' not found`;
}

/** 1011: Adobe's table gives "Field '%s' not supported" (a library saw "Lookup field '%s' not supported") (Error Codes). */
export function fieldNotSupportedMessage(name: string): string {
  return `Field '${name}' not supported`;
}

/** 1003 for a bad field value, exactly as recorded: "Invalid value for field 'integer_field' and value '14.1'" (seen in recorded Marketo responses). */
export function invalidFieldValueMessage(field: string, value: string): string {
  return `Invalid value for field '${field}' and value '${value}'`;
}

/** 1003 for a request parameter outside its bounds; the real text is not documented. */
export function tooManyValuesMessage(name: string, max: number): string {
  return `Invalid value for parameter '${name}': at most ${max} values are allowed`;
}

/** 1003 for an unknown enumerated parameter value (action, dedupeBy, ...); real text UNVERIFIED. */
export function invalidParameterMessage(name: string, value: string): string {
  return `Invalid value '${value}' for parameter '${name}'`;
}

/** Record-level 1003 for a write record without its key; Marketo's text is UNVERIFIED (README). */
export function missingLookupValueMessage(field: string): string {
  return `Value for lookup field '${field}' missing`;
}

/** Record-level 1003 for a company / custom-object record without one of its dedupe fields (text UNVERIFIED). */
export function missingDedupeValueMessage(field: string): string {
  return `Value for dedupe field '${field}' missing`;
}

// Record-level messages as real responses and Adobe's table write them (Error Codes).
export const MSG_LEAD_NOT_FOUND = 'Lead not found';
export const MSG_PARTITION_NAME_REQUIRED = 'Partition name must be specified';
export const MSG_PARTITION_UPDATE_NOT_ALLOWED = 'Partition update not allowed';
export function partitionAccessDeniedMessage(name: string): string {
  return `Access denied to partition '${name}'`;
}
export const MSG_LEAD_ALREADY_EXISTS = 'Lead already exists';
/** The recorded text (client libraries match on it); Adobe's table says "Multiple leads match the lookup criteria". */
export const MSG_MULTIPLE_LEADS_MATCH = 'Multiple lead match lookup criteria';
export const MSG_COMPANY_UPDATE_NOT_ALLOWED = 'Company update not allowed';
export const MSG_DUPLICATE_IN_INPUT = 'Duplicate object found in input';
export const MSG_OBJECT_ALREADY_EXISTS = 'Object already exists';
/** Delete Companies says "Record not found" (Companies); custom objects "Object not found" (Custom Objects). */
export const MSG_RECORD_NOT_FOUND = 'Record not found';
export const MSG_OBJECT_NOT_FOUND = 'Object not found';
/** Response level: Get Leads by Filter Type matching more than 1000 leads (Integration Best Practices). */
export const MSG_TOO_MANY_RESULTS = 'Too many results match the filter';
/** 1003's generic text in Adobe's table, for a record that is not a JSON object. */
export const MSG_INVALID_DATA = 'Invalid data';

// ---------------------------------------------------------------------------------------------
// Limits (Integration Best Practices).
// ---------------------------------------------------------------------------------------------
export const DEFAULT_RATE_LIMIT_CALLS = 100; // calls per rolling window, per subscription
export const DEFAULT_RATE_LIMIT_WINDOW_MS = 20_000; // the rolling window is 20 s
export const DEFAULT_CONCURRENCY_LIMIT = 10; // calls in flight per subscription
export const DEFAULT_DAILY_QUOTA = 50_000; // "50,000 or more is common" default quota
export const DAILY_QUOTA_TIME_ZONE = 'America/Chicago'; // quota resets at 12:00 AM US Central
export const MAX_URI_BYTES = 8 * 1024; // GET URI > 8 KB => HTTP 414, resend as POST _method=GET
export const MAX_BODY_BYTES = 1024 * 1024; // request body > 1 MB => HTTP 413
export const MAX_BATCH_SIZE = 300; // batchSize default and maximum for reads
export const MAX_ACTIVITY_TYPE_IDS = 10; // activityTypeIds per Get Lead Activities call
export const MAX_LEAD_IDS = 30; // leadIds per Get Lead Activities / Get Lead Changes call
export const GZIP_MIN_BYTES = 1024; // Marketo compresses bodies >= 1 KB when the client accepts gzip
export const MAX_FILTER_VALUES = 300; // filterValues per Get Leads / Companies / Custom Objects call
export const MAX_FILTER_MATCHES = 1000; // Get Leads by Filter Type matching more: response-level 1003
export const MAX_WRITE_RECORDS = 300; // `input` records per Sync / Delete call (leads, companies, custom objects)
export const MAX_MERGE_LEAD_IDS = 25; // leadIds per Merge Leads call from 2026-03-31 (1080 beyond)

// ---------------------------------------------------------------------------------------------
// Bulk extract: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/bulk-extract/bulk-extract
// ---------------------------------------------------------------------------------------------
export const ERR_BULK_EXPORT_LIMIT = '1029'; // three messages: queue full, daily export quota spent, job already queued
export const ERR_UNSUPPORTED_FILTER = '1035'; // bulk lead filter (updatedAt, smart lists) not enabled for the subscription
export const MSG_TOO_MANY_JOBS = 'Too many jobs in queue';
export const MSG_JOB_ALREADY_QUEUED = 'Job already queued';
export const exportQuotaMessage = (mb: number): string => `Export daily quota ${mb}MB exceeded.`; // as marketo-rest-python records it
export const MSG_UNSUPPORTED_FILTER = 'Unsupported filter type for target subscription';
export const BULK_MAX_PROCESSING_JOBS = 2; // jobs Processing at once, per subscription
export const BULK_MAX_QUEUED_JOBS = 10; // jobs Queued, including the Processing ones, shared by every export type
export const BULK_DEFAULT_DAILY_EXPORT_MB = 500; // default daily export allowance, metered on file size
export const BULK_MAX_DATE_RANGE_DAYS = 31; // createdAt / updatedAt filter span
export const BULK_FILE_RETENTION_DAYS = 7; // "seven days" (limits); another page says 10: the shorter one is the sandbox's
export const BULK_STATUS_RETENTION_DAYS = 30; // a job's status stays readable this long after it finished
export const BULK_STATUS_STEP_MS = 60_000; // Marketo updates a job's status at most once a minute
export const BULK_UNSUPPORTED_ACTIVITY_TYPES = [37]; // Delete Lead is not exported by the activity extract
export const BULK_FILE_CONTENT_TYPE = 'text/csv;charset=UTF-8';

// ---------------------------------------------------------------------------------------------
// Identity (Authentication).
// ---------------------------------------------------------------------------------------------
export const DEFAULT_TOKEN_TTL_SECONDS = 3600; // a new token lives 3600 s (first answer shows 3599)
export const TOKEN_TYPE = 'bearer'; // always "bearer"
export const TOKEN_POD_SUFFIX = 'sb'; // real tokens are "<uuid>:<pod>", e.g. ":int", ":ab"
export const GRANT_TYPE_CLIENT_CREDENTIALS = 'client_credentials'; // the only grant Marketo supports

// ---------------------------------------------------------------------------------------------
// Wire format (Error Codes; Field Types).
// ---------------------------------------------------------------------------------------------
export const JSON_CONTENT_TYPE = 'application/json;charset=UTF-8'; // as recorded from real responses
export const REST_PREFIX = '/rest/'; // Lead Database and Asset APIs
export const BULK_PREFIX = '/bulk/'; // Bulk API: no /rest prefix
export const IDENTITY_PATH = '/identity/oauth/token';

// ---------------------------------------------------------------------------------------------
// Activity type ids the connectors rely on (Activities).
// ---------------------------------------------------------------------------------------------
export const TYPE_VISIT_WEBPAGE = 1;
export const TYPE_FILL_OUT_FORM = 2;
export const TYPE_SEND_EMAIL = 6;
export const TYPE_EMAIL_DELIVERED = 7;
export const TYPE_EMAIL_BOUNCED = 8;
export const TYPE_UNSUBSCRIBE_EMAIL = 9;
export const TYPE_OPEN_EMAIL = 10;
export const TYPE_CLICK_EMAIL = 11;
export const TYPE_NEW_LEAD = 12; // returned by Get Lead Changes
export const TYPE_CHANGE_DATA_VALUE = 13; // returned by Get Lead Changes
export const TYPE_CHANGE_SCORE = 22;
export const TYPE_ADD_TO_LIST = 24;
export const TYPE_REMOVE_FROM_LIST = 25;
export const TYPE_MERGE_LEADS = 32; // NOT returned by Get Lead Changes: read it from Get Lead Activities
export const TYPE_DELETE_LEAD = 37; // returned by Get Deleted Leads
export const TYPE_INTERESTING_MOMENT = 46;
export const TYPE_CHANGE_LEAD_PARTITION = 100; // moves the lead to another lead partition (leadPartitionId)
export const TYPE_CHANGE_STATUS_IN_PROGRESSION = 104;
export const TYPE_CHANGE_SEGMENT = 108; // moves the lead to another segment of a segmentation
export const TYPE_CUSTOM_WEBINAR = 100001; // custom activity types use ids like 100001 (Activities)

/** Get Lead Changes returns only these two types (Activities). */
export const LEAD_CHANGE_TYPES: readonly number[] = [TYPE_NEW_LEAD, TYPE_CHANGE_DATA_VALUE];
/** Get Deleted Leads returns only Delete Lead (Activities). */
export const DELETED_LEAD_TYPES: readonly number[] = [TYPE_DELETE_LEAD];

// ---------------------------------------------------------------------------------------------
// Lead database objects (Leads, Companies, Custom Objects).
// ---------------------------------------------------------------------------------------------

/**
 * Fields of Get Leads / Get Lead by Id when `fields` is omitted (Leads), in the order a real
 * response lists them (grouparoo recording: id, firstName, lastName, email, updatedAt, createdAt).
 */
export const DEFAULT_LEAD_FIELDS: readonly string[] = ['id', 'firstName', 'lastName', 'email', 'updatedAt', 'createdAt'];

// Standard lead fields usable as filterType / lookupField, and the types of searchable custom
// fields: facts the connectors rely on too, defined once (Leads).
export { SEARCHABLE_CUSTOM_FIELD_TYPES, STANDARD_SEARCHABLE_LEAD_FIELDS } from '../marketo/constants';

/**
 * The custom fields of the recorded instance (Describe has no "custom" flag; these are the
 * fields its owner created, ids 795-827). Fields added at run time are custom too.
 */
export const RECORDED_CUSTOM_LEAD_FIELDS: readonly string[] = [
  'textarea_field',
  'boolean_field',
  'email_field',
  'integer_field',
  'float_field',
  'datetime_field',
  'score_field',
  'percent_field',
  'currency_field',
];

/** An unset boolean lead field reads `false`, never null: recorded after creating a lead without it and after writing null (seen in recorded Marketo responses). */
export const UNSET_BOOLEAN_READS_FALSE = true;

/** Sync Leads actions (Leads); createOrUpdate is the default. */
export const LEAD_ACTIONS: readonly string[] = ['createOrUpdate', 'createOnly', 'updateOnly', 'createDuplicate'];
export const DEFAULT_LEAD_LOOKUP_FIELD = 'email'; // lookupField default (Leads)
/** Companies / custom objects: actions and dedupe modes (Companies; Custom Objects). */
export const OBJECT_ACTIONS: readonly string[] = ['createOrUpdate', 'createOnly', 'updateOnly'];
export const DEDUPE_BY_DEDUPE_FIELDS = 'dedupeFields';
export const DEDUPE_BY_ID_FIELD = 'idField';

/** The company dedupe key, which is also the lead field that links a lead to its company (Leads; Companies). */
export const COMPANY_KEY_FIELD = 'externalCompanyId';
/** The idField of every custom object (Custom Objects). */
export const CUSTOM_OBJECT_ID_FIELD = 'marketoGUID';
/** Per subscription: at most 10 custom object types of at most 50 fields each (Integration Best Practices). */
export const MAX_CUSTOM_OBJECT_TYPES = 10;
export const MAX_CUSTOM_OBJECT_FIELDS = 50;

/** What lead activities written by Sync Leads / Merge Leads say about their origin (Activities). */
export const API_SOURCE = 'Web service API'; // Change Data Value Reason/Source and New Lead "Source Type"
export const API_METHOD_SYNC_LEAD = 'syncLead'; // "Api Method Name" of changes made by Sync Leads
export const API_METHOD_MERGE_LEADS = 'mergeLeads';
export const UI_NEW_LEAD_SOURCE_TYPE = 'New lead'; // New Lead "Source Type" of a lead created by hand
export const UI_CHANGE_REASON = 'Changed in Marketo'; // Change Data Value of an edit on the person detail page
export const UI_CHANGE_SOURCE = 'Person Detail Page';
export const UI_MERGE_SOURCE = 'Marketo UI'; // Merge Leads "Merge Source" of a merge done by hand
export const FLOW_CHANGE_SOURCE = 'Marketo Flow Action'; // Change Data Value "Source" of a smart campaign step
export const UI_PARTITION_REASON = 'Changed in Marketo'; // Change Lead Partition "Reason" of a move done by hand
export const FORM_SOURCE = 'Web form fillout'; // Change Data Value "Source" / New Lead "Source Type" of a form fill-out

// ---------------------------------------------------------------------------------------------
// Retention (Activities).
// ---------------------------------------------------------------------------------------------
/** Delete Lead (37) activities are kept 14 days; Get Deleted Leads "may prune deletions older than 14 days". */
export const DELETED_LEADS_RETENTION_DAYS = 14;
/** These types are kept 90 days (Email Delivered and Send Email since 2020-08-31); the others 25 months or more (Activities). */
export const ACTIVITY_RETENTION_DAYS = 90;
export const NINETY_DAY_TYPES: readonly number[] = [1, 3, 6, 7, 13, 19, 22, 24, 28, 47, 300];

// ---------------------------------------------------------------------------------------------
// Paging (Activities).
// ---------------------------------------------------------------------------------------------
/**
 * Stored activities (of every type) one Get Lead Activities / Lead Changes / Deleted Leads call
 * examines past its token. Marketo scans its store in bounded blocks and answers short or empty
 * pages with moreResult:true and a new token when the requested types are rare in a block (Activities).
 * The block size is UNVERIFIED: 2,000 keeps pages of a type group holding a quarter of the
 * traffic full, while a walk over a rare type gets runs of empty and short pages.
 */
export const ACTIVITIES_SCANNED_PER_CALL = 2000;

// Marketo documentation cited above by page name:
// - Error Codes: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/error-codes
// - Authentication: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/authentication
// - Lead Database API reference: https://developer.adobe.com/marketo-apis/api/mapi/
// - Integration Best Practices: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/marketo-integration-best-practices
// - Companies: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/companies
// - Custom Objects: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/custom-objects
// - Field Types: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/field-types
// - Activities: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/activities
// - Leads: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/leads

// ---------------------------------------------------------------------------------------------
// Asset API browse (programs, smart campaigns, segmentations, segments, static lists):
// https://developer.adobe.com/marketo-apis/api/asset/
// ---------------------------------------------------------------------------------------------

/** Asset browse: `maxReturn` defaults to 20 and may be at most 200 (Asset API reference). */
export const ASSET_DEFAULT_MAX_RETURN = 20;
export const ASSET_MAX_MAX_RETURN = 200;
/** The warning of an asset search with nothing (more) to return: success, no `result` (seen in recorded Marketo responses). */
export const NO_ASSETS_WARNING = 'No assets found for the given search criteria.';
/** "No data found": Adobe lists it; some asset reads answer it instead of the warning (Error Codes). */
export const ERR_NO_DATA_FOUND = '702';
export const MSG_NO_DATA_FOUND = 'No data found';
