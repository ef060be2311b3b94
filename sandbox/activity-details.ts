// Turns a stored activity row into the JSON Marketo serves (Activities).
//
// Details (attributes, primary attribute, campaign) are a pure function of (seed, id, row), so
// a million activities cost five numbers each in memory and the same id always yields the same
// bytes (activity-seeds.ts: the arithmetic; generated-details.ts: one generator per type).
// Activities that lead writes log store their details (written-details.ts), which take precedence.
// activity-json.ts shapes rows and details for Get Lead Activities and Get Lead Changes.

import {
  activityJson,
  leadChangeJson,
  type Activity,
  type Change,
  type ChangeOrigin,
  type Details,
  type ExplicitDetails,
  type LeadChange,
} from './activity-json';
import { changedFieldOf, SALT_DETAILS, unpackChangeLink, valueForKey, valueKey } from './activity-seeds';
import type { ActivityRow } from './activity-store';
import { changeScoreDetails, generatedChangeOrigin, GENERATORS } from './generated-details';
import type { LeadFieldStore, LeadValue } from './leads';
import * as MarketoFacts from './marketo-facts';
import { rngFor, type Rng } from './prng';
import * as SampleData from './sample-data';
import * as WrittenDetails from './written-details';

export type { Activity, ActivityAttribute, AttributeValue, Change, ChangeOrigin, ExplicitDetails, LeadChange, LeadChangeField } from './activity-json';
export { changedFieldOf, MAX_VALUE_ATTEMPTS, mergedCountOf, packChangeLink, unpackChangeLink, valueForKey, valueKey } from './activity-seeds';
export { SALT_CHANGED_FIELD, SALT_DETAILS, SALT_FIELD_VALUE, SALT_MERGE } from './activity-seeds';

type Generated = Details;

export interface DetailsContext {
  seed: number;
  /** The sandbox's own API user: some generated changes are attributed to it. */
  apiUser: string;
  fields: LeadFieldStore;
  /** Leave `id` out of activities, as "Activity Service" instances do (Activities). */
  omitActivityIds: boolean;
  /** Types and attributes added since the sandbox started: their values on the activities created since. */
  typeChanges?: { extend<T extends Generated>(row: ActivityRow, details: T): T };
}

export class ActivityDetails {
  private readonly explicit = new Map<number, ExplicitDetails>();

  constructor(private readonly ctx: DetailsContext) {}

  setExplicit(activityId: number, details: ExplicitDetails): void {
    this.explicit.set(activityId, details);
  }

  /** The changed field of a Change Data Value row with its old and new values. */
  changeOf(row: ActivityRow): Change | undefined {
    if (row.typeId !== MarketoFacts.TYPE_CHANGE_DATA_VALUE && row.typeId !== MarketoFacts.TYPE_CHANGE_SCORE) return undefined;
    const explicit = this.explicit.get(row.id);
    if (explicit) return explicit.change;
    const field = row.typeId === MarketoFacts.TYPE_CHANGE_SCORE ? 'leadScore' : changedFieldOf(this.ctx.seed, row.id);
    const { previousKey, attempt } = unpackChangeLink(row.link);
    return {
      field,
      oldValue: valueForKey(this.ctx.seed, previousKey, field, row.leadId),
      newValue: valueForKey(this.ctx.seed, valueKey(row.id, attempt), field, row.leadId),
    };
  }

  /** The activity as Get Lead Activities serves it. */
  activity(row: ActivityRow): Activity {
    return activityJson(row, this.details(row), this.ctx.omitActivityIds);
  }

  /**
   * The activity as Get Lead Changes serves it, or undefined when it is a Change Data Value of a
   * field not in `fields` (activity-json.ts: leadChangeJson).
   */
  leadChange(row: ActivityRow, fields: ReadonlySet<string>): LeadChange | undefined {
    return leadChangeJson(row, this.details(row), fields, this.ctx.fields, this.ctx.omitActivityIds);
  }

  private details(row: ActivityRow): Generated {
    const details = this.explicit.get(row.id) ?? this.generate(row);
    return this.ctx.typeChanges ? this.ctx.typeChanges.extend(row, details) : details;
  }

