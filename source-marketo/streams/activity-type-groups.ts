import { DELETE_LEAD_TYPE_ID, DELETED_LEADS_RETENTION_DAYS, MAX_ACTIVITY_TYPES_PER_CALL } from '../../marketo/constants';
import { ActivityWalk } from './activity-stream';
import { ReadContext } from './stream';

/**
 * The Get Lead Activities walks over these activity types: one per group of ten (Marketo's
 * limit of activityTypeIds per call), in id order. `activities` and the per-type streams build
 * their walks here alike, so that the same types cost the same calls whichever streams read them.
 *
 * `keysOf` names the cursor partitions an activity of a type belongs to (one per stream reading
 * that type); keyed per type, so that the groups can change (types added or removed) without
 * losing a cursor. `readByBulk`: partitions whose history bulk files read in this sync; the types
 * they cannot export then walk on their own, so that their REST history does not drag the
 * exported types' pages along. Delete Lead walked apart so starts no earlier than the 14 days
 * Marketo keeps deletions (Get Deleted Leads,
 * https://developer.adobe.com/marketo-apis/api/mapi/#tag/Activities/operation/getDeletedLeadsUsingGET).
 */
export function typeGroupWalks(ctx: ReadContext, typeIds: number[], keysOf: (typeId: number) => string[], readByBulk?: string[]): ActivityWalk[] {
  const apart = readByBulk ? typeIds.filter((id) => !keysOf(id).some((key) => readByBulk.includes(key))) : [];
  const walked = typeIds.filter((id) => !apart.includes(id));
  const groups: number[][] = apart.length > 0 ? [apart] : [];
  for (let i = 0; i < walked.length; i += MAX_ACTIVITY_TYPES_PER_CALL) groups.push(walked.slice(i, i + MAX_ACTIVITY_TYPES_PER_CALL));
  return groups.map((group) => {
    const inGroup = new Set(group);
    const partitionsOf = (activity: { activityTypeId: number }) => (inGroup.has(activity.activityTypeId) ? keysOf(activity.activityTypeId) : []);
    const walk: ActivityWalk = {
      keys: group.flatMap(keysOf),
      fetchPage: (token: string) => ctx.endpoints.getLeadActivities(token, group),
      partitionsOf,
      partitionOf: (activity) => partitionsOf(activity)[0],
    };
    if (group === groups[0] && apart.length > 0 && apart.every((id) => id === DELETE_LEAD_TYPE_ID)) walk.keptDays = DELETED_LEADS_RETENTION_DAYS;
    return walk;
  });
}
