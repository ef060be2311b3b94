import { Activity } from '../../marketo/endpoints';
import { CHANGE_DATA_VALUE_TYPE_ID, MERGE_LEADS_TYPE_ID, NEW_LEAD_TYPE_ID } from '../../marketo/constants';
import { MarketoConfigError } from '../../marketo/errors';
import { JsonSchema } from '../../protocol/types';
import { textOf } from '../../protocol/text';
import { AcceptedActivity, ActivityLikeStream, ActivityWalk } from './activity-stream';
import { LEAD_CHANGE_SCHEMA } from './schemas';
import { madeByIgnoredApiUser } from './echo-filter';
import { LiveFieldList } from './vanishing-fields';
import { ReadContext } from './stream';
import { BulkSpec } from './bulk-backfill';
import { LeadChangeCompanies } from './lead-change-companies';
import { fieldActivityTypeIds } from './lead-walks';

export const LEAD_CHANGES_PARTITION = 'lead_changes';
export const MERGES_PARTITION = 'merge_leads';

/**
 * New Lead and Change Data Value activities from Get Lead Changes, plus Merge Leads, which that
 * endpoint never returns, from Get Lead Activities: two walks, each with its own cursor.
 */
export class LeadChangesStream extends ActivityLikeStream {
  readonly name = 'lead_changes';
  /** Per sync (one read context): what the company attribution learnt from the pages read so far. */
  private readonly companies = new WeakMap<ReadContext, LeadChangeCompanies>();

  schema(): Promise<JsonSchema> {
    return Promise.resolve(LEAD_CHANGE_SCHEMA);
  }

  /** Changes our own destination made (ignore_changes_by_api_users) are read past, not emitted. */
  protected override keep(ctx: ReadContext, activity: Activity): boolean {
    return !madeByIgnoredApiUser(activity, ctx.config.ignoreChangesByApiUsers);
  }

  /**
   * The page's records, a company field's change with the `externalCompanyId` of the lead's
   * company at the time (LeadChangeCompanies), and corrections of earlier pages' records after them.
   */
  protected override async pageRecords(ctx: ReadContext, accepted: AcceptedActivity[]): Promise<Record<string, unknown>[]> {
    let companies = this.companies.get(ctx);
    if (!companies) this.companies.set(ctx, (companies = new LeadChangeCompanies(ctx)));
    const records = accepted.map(({ activity, date }) => this.toRecord(activity, date));
    const kept = new Set(records.filter((_, i) => this.keep(ctx, accepted[i].activity)));
    const corrections = await companies.attribute(records, (record) => kept.has(record));
    return [...records.filter((record) => kept.has(record)), ...corrections];
  }

  protected override toRecord(activity: Activity, activityDate: string): Record<string, unknown> {
    const record = super.toRecord(activity, activityDate);
    if (activity.fields !== undefined) record.fields = activity.fields;
    return record;
  }

  /**
   * New Lead, Change Data Value and Merge Leads from bulk files, each shaped as its REST endpoint
   * returns it: a Change Data Value of a tracked field gets Get Lead Changes' `fields` entry (the
   * field is the activity's primary attribute) and loses the primary attribute, as there; one of
   * an untracked field is left out, as Get Lead Changes leaves it out.
   */
  protected override async bulkSpec(ctx: ReadContext): Promise<BulkSpec | undefined> {
    const types = await ctx.metadata.activityTypes();
    const idOf = (name: string, fallback: number) => types.find((t) => t.name === name)?.id ?? fallback;
    const newLead = idOf('New Lead', NEW_LEAD_TYPE_ID);
    const changeDataValue = idOf('Change Data Value', CHANGE_DATA_VALUE_TYPE_ID);
    const merge = idOf('Merge Leads', MERGE_LEADS_TYPE_ID);
    const tracked = new Set(await this.trackedFields(ctx));
    const fieldsById = new Map((await ctx.metadata.leadFields()).map((f) => [f.id, f.rest!.name]));
    return {
      activityTypeIds: [newLead, changeDataValue, merge],
      keys: [LEAD_CHANGES_PARTITION, MERGES_PARTITION],
      partitionOf: (activity) => (activity.activityTypeId === merge ? MERGES_PARTITION : LEAD_CHANGES_PARTITION),
      adapt: (activity) => {
        if (activity.activityTypeId !== changeDataValue) return activity;
        const name = fieldsById.get(Number(activity.primaryAttributeValueId));
        if (name === undefined || !tracked.has(name)) return undefined;
        const value = (attribute: string) => {
          const found = activity.attributes?.find((a) => a.name === attribute)?.value;
          return found === undefined || found === null ? null : textOf(found);
        };
        const { primaryAttributeValueId: id, primaryAttributeValue: _displayName, ...rest } = activity;
        return { ...rest, fields: [{ id: Number(id), name, newValue: value('New Value'), oldValue: value('Old Value') }] };
      },
    };
  }

  protected async walks(ctx: ReadContext): Promise<ActivityWalk[]> {
    const fields = new LiveFieldList(await this.trackedFields(ctx), this.name, ctx.log);
    const { mergeTypeId, ids: fieldActivityTypes } = fieldActivityTypeIds(await ctx.metadata.activityTypes());
    // With `leads` in the sync, the Merge Leads walk asks for every type `leads` walks over (merges
    // among them) and keeps the merges: `leads` is then served from its pages (SharedWalkPages)
    // instead of walking again.
    const asked = ctx.syncStreams?.has('leads') ? fieldActivityTypes : [mergeTypeId];
    return [
      {
        keys: [LEAD_CHANGES_PARTITION],
        // Long field lists go as POST with _method=GET (the client decides by URI length).
        fetchPage: (token) => fields.call((names) => ctx.endpoints.getLeadChanges(token, names)),
        partitionOf: () => LEAD_CHANGES_PARTITION,
      },
      {
        keys: [MERGES_PARTITION],
        fetchPage: (token) => ctx.endpoints.getLeadActivities(token, asked),
        partitionOf: (activity) => (activity.activityTypeId === mergeTypeId ? MERGES_PARTITION : undefined),
      },
    ];
  }

  /** `lead_change_fields`, or every lead field Describe Lead reports; fields that no longer exist are left out with a warning. */
  private async trackedFields(ctx: ReadContext): Promise<string[]> {
    const existing = (await ctx.metadata.leadFields()).map((f) => f.rest!.name);
    const wanted = ctx.config.leadChangeFields;
    if (!wanted) return existing;
    const known = new Set(existing);
    const missing = wanted.filter((f) => !known.has(f));
    if (missing.length > 0)
      ctx.log(
        'WARN',
        `lead_changes: these lead_change_fields do not exist in Marketo (or are not available through REST) and are not tracked: ${missing.join(', ')}.`,
      );
    const fields = wanted.filter((f) => known.has(f));
    if (fields.length === 0) throw new MarketoConfigError("None of the 'lead_change_fields' exist in Marketo's Describe Lead; nothing can be tracked.");
    return fields;
  }
}
