import { ActivityPage, ActivityType, CompanyDescription, LeadField, MarketoEndpoints } from '../marketo/endpoints';
import { SharedWalkPages, WalkEndpoint, WalkFilter } from './shared-pages';

/**
 * How long a paging token from Get Paging Token is reused for walks starting at the same second.
 * Marketo does not document a token's lifetime
 * (https://developer.adobe.com/marketo-apis/api/mapi/#tag/Activities/operation/getActivitiesPagingTokenUsingGET),
 * so a token is shared only between walks that start within a few minutes of each other, as the
 * walks of one poll do.
 */
export const PAGING_TOKEN_REUSE_MS = 5 * 60_000;

/**
 * The endpoints as one command (one sync) uses them: whatever every stream reads the same way is
 * asked once. Get Activity Types, Describe Lead and Describe Company once per command; one Get
 * Paging Token per distinct start time; and, when `sharePages` is on, walk pages another walk of
 * the sync already read. Every call a quiet five-minute poll saves is 288
 * calls a day out of the quota the subscription shares.
 */
export class ReadOnceEndpoints extends MarketoEndpoints {
  private types: Promise<ActivityType[]> | undefined;
  private leadFields: Promise<LeadField[]> | undefined;
  private company: Promise<CompanyDescription | undefined> | undefined;
  private readonly tokens = new Map<string, { token: Promise<string>; at: number }>();
  private shared: SharedWalkPages | undefined;

  /** Several streams of this sync walk the same endpoints: keep walk pages for them (see SharedWalkPages). */
  sharePages(): void {
    this.shared ??= new SharedWalkPages();
  }

  override getActivityTypes(): Promise<ActivityType[]> {
    return (this.types ??= once(super.getActivityTypes(), () => (this.types = undefined)));
  }

  override describeLead(): Promise<LeadField[]> {
    return (this.leadFields ??= once(super.describeLead(), () => (this.leadFields = undefined)));
  }

  override describeCompany(): Promise<CompanyDescription | undefined> {
    return (this.company ??= once(super.describeCompany(), () => (this.company = undefined)));
  }

  override getPagingToken(sinceDatetime: string): Promise<string> {
    const now = Date.now();
    const known = this.tokens.get(sinceDatetime);
    if (known && now - known.at < PAGING_TOKEN_REUSE_MS) return known.token;
    const token = once(super.getPagingToken(sinceDatetime), () => this.tokens.delete(sinceDatetime)).then((t) => {
      this.shared?.noteStartToken(t);
      return t;
    });
    this.tokens.set(sinceDatetime, { token, at: now });
    return token;
  }

  override getLeadActivities(nextPageToken: string, activityTypeIds: number[], batchSize?: number): Promise<ActivityPage> {
    return this.walkPage('activities', nextPageToken, new Set(activityTypeIds), batchSize, () =>
      super.getLeadActivities(nextPageToken, activityTypeIds, batchSize),
    );
  }

  override getLeadChanges(nextPageToken: string, fields: string[], batchSize?: number): Promise<ActivityPage> {
    return this.walkPage('leadchanges', nextPageToken, new Set(fields), batchSize, () => super.getLeadChanges(nextPageToken, fields, batchSize));
  }

  override getDeletedLeads(nextPageToken: string, batchSize?: number): Promise<ActivityPage> {
    return this.walkPage('deletedleads', nextPageToken, undefined, batchSize, () => super.getDeletedLeads(nextPageToken, batchSize));
  }

  /** Only full-size pages are shared: a walk asking for smaller pages is probing, and pays its own calls. */
  private async walkPage(
    endpoint: WalkEndpoint,
    token: string,
    filter: WalkFilter,
    batchSize: number | undefined,
    call: () => Promise<ActivityPage>,
  ): Promise<ActivityPage> {
    if (!this.shared || batchSize !== undefined) return call();
    const served = this.shared.lookup(endpoint, token, filter);
    if (served) return served;
    const page = await call();
    this.shared.record(endpoint, token, filter, page);
    return page;
  }
}

/** A memoised call that is forgotten when it fails, so that a later caller asks again. */
function once<T>(promise: Promise<T>, forget: () => void): Promise<T> {
  promise.catch(forget);
  return promise;
}
