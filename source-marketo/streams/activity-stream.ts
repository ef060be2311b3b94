import { Activity } from '../../marketo/endpoints';
import { JsonSchema, SyncMode } from '../../protocol/types';
import { toMarketoSecond } from '../dates';
import { ActivityCursor } from './activity-cursor';
import { ReadContext, SourceStream, StreamContext, StreamEvent } from './stream';
import { WalkSpec, mergeAsync, walkActivities } from './walk';

/** Walk spec of an activity-like stream: which cursor partition each activity of the walk belongs to. */
export interface ActivityWalk extends WalkSpec {
  partitionOf(activity: Activity): string | undefined;
}

const ACTIVITY_FIELDS = [
  'marketoGUID', 'id', 'leadId', 'activityDate', 'activityTypeId', 'campaignId', 'primaryAttributeValueId', 'primaryAttributeValue', 'attributes',
] as const;

/**
 * The streams read through Marketo's date-based paging tokens (activities, lead_changes,
 * deleted_leads): one or more walks run in parallel, each page is filtered through the cursor so
 * nothing is emitted twice, and a checkpoint follows every page that emitted something.
 */
export abstract class ActivityLikeStream implements SourceStream {
  abstract readonly name: string;
  readonly primaryKey = [['marketoGUID']];
  readonly cursorField = ['activityDate'];
  readonly syncModes: SyncMode[] = ['full_refresh', 'incremental'];

  abstract schema(ctx: StreamContext): Promise<JsonSchema>;
  protected abstract walks(ctx: ReadContext): Promise<ActivityWalk[]>;

  /** Hook for streams that leave some activities out of their records while still moving the cursor past them. */
  protected keep(_ctx: ReadContext, _activity: Activity): boolean {
    return true;
  }

  protected toRecord(activity: Activity, activityDate: string): Record<string, unknown> {
    const record: Record<string, unknown> = {};
    for (const field of ACTIVITY_FIELDS) {
      const value = activity[field];
      if (value !== undefined) record[field] = value;
    }
    record.activityDate = activityDate;
    return record;
  }

  /** Runs before the walks start, e.g. to warn about data Marketo may have pruned. */
  protected beforeRead(_ctx: ReadContext, _cursor: ActivityCursor): void {}

  async *read(ctx: ReadContext, state: Record<string, unknown> | undefined): AsyncGenerator<StreamEvent> {
    const cursor = new ActivityCursor(ctx.syncMode === 'incremental' ? state : undefined, ctx.config.startDate);
    this.beforeRead(ctx, cursor);
    const walks = await this.walks(ctx);
    const walkedTo = new Map<WalkSpec, string>();
    const getToken = (since: string) => ctx.endpoints.getPagingToken(since);
    const onStuck = (walk: WalkSpec) =>
      ctx.log('WARN', `${this.name}: Marketo kept answering empty pages with the same paging token for ${walk.keys.join(',')}; stopped this walk for now.`);
    const iterators = walks.map((walk) => walkActivities(walk, cursor.startOf(walk.keys), getToken, onStuck));

    let checkpointed = false;
    for await (const page of mergeAsync(iterators)) {
      const walk = page.walk as ActivityWalk;
      const records: Record<string, unknown>[] = [];
      let latest = walkedTo.get(walk);
      for (const activity of page.activities) {
        const date = typeof activity.activityDate === 'string' ? toMarketoSecond(activity.activityDate) : undefined;
        const key = walk.partitionOf(activity);
        if (!date || key === undefined || typeof activity.marketoGUID !== 'string') {
          ctx.log('WARN', `${this.name}: skipped an activity without a usable marketoGUID, activityDate or type (marketoGUID ${String(activity.marketoGUID)}).`);
          continue;
        }
        if (latest === undefined || date > latest) latest = date;
        if (!cursor.accept(key, date, activity.marketoGUID)) continue;
        if (this.keep(ctx, activity)) records.push(this.toRecord(activity, date));
      }
      if (latest !== undefined) walkedTo.set(walk, latest);
      if (page.done) cursor.completeWalk(walk.keys, walkedTo.get(walk));
      if (records.length > 0) yield { records };
      checkpointed = records.length > 0 || page.done;
      if (checkpointed) yield { state: cursor.toState() as unknown as Record<string, unknown> };
    }
    if (!checkpointed) yield { state: cursor.toState() as unknown as Record<string, unknown> };
  }
}
