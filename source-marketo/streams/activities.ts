import { MAX_ACTIVITY_TYPES_PER_CALL } from '../../marketo/constants';
import { JsonSchema } from '../../protocol/types';
import { ActivityLikeStream, ActivityWalk } from './activity-stream';
import { ACTIVITY_SCHEMA } from './schemas';
import { ReadContext } from './stream';

/** Every activity of the selected types, from Get Lead Activities, ten types per paging walk. */
export class ActivitiesStream extends ActivityLikeStream {
  readonly name = 'activities';

  schema(): Promise<JsonSchema> {
    return Promise.resolve(ACTIVITY_SCHEMA);
  }

  protected async walks(ctx: ReadContext): Promise<ActivityWalk[]> {
    const typeIds = ctx.config.activityTypeIds ?? (await ctx.metadata.activityTypes()).map((t) => t.id).sort((a, b) => a - b);
    const walks: ActivityWalk[] = [];
    for (let i = 0; i < typeIds.length; i += MAX_ACTIVITY_TYPES_PER_CALL) {
      const group = typeIds.slice(i, i + MAX_ACTIVITY_TYPES_PER_CALL);
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
