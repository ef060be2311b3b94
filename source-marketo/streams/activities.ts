import { BULK_UNSUPPORTED_ACTIVITY_TYPES, MAX_ACTIVITY_TYPES_PER_CALL } from '../../marketo/constants';
import { JsonSchema } from '../../protocol/types';
import { ActivityLikeStream, ActivityWalk } from './activity-stream';
import { ACTIVITY_SCHEMA } from './schemas';
import { ReadContext } from './stream';
import { BulkSpec } from './bulk-backfill';

/** Every activity of the selected types, from Get Lead Activities, ten types per paging walk. */
export class ActivitiesStream extends ActivityLikeStream {
  readonly name = 'activities';

  schema(): Promise<JsonSchema> {
    return Promise.resolve(ACTIVITY_SCHEMA);
  }

  private async typeIds(ctx: ReadContext): Promise<number[]> {
    return ctx.config.activityTypeIds ?? (await ctx.metadata.activityTypes()).map((t) => t.id).sort((a, b) => a - b);
  }

  /** Every selected type the bulk activity extract exports (all but Delete Lead). */
  protected override async bulkSpec(ctx: ReadContext): Promise<BulkSpec | undefined> {
    const typeIds = (await this.typeIds(ctx)).filter((id) => !BULK_UNSUPPORTED_ACTIVITY_TYPES.includes(id));
    const keys = typeIds.map(String);
    const selected = new Set(keys);
    return {
      activityTypeIds: typeIds,
      keys,
      partitionOf: (activity) => (selected.has(String(activity.activityTypeId)) ? String(activity.activityTypeId) : undefined),
      adapt: (activity) => activity,
    };
  }

  protected async walks(ctx: ReadContext, readByBulk?: string[]): Promise<ActivityWalk[]> {
    const all = await this.typeIds(ctx);
    // When bulk files have read the other types' history, the types they cannot export walk on
    // their own, so that their REST history does not drag the exported types' pages along.
    const apart = readByBulk ? all.filter((id) => !readByBulk.includes(String(id))) : [];
    const typeIds = all.filter((id) => !apart.includes(id));
    const groups: number[][] = apart.length > 0 ? [apart] : [];
    for (let i = 0; i < typeIds.length; i += MAX_ACTIVITY_TYPES_PER_CALL) groups.push(typeIds.slice(i, i + MAX_ACTIVITY_TYPES_PER_CALL));
    const walks: ActivityWalk[] = [];
    for (const group of groups) {
      const keys = group.map(String);
      const inGroup = new Set(keys);
      walks.push({
        keys,
        fetchPage: (token) => ctx.endpoints.getLeadActivities(token, group),
        // Keyed per type, so that the groups can change (types added or removed) without losing the cursor.
        partitionOf: (activity) => (inGroup.has(String(activity.activityTypeId)) ? String(activity.activityTypeId) : undefined),
      });
    }
    return walks;
  }
}