  private generate(row: ActivityRow): Generated {
    const { seed } = this.ctx;
    const rng = rngFor(seed, SALT_DETAILS, row.id);
    // Drawn for every type, whether it uses them or not: the draws after them depend on it.
    const campaign = rng.pick(SampleData.CAMPAIGNS);
    const agent = rng.pick(SampleData.USER_AGENTS);
    if (row.typeId === MarketoFacts.TYPE_CHANGE_DATA_VALUE) return this.generateChangeDataValue(row, rng, this.changeOf(row));
    if (row.typeId === MarketoFacts.TYPE_CHANGE_SCORE) return this.generateChangeScore(rng, this.changeOf(row));
    return GENERATORS.get(row.typeId)?.({ seed, row, rng, campaign, agent }) ?? { attributes: [] };
  }

  private generateChangeDataValue(row: ActivityRow, rng: Rng, change: Change | undefined): Generated {
    if (!change) return { attributes: [] };
    return this.changeDataValueDetails(change, generatedChangeOrigin(rng, row, this.ctx.apiUser));
  }

  private generateChangeScore(rng: Rng, change: Change | undefined): Generated {
    return changeScoreDetails(rng, change, this.ctx.fields.getAny('leadScore'));
  }

  /**
   * The details of a Change Data Value made by `origin`: what generated changes carry and what
   * lead writes (Sync Leads, the in-process helpers) store for the activities they log.
   */
  changeDataValueDetails(change: Change, origin: ChangeOrigin): ExplicitDetails {
    return WrittenDetails.changeDataValueDetails(this.ctx.fields, change, origin);
  }

  /** New Lead (Activities) of a lead created by a write. */
  newLeadDetails(lead: Readonly<Record<string, LeadValue | undefined>> & { id: number }, dateSec: number, sourceType: string): ExplicitDetails {
    return WrittenDetails.newLeadDetails(lead, dateSec, sourceType);
  }

  /** Merge Leads (Leads) on the winner, naming the merged-away ids. */
  mergeLeadsDetails(
    winner: Readonly<Record<string, LeadValue | undefined>> & { id: number },
    loserIds: readonly number[],
    opts: { masterUpdated: boolean; mergeSource: string },
  ): ExplicitDetails {
    return WrittenDetails.mergeLeadsDetails(winner, loserIds, opts);
  }

  /** Delete Lead (Activities): the lead id and name, no attributes. */
  deleteLeadDetails(lead: Readonly<Record<string, LeadValue | undefined>> & { id: number }): ExplicitDetails {
    return WrittenDetails.deleteLeadDetails(lead);
  }

  /** Change Score (Activities) of a score changed by a test (a scoring campaign): the generated attributes with this reason. */
  changeScoreDetails(change: Change, reason: string): ExplicitDetails {
    const generated = this.generateChangeScore(rngFor(this.ctx.seed, SALT_DETAILS, 0), change);
    return { ...generated, attributes: generated.attributes.map((a) => (a.name === 'Reason' ? { ...a, value: reason } : a)), change };
  }

  /** Change Segment (Activities). */
  changeSegmentDetails(change: Change, segmentation: { id: number; name: string }, newSegmentId: number): ExplicitDetails {
    return WrittenDetails.changeSegmentDetails(change, segmentation, newSegmentId);
  }

  /** Change Lead Partition (Activities). */
  changeLeadPartitionDetails(change: Change, newPartition: { id: number; name: string }, reason: string): ExplicitDetails {
    return WrittenDetails.changeLeadPartitionDetails(change, newPartition, reason);
  }

  /**
   * Stores the details of a change whose old value cannot be recomputed from the seed (the
   * value before it was written explicitly), so that it is served exactly as generated now.
   */
  freezeChange(row: ActivityRow, change: Change): void {
    const rng = rngFor(this.ctx.seed, SALT_DETAILS, row.id);
    const generated = row.typeId === MarketoFacts.TYPE_CHANGE_SCORE ? this.generateChangeScore(rng, change) : this.generateChangeDataValue(row, rng, change);
    this.explicit.set(row.id, { ...generated, change });
  }
}

// Marketo documentation cited above by page name:
// - Activities: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/activities
// - Leads: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/leads
