import { DELETED_LEADS_RETENTION_DAYS, LEAD_CHANGES_RETENTION_DAYS, LEAD_FIELD_ACTIVITY_TYPES, MERGE_LEADS_TYPE_ID } from '../../marketo/constants';
import { ActivityType } from '../../marketo/endpoints';
import { ReadContext } from './stream';
import { LiveFieldList } from './vanishing-fields';
import { WalkSpec } from './walk';

// The three paging walks that tell which leads changed, were merged or were deleted since a
// cursor. Together they catch every way Marketo changes a lead's values or removes a lead.

/** New Lead and Change Data Value, from Get Lead Changes. */
export const LEAD_CHANGES_WALK = 'lead_changes';
/** Merge Leads and the other types that change lead fields (LEAD_FIELD_ACTIVITY_TYPES), in one Get Lead Activities walk. */
export const LEAD_FIELD_ACTIVITIES_WALK = 'lead_field_activities';
/** Delete Lead, from Get Deleted Leads. */
export const DELETED_LEADS_WALK = 'deleted_leads';
export const LEAD_MIRROR_WALK_KEYS = [LEAD_CHANGES_WALK, LEAD_FIELD_ACTIVITIES_WALK, DELETED_LEADS_WALK];

export interface LeadMirrorWalk extends WalkSpec {
  keys: [string];
  /** How long Marketo keeps what this walk reads: a cursor older than this may have missed some. */
  retentionDays: number;
  /** What it reads, for people. */
  reads: string;
}

export interface LeadMirrorWalks {
  walks: LeadMirrorWalk[];
  mergeTypeId: number;
  /** Type ids the field-activities walk asks for (Merge Leads among them). */
  fieldActivityTypeIds: Set<number>;
}

/** The field-changing activity types this subscription has (by name; the default ids when Get Activity Types is silent). */
export function fieldActivityTypeIds(types: ActivityType[]): { mergeTypeId: number; ids: number[] } {
  const byName = new Map(types.map((t) => [t.name, t.id]));
  const ids = LEAD_FIELD_ACTIVITY_TYPES.flatMap((t) => (byName.has(t.name) ? [byName.get(t.name)!] : types.length === 0 ? [t.id] : []));
  const mergeTypeId = byName.get('Merge Leads') ?? MERGE_LEADS_TYPE_ID;
  if (!ids.includes(mergeTypeId)) ids.unshift(mergeTypeId);
  return { mergeTypeId, ids };
}

/** The walks of the `leads` mirror; `changeFields` are the lead fields whose Change Data Values count. */
export async function leadMirrorWalks(ctx: ReadContext, changeFields: LiveFieldList): Promise<LeadMirrorWalks> {
  const { mergeTypeId, ids } = fieldActivityTypeIds(await ctx.metadata.activityTypes());
  return {
    mergeTypeId,
    fieldActivityTypeIds: new Set(ids),
    walks: [
      {
        keys: [LEAD_CHANGES_WALK],
        reads: 'lead changes',
        retentionDays: LEAD_CHANGES_RETENTION_DAYS,
        fetchPage: (token) => changeFields.call((names) => ctx.endpoints.getLeadChanges(token, names)),
      },
      {
        keys: [LEAD_FIELD_ACTIVITIES_WALK],
        reads: 'score, segment, partition and merge activities',
        // Change Score is among them, kept 90 days like Change Data Value.
        retentionDays: LEAD_CHANGES_RETENTION_DAYS,
        fetchPage: (token) => ctx.endpoints.getLeadActivities(token, ids),
      },
      {
        keys: [DELETED_LEADS_WALK],
        reads: 'deletions',
        retentionDays: DELETED_LEADS_RETENTION_DAYS,
        fetchPage: (token) => ctx.endpoints.getDeletedLeads(token),
      },
    ],
  };
}
