import { MAX_BATCH_SIZE } from '../marketo/constants';
import { Activity, ActivityPage } from '../marketo/endpoints';

/** The three endpoints that page forward from a date-based paging token. */
export type WalkEndpoint = 'activities' | 'leadchanges' | 'deletedleads';

/**
 * What a request asks for beyond the token: the activity type ids of Get Lead Activities, the
 * field names of Get Lead Changes, nothing for Get Deleted Leads.
 */
export type WalkFilter = ReadonlySet<number> | ReadonlySet<string> | undefined;

/** A run of pages from one paging token, as Marketo answered one walk, kept for other walks. */
interface Chain {
  endpoint: WalkEndpoint;
  filter: WalkFilter;
  /** The paging token the walk started from. */
  start: string;
  pages: ActivityPage[];
  /** The token the walk asks with next; its answer extends the chain. */
  next: string;
  /** Marketo said `moreResult: false`: every activity after the start, up to that answer, is here. */
  complete: boolean;
}

/**
 * A walk this long is a history, not a poll: beyond it its pages are forgotten (and none served),
 * so that sharing never holds more than a few pages in memory.
 */
export const MAX_PAGES_PER_CHAIN = 10;
/** All chains together; past it, the chain that would grow is dropped. */
export const MAX_SHARED_PAGES = 30;
/** Tokens of served pages: they never leave the connector (a served walk never calls Marketo). */
const SERVED_TOKEN_PREFIX = 'served:';

/**
 * Pages one walk read, served to another walk of the same sync that asks for a subset of them
 * from the same paging token: `leads` and `lead_changes` both read Get Lead Changes, `leads` and
 * `deleted_leads` Get Deleted Leads, and the Merge Leads and field-changing activity walks read
 * types that the `activities` groups read.
 *
 * A walk is served only from chains Marketo completed (`moreResult: false`), so it sees exactly
 * what it would have seen by calling a moment earlier. A Get Lead Activities walk may be served
 * from several chains (its types spread over several groups of ten): their activities, filtered
 * to its types, merged in Marketo's order (activity date, then id) and cut into pages of 300.
 */
export class SharedWalkPages {
  private readonly chains: Chain[] = [];
  private readonly startTokens = new Set<string>();
  private readonly served = new Map<string, ActivityPage>();
  private retained = 0;
  private servedWalks = 0;

  /** A token Get Paging Token returned: walks starting from it may share pages. */
  noteStartToken(token: string): void {
    this.startTokens.add(token);
  }

  /** The page for this request from completed chains that selected a superset of it, or undefined. */
  lookup(endpoint: WalkEndpoint, token: string, filter: WalkFilter): ActivityPage | undefined {
    if (token.startsWith(SERVED_TOKEN_PREFIX)) {
      const page = this.served.get(token);
      this.served.delete(token);
      return page;
    }
    if (!this.startTokens.has(token)) return undefined;
    const activities = this.coveredActivities(endpoint, token, filter);
    return activities === undefined ? undefined : this.serve(token, activities);
  }

  /** Records Marketo's answer to a request, as the next page of its walk's chain. */
  record(endpoint: WalkEndpoint, token: string, filter: WalkFilter, page: ActivityPage): void {
    let chain = this.chains.find((c) => !c.complete && c.endpoint === endpoint && c.next === token && sameFilter(c.filter, filter));
    if (!chain) {
      if (!this.startTokens.has(token)) return; // a walk whose start was not recorded
      chain = { endpoint, filter, start: token, pages: [], next: token, complete: false };
      this.chains.push(chain);
    }
    chain.pages.push(page);
    this.retained++;
    chain.next = page.nextPageToken;
    chain.complete = !page.moreResult;
    if (chain.pages.length > MAX_PAGES_PER_CHAIN || this.retained > MAX_SHARED_PAGES) this.drop(chain);
  }

  private drop(chain: Chain): void {
    this.retained -= chain.pages.length;
    this.chains.splice(this.chains.indexOf(chain), 1);
  }

