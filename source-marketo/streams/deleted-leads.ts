import { DELETED_LEADS_RETENTION_DAYS } from '../../marketo/constants';
import { JsonSchema } from '../../protocol/types';
import { secondOf } from '../dates';
import { ActivityCursor, quietSecond } from './activity-cursor';
import { ActivityLikeStream, ActivityWalk } from './activity-stream';
import { ACTIVITY_SCHEMA } from './schemas';
import { ReadContext, StreamEvent } from './stream';

const PARTITION = 'deleted_leads';
const DAY_MS = 86_400_000;

/**
 * Delete Lead activities from Get Deleted Leads.
 *
 * The cursor stays at the last deletion emitted, which on a quiet subscription can be weeks old
 * although every sync read Marketo's deletions to the end. The state therefore also keeps
 * `readThrough`: the second up to which a finished sync has read every deletion. Deletions may have
 * been missed only when that point is older than Marketo's 14-day retention (Get Deleted Leads,
 * https://developer.adobe.com/marketo-apis/api/mapi/#tag/Activities/operation/getDeletedLeadsUsingGET).
 */
export class DeletedLeadsStream extends ActivityLikeStream {
  readonly name = 'deleted_leads';

  schema(): Promise<JsonSchema> {
    return Promise.resolve(ACTIVITY_SCHEMA);
  }

  override async *read(ctx: ReadContext, state: Record<string, unknown> | undefined): AsyncGenerator<StreamEvent> {
    const incremental = ctx.syncMode === 'incremental' ? state : undefined;
    let readThrough = typeof incremental?.readThrough === 'string' ? incremental.readThrough : undefined;
    let last: Record<string, unknown> | undefined;
    for await (const event of super.read(ctx, state)) {
      if ('state' in event) {
        last = event.state;
        yield { state: readThrough ? { ...event.state, readThrough } : event.state };
      } else {
        yield event;
      }
    }
    // The walk reached Marketo's newest deletion: everything up to the sync's start (less the margin
    // for late commits) has been read.
    readThrough = quietSecond();
    if (last) yield { state: { ...last, readThrough } };
  }

  protected override beforeRead(ctx: ReadContext, cursor: ActivityCursor, state?: Record<string, unknown>): void {
    const since = cursor.startOf([PARTITION]);
    const retentionStart = Date.now() - DELETED_LEADS_RETENTION_DAYS * DAY_MS;
    if (Date.parse(since) >= retentionStart) return;
    const readThrough = typeof state?.readThrough === 'string' ? state.readThrough : undefined;
    if (state === undefined) {
      // A first sync: deletions before the retention window were never ours to miss.
      ctx.log('INFO', `deleted_leads: Marketo keeps deletions ${DELETED_LEADS_RETENTION_DAYS} days; those before ${secondOf(retentionStart)} may no longer be listed.`);
    } else if (readThrough === undefined || Date.parse(readThrough) < retentionStart) {
      ctx.log(
        'WARN',
        `deleted_leads: the last sync read deletions up to ${readThrough ?? since}, more than ${DELETED_LEADS_RETENTION_DAYS} days ago. Marketo may prune deletions older than ${DELETED_LEADS_RETENTION_DAYS} days, so some may have been missed; sync at least every ${DELETED_LEADS_RETENTION_DAYS} days to catch every deletion.`,
      );
    }
  }

  protected walks(ctx: ReadContext): Promise<ActivityWalk[]> {
    return Promise.resolve([{ keys: [PARTITION], fetchPage: (token) => ctx.endpoints.getDeletedLeads(token), partitionOf: () => PARTITION }]);
  }
}
