import { DELETED_LEADS_RETENTION_DAYS } from '../../marketo/constants';
import { JsonSchema } from '../../protocol/types';
import { secondOf } from '../dates';
import { ActivityCursor } from './activity-cursor';
import { ActivityLikeStream, ActivityWalk } from './activity-stream';
import { ACTIVITY_SCHEMA } from './schemas';
import { ReadContext } from './stream';
import { walkStart } from './walk';

const PARTITION = 'deleted_leads';
const DAY_MS = 86_400_000;

/**
 * Delete Lead activities from Get Deleted Leads.
 *
 * Marketo "may prune deletions older than 14 days" (Get Deleted Leads,
 * https://developer.adobe.com/marketo-apis/api/mapi/#tag/Activities/operation/getDeletedLeadsUsingGET),
 * and each call examines a block of stored activities of every type, deletions or not. So a first
 * sync with `extraction_method` auto or bulk (the methods that spend calls sparingly) starts at
 * that 14-day horizon when `start_date` is older: from `start_date` it would pay a call per block
 * of the whole history to find deletions Marketo has mostly pruned. `rest` walks from `start_date`,
 * for an instance that kept older deletions. A state's cursor is never moved.
 *
 * A finished walk leaves its cursor a little before the sync started, even when the last deletion
 * is weeks old, so the cursor says how far deletions have been read. Deletions may have been missed
 * only when a state's cursor is older than the 14 days.
 */
export class DeletedLeadsStream extends ActivityLikeStream {
  readonly name = 'deleted_leads';

  schema(): Promise<JsonSchema> {
    return Promise.resolve(ACTIVITY_SCHEMA);
  }

  protected override firstSyncKeptDays(ctx: ReadContext): number | undefined {
    return ctx.config.extractionMethod === 'rest' ? undefined : DELETED_LEADS_RETENTION_DAYS;
  }

  protected override beforeRead(ctx: ReadContext, cursor: ActivityCursor, state: Record<string, unknown> | undefined, walks: ActivityWalk[]): void {
    const since = cursor.startOf([PARTITION]);
    const retentionStart = Date.now() - DELETED_LEADS_RETENTION_DAYS * DAY_MS;
    if (Date.parse(since) >= retentionStart) return;
    if (state !== undefined) {
      ctx.log(
        'WARN',
        `deleted_leads: the last sync read deletions up to ${since}, more than ${DELETED_LEADS_RETENTION_DAYS} days ago. Marketo may prune deletions older than ${DELETED_LEADS_RETENTION_DAYS} days, so some may have been missed; sync at least every ${DELETED_LEADS_RETENTION_DAYS} days to catch every deletion.`,
      );
      return;
    }
    // A first sync: deletions before the retention window were never ours to miss.
    const start = walkStart(walks[0], since);
    if (start > since) {
      ctx.log(
        'INFO',
        `deleted_leads: first sync reads deletions from ${start} (${DELETED_LEADS_RETENTION_DAYS} days back), not from start_date ${since}: Marketo may prune older deletions, and each Get Deleted Leads call examines a block of stored activities of every type, so walking from start_date would spend a call per block of the whole history. Set extraction_method to rest to walk from start_date.`,
      );
    } else {
      ctx.log(
        'INFO',
        `deleted_leads: Marketo keeps deletions ${DELETED_LEADS_RETENTION_DAYS} days; those before ${secondOf(retentionStart)} may no longer be listed.`,
      );
    }
  }

  protected walks(ctx: ReadContext): Promise<ActivityWalk[]> {
    return Promise.resolve([{ keys: [PARTITION], fetchPage: (token) => ctx.endpoints.getDeletedLeads(token), partitionOf: () => PARTITION }]);
  }
}
