import { DELETED_LEADS_RETENTION_DAYS } from '../../marketo/constants';
import { JsonSchema } from '../../protocol/types';
import { secondOf } from '../dates';
import { ActivityCursor } from './activity-cursor';
import { ActivityLikeStream, ActivityWalk } from './activity-stream';
import { ACTIVITY_SCHEMA } from './schemas';
import { ReadContext } from './stream';

const PARTITION = 'deleted_leads';
const DAY_MS = 86_400_000;

/**
 * Delete Lead activities from Get Deleted Leads.
 *
 * A finished walk leaves its cursor a little before the sync started, even when the last deletion
 * is weeks old, so the cursor says how far deletions have been read. Deletions may have been missed
 * only when a state's cursor is older than Marketo's 14-day retention (Get Deleted Leads,
 * https://developer.adobe.com/marketo-apis/api/mapi/#tag/Activities/operation/getDeletedLeadsUsingGET);
 * a first sync has nothing to miss.
 */
export class DeletedLeadsStream extends ActivityLikeStream {
  readonly name = 'deleted_leads';

  schema(): Promise<JsonSchema> {
    return Promise.resolve(ACTIVITY_SCHEMA);
  }

  protected override beforeRead(ctx: ReadContext, cursor: ActivityCursor, state?: Record<string, unknown>): void {
    const since = cursor.startOf([PARTITION]);
    const retentionStart = Date.now() - DELETED_LEADS_RETENTION_DAYS * DAY_MS;
    if (Date.parse(since) >= retentionStart) return;
    if (state === undefined) {
      // A first sync: deletions before the retention window were never ours to miss.
      ctx.log(
        'INFO',
        `deleted_leads: Marketo keeps deletions ${DELETED_LEADS_RETENTION_DAYS} days; those before ${secondOf(retentionStart)} may no longer be listed.`,
      );
    } else {
      ctx.log(
        'WARN',
        `deleted_leads: the last sync read deletions up to ${since}, more than ${DELETED_LEADS_RETENTION_DAYS} days ago. Marketo may prune deletions older than ${DELETED_LEADS_RETENTION_DAYS} days, so some may have been missed; sync at least every ${DELETED_LEADS_RETENTION_DAYS} days to catch every deletion.`,
      );
    }
  }

  protected walks(ctx: ReadContext): Promise<ActivityWalk[]> {
    return Promise.resolve([{ keys: [PARTITION], fetchPage: (token) => ctx.endpoints.getDeletedLeads(token), partitionOf: () => PARTITION }]);
  }
}
