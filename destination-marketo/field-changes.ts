import { Activity, MarketoEndpoints } from '../marketo/endpoints';
import { CHANGE_DATA_VALUE_TYPE_ID } from '../marketo/constants';
import { convertValue } from './convert';

// When Marketo last changed each field of each lead, for conflict_policy newest_wins. A lead's
// visible `updatedAt` tracks standard fields only, so an edit of a custom field does not move it
// (https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/bulk-extract/bulk-lead-extract#filters);
// the Change Data Value activities Get Lead Changes returns name the field and the time of every
// change (https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/activities#get-lead-changes).
//
// One walk per sync, shared by every batch: from the oldest row change time to the end of the
// history, for the fields the rows write. Paging tokens only move forward, so a later batch with
// an older row or a field not walked yet costs one more walk, bounded by where the first walk
// started: the changes after it are this sync's own writes.

/** The activity attribute naming the API user of a change made through the API. */
const MODIFYING_USER = 'Modifying User';

export class FieldChangeLog {
  /** leadId -> field -> epoch ms of Marketo's last change to it. */
  private readonly last = new Map<number, Map<string, number>>();
  /** field -> the earliest time the walks cover it from. */
  private readonly coveredFrom = new Map<string, number>();
  /** Where the first walk started (epoch ms): later changes are ours. */
  private boundary: number | undefined;
  /** Walks run one after the other: batches in flight share them. */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly endpoints: MarketoEndpoints,
    /** Our own API user (the token's scope): its changes are earlier writes of warehouse values, not Marketo edits. */
    private readonly ownUser: () => string | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  /** Makes sure the changes of `fields` since `fromMs` are known. */
  cover(fields: string[], fromMs: number): Promise<void> {
    const run = this.queue.then(() => this.walkIfNeeded(fields, fromMs));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Marketo's last change of the lead's field seen by the walks (epoch ms), if any. */
  lastChange(leadId: number, field: string): number | undefined {
    return this.last.get(leadId)?.get(field);
  }

  private async walkIfNeeded(fields: string[], fromMs: number): Promise<void> {
    const needed = fields.filter((f) => !((this.coveredFrom.get(f) ?? Infinity) <= fromMs));
    if (needed.length === 0) return;
    const until = this.boundary;
    if (until === undefined) this.boundary = this.now();
    await this.walk(needed, fromMs, until);
    for (const f of needed) this.coveredFrom.set(f, Math.min(fromMs, this.coveredFrom.get(f) ?? Infinity));
  }

  private async walk(fields: string[], fromMs: number, until: number | undefined): Promise<void> {
    const own = this.ownUser()?.toLowerCase();
    let token = await this.endpoints.getPagingToken(new Date(Math.floor(fromMs / 1000) * 1000).toISOString().replace('.000Z', 'Z'));
    for (;;) {
      const page = await this.endpoints.getLeadChanges(token, fields);
      for (const activity of page.activities) {
        const at = changeTime(activity);
        if (at === undefined) continue;
        if (until !== undefined && at >= until) return;
        if (activity.activityTypeId !== CHANGE_DATA_VALUE_TYPE_ID || (own && modifyingUser(activity) === own)) continue;
        for (const change of activity.fields ?? []) this.record(activity.leadId, change.name, at);
      }
      if (!page.moreResult) return;
      token = page.nextPageToken;
    }
  }

  private record(leadId: number, field: string, at: number): void {
    let fields = this.last.get(leadId);
    if (!fields) this.last.set(leadId, (fields = new Map<string, number>()));
    if (at > (fields.get(field) ?? -Infinity)) fields.set(field, at);
  }
}

function changeTime(activity: Activity): number | undefined {
  const converted = convertValue(activity.activityDate, 'datetime');
  return converted.ok && typeof converted.value === 'string' ? Date.parse(converted.value) : undefined;
}

function modifyingUser(activity: Activity): string | undefined {
  const value = activity.attributes?.find((a) => a.name === MODIFYING_USER)?.value;
  return typeof value === 'string' ? value.toLowerCase() : undefined;
}