  /** Every activity the request selects, from completed chains started at `token`; undefined when they do not cover it. */
  private coveredActivities(endpoint: WalkEndpoint, token: string, filter: WalkFilter): Activity[] | undefined {
    const chains = this.chains.filter((c) => c.complete && c.endpoint === endpoint && c.start === token);
    if (endpoint !== 'activities' || filter === undefined) {
      const chain = chains.find((c) => covers(c.filter, filter));
      return (
        chain &&
        select(
          endpoint,
          chain.pages.flatMap((p) => p.activities),
          filter,
        )
      );
    }
    // Each requested type from the first chain that read it.
    const typesByChain = new Map<Chain, Set<number>>();
    for (const type of filter as ReadonlySet<number>) {
      const chain = chains.find((c) => (c.filter as ReadonlySet<number> | undefined)?.has(type));
      if (!chain) return undefined;
      if (!typesByChain.has(chain)) typesByChain.set(chain, new Set());
      typesByChain.get(chain)!.add(type);
    }
    const parts = [...typesByChain].map(([chain, types]) =>
      select(
        endpoint,
        chain.pages.flatMap((p) => p.activities),
        types,
      ),
    );
    return parts.length === 1 ? parts[0] : parts.flat().sort(marketoOrder);
  }

  /** Cuts the activities into pages of 300 with tokens of their own, and returns the first. */
  private serve(startToken: string, activities: Activity[]): ActivityPage {
    const walk = ++this.servedWalks;
    const count = Math.max(1, Math.ceil(activities.length / MAX_BATCH_SIZE));
    const tokenOf = (i: number) => `${SERVED_TOKEN_PREFIX}${walk}:${i}`;
    for (let i = 1; i < count; i++) {
      this.served.set(tokenOf(i), {
        activities: activities.slice(i * MAX_BATCH_SIZE, (i + 1) * MAX_BATCH_SIZE),
        moreResult: i < count - 1,
        nextPageToken: tokenOf(i + 1),
      });
    }
    return { activities: activities.slice(0, MAX_BATCH_SIZE), moreResult: count > 1, nextPageToken: count > 1 ? tokenOf(1) : startToken };
  }
}

/** Marketo pages activities by date, then by id within a second. */
function marketoOrder(a: Activity, b: Activity): number {
  if (a.activityDate !== b.activityDate) return a.activityDate < b.activityDate ? -1 : 1;
  return (a.id ?? 0) - (b.id ?? 0);
}

function sameFilter(a: WalkFilter, b: WalkFilter): boolean {
  return covers(a, b) && covers(b, a);
}

/** Whether a request selecting `wide` returns everything a request selecting `narrow` returns. */
function covers(wide: WalkFilter, narrow: WalkFilter): boolean {
  if (wide === undefined) return narrow === undefined;
  if (narrow === undefined) return false;
  for (const value of narrow as ReadonlySet<number | string>) if (!(wide as ReadonlySet<number | string>).has(value)) return false;
  return true;
}

/**
 * The activities a narrower request would have returned: Get Lead Activities by type; Get Lead
 * Changes returns a Change Data Value only for a requested field, with only those fields listed,
 * and New Lead (no `fields`) always.
 */
function select(endpoint: WalkEndpoint, activities: Activity[], filter: WalkFilter): Activity[] {
  if (filter === undefined) return activities;
  if (endpoint === 'activities') return activities.filter((a) => (filter as ReadonlySet<number>).has(a.activityTypeId));
  const fields = filter as ReadonlySet<string>;
  const out: Activity[] = [];
  for (const activity of activities) {
    if (!Array.isArray(activity.fields)) {
      out.push(activity);
      continue;
    }
    const kept = activity.fields.filter((f) => fields.has(f.name));
    if (kept.length > 0) out.push(kept.length === activity.fields.length ? activity : { ...activity, fields: kept });
  }
  return out;
}
