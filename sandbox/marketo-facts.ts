// Every Marketo fact the sandbox imitates, as a named constant with the reason it exists.
// Source of truth: shared/marketo-api.md (section numbers in brackets). Where that document
// marks a fact UNVERIFIED, the constant says so and README.md lists the choice made.

// ---------------------------------------------------------------------------------------------
// Response-level error codes: HTTP 200, `success:false`, `errors:[{code, message}]` [3.1, 5.2].
// Codes are quoted integers in real responses.
// ---------------------------------------------------------------------------------------------
export const ERR_ACCESS_TOKEN_EMPTY = '600'; // Authorization header present but no token in it [2.3]
export const ERR_ACCESS_TOKEN_INVALID = '601'; // token unknown (or none sent at all) [2.3]
export const ERR_ACCESS_TOKEN_EXPIRED = '602'; // token was issued but its lifetime is over [2.3]
export const ERR_ACCESS_DENIED = '603'; // permission / IP allow-list refusal [5.2]
export const ERR_REQUEST_TIMED_OUT = '604'; // server-side timeout, retryable [4.3]
export const ERR_METHOD_NOT_SUPPORTED = '605'; // e.g. POST to a read endpoint without _method=GET [5.2]
export const ERR_RATE_LIMIT = '606'; // > 100 calls in a rolling 20 s per subscription [4.1]
export const ERR_DAILY_QUOTA = '607'; // daily call quota used up; resets at midnight US Central [4.1]
export const ERR_TEMPORARILY_UNAVAILABLE = '608'; // API temporarily unavailable, retryable [5.2]
export const ERR_INVALID_JSON = '609'; // body is not valid JSON [5.2]
export const ERR_NOT_FOUND = '610'; // unknown resource path under /rest [5.2]
export const ERR_SYSTEM_ERROR = '611'; // all unhandled exceptions [5.2]
export const ERR_INVALID_CONTENT_TYPE = '612'; // write calls need application/json [5.2]
export const ERR_CONCURRENCY_LIMIT = '615'; // > 10 calls in flight per subscription [4.1]
export const ERR_TRANSIENT = '713'; // transient error, wait and retry [5.2]
export const ERR_INVALID_VALUE_TYPE = '1001'; // "Invalid value '%s'. Required of type '%s'" [5.3]
export const ERR_MISSING_PARAMETER = '1002'; // "Missing value for required parameter '%s'" [5.3]
export const ERR_INVALID_DATA = '1003'; // invalid data; also response-level for bad filters/limits [5.3]
export const ERR_FIELD_NOT_FOUND = '1006'; // "Field '%s' not found" [5.3]

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

// ---------------------------------------------------------------------------------------------
// Limits [4.1, 4.2].
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

// ---------------------------------------------------------------------------------------------
// Identity [2.1].
// ---------------------------------------------------------------------------------------------
export const DEFAULT_TOKEN_TTL_SECONDS = 3600; // a new token lives 3600 s (first answer shows 3599)
export const TOKEN_TYPE = 'bearer'; // always "bearer"
export const TOKEN_POD_SUFFIX = 'sb'; // real tokens are "<uuid>:<pod>", e.g. ":int", ":ab"
export const GRANT_TYPE_CLIENT_CREDENTIALS = 'client_credentials'; // the only grant Marketo supports

// ---------------------------------------------------------------------------------------------
// Wire format [3.1, 3.2, 12.1].
// ---------------------------------------------------------------------------------------------
export const JSON_CONTENT_TYPE = 'application/json;charset=UTF-8'; // as recorded from real responses
export const REST_PREFIX = '/rest/'; // Lead Database and Asset APIs
export const BULK_PREFIX = '/bulk/'; // Bulk API: no /rest prefix
export const IDENTITY_PATH = '/identity/oauth/token';

// ---------------------------------------------------------------------------------------------
// Activity type ids the connectors rely on [11].
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
export const TYPE_MERGE_LEADS = 32; // NOT returned by Get Lead Changes: read it from Get Lead Activities
export const TYPE_DELETE_LEAD = 37; // returned by Get Deleted Leads
export const TYPE_INTERESTING_MOMENT = 46;
export const TYPE_CHANGE_STATUS_IN_PROGRESSION = 104;
export const TYPE_CUSTOM_WEBINAR = 100001; // custom activity types use ids like 100001 [11]

/** Get Lead Changes returns only these two types [7.4]. */
export const LEAD_CHANGE_TYPES: readonly number[] = [TYPE_NEW_LEAD, TYPE_CHANGE_DATA_VALUE];
/** Get Deleted Leads returns only Delete Lead [7.5]. */
export const DELETED_LEAD_TYPES: readonly number[] = [TYPE_DELETE_LEAD];
