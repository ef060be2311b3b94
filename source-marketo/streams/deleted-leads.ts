import { DELETED_LEADS_RETENTION_DAYS } from '../../marketo/constants';
import { JsonSchema } from '../../protocol/types';
import { ActivityCursor } from './activity-cursor';
import { ActivityLikeStream, ActivityWalk } from './activity-stream';
import { ACTIVITY_SCHEMA } from './schemas';
import { ReadContext } from './stream';

const PARTITION = 'deleted_leads';

/** Delete Lead activities from Get Deleted Leads. */
export class DeletedLeadsStream extends ActivityLikeStream {
  readonly name = 'deleted_leads';

  schema(): Promise<JsonSchema> {
    return Promise.resolve(ACTIVITY_SCHEMA);
  }

  protected override beforeRead(ctx: ReadContext, cursor: ActivityCursor): void {
    const since = cursor.startOf([PARTITION]);
    const ageDays = (Date.now() - Date.parse(since)) / 86_400_000;
    if (ageDays > DELETED_LEADS_RETENTION_DAYS) {
      ctx.log(
        'WARN',
        `deleted_leads: reading deletions since ${since}, more than ${DELETED_LEADS_RETENTION_DAYS} days ago. Marketo may prune deletions older than ${DELETED_LEADS_RETENTION_DAYS} days, so some may have been missed; sync at least every ${DELETED_LEADS_RETENTION_DAYS} days to catch every deletion.`,
      );
    }
  }

  protected walks(ctx: ReadContext): Promise<ActivityWalk[]> {
    return Promise.resolve([{ keys: [PARTITION], fetchPage: (token) => ctx.endpoints.getDeletedLeads(token), partitionOf: () => PARTITION }]);
  }
}
