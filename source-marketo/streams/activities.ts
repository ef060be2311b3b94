import { BULK_UNSUPPORTED_ACTIVITY_TYPES } from '../../marketo/constants';
import { JsonSchema } from '../../protocol/types';
import { ActivityLikeStream, ActivityWalk } from './activity-stream';
import { ACTIVITY_SCHEMA } from './schemas';
import { ReadContext } from './stream';
import { BulkSpec } from './bulk-backfill';
import { typeGroupWalks } from './activity-type-groups';
import { ActivityFamilyMember } from './activity-family';
import { Activity } from '../../marketo/endpoints';

/** Every activity of the selected types, from Get Lead Activities, ten types per paging walk. */
export class ActivitiesStream extends ActivityLikeStream implements ActivityFamilyMember {
  readonly name = 'activities';

  /** With per-type streams in the same sync, `activities` is read in their shared pass (activity-family.ts). */
  familyTypeIds(ctx: ReadContext): Promise<number[]> {
    return this.typeIds(ctx);
  }

  familyRecord(activity: Activity, activityDate: string): Record<string, unknown> {
    return this.toRecord(activity, activityDate);
  }

  schema(): Promise<JsonSchema> {
    return Promise.resolve(ACTIVITY_SCHEMA);
  }

  /** The types this stream reads: `activity_type_ids` of the config, or every type. */
  async typeIds(ctx: ReadContext): Promise<number[]> {
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
    return typeGroupWalks(ctx, await this.typeIds(ctx), (id) => [String(id)], readByBulk);
  }
}
