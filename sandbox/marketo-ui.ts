// "In the Marketo UI": what people (and scoring or segmentation campaigns) change in Marketo, as
// opposed to API writes. Each action logs the activities Marketo logs for it and is not an API
// call (not counted, not in the write log). Sandbox methods and the /__sandbox admin routes call these.

import type { ActivityDetails, ChangeOrigin } from './activity-details';
import { LEAD_PARTITION_FIELD } from './activity-generator';
import type { RequestIds } from './envelope';
import type { Sandbox, DatedOptions } from './index';
import type { LeadOperations, UpdateLeadOptions } from './lead-operations';
import type { LeadPartitions } from './lead-partitions';
import type { LeadStore, LeadValue } from './leads';
import * as MarketoFacts from './marketo-facts';
import { isoToEpochSeconds } from './option-values';
import * as SampleData from './sample-data';
import { RecordSkip } from './write-request';

export type MarketoUiActions = Pick<
  Sandbox,
  | 'createLead'
  | 'updateLead'
  | 'deleteLead'
  | 'mergeLeads'
  | 'changeScore'
  | 'changeSegment'
  | 'changeLeadPartition'
  | 'addLeadField'
  | 'hideLeadField'
  | 'showLeadField'
>;

export interface MarketoUiDeps {
  leads: LeadStore;
  operations: LeadOperations;
  details: ActivityDetails;
  partitions: LeadPartitions;
  requestIds: RequestIds;
  /** The API user an `updateLead` with source 'api' names by default. */
  apiUser: string;
  now: () => number;
}

export function marketoUiActions({ leads, operations, details, partitions, requestIds, apiUser, now }: MarketoUiDeps): MarketoUiActions {
  /** Checked values: the API's rules, but read-only fields are refused rather than ignored. */
  const uiValues = (values: Record<string, unknown>): Record<string, LeadValue> => {
    const prepared = operations.prepare(values);
    if (prepared instanceof RecordSkip) throw new Error(`${prepared.code} ${prepared.message}`);
    if (prepared.ignored.length > 0) throw new Error(`lead field(s) ${prepared.ignored.map((f) => `'${f}'`).join(', ')} are read-only`);
    return prepared.values;
  };
  const requireLead = (id: number): void => {
    if (!leads.has(id)) throw new Error(`lead ${id} does not exist`);
  };
  const datedSec = (opts: DatedOptions | undefined): number | undefined => (opts?.at === undefined ? undefined : isoToEpochSeconds('at', opts.at));
  const originOf = (opts: UpdateLeadOptions): ChangeOrigin | 'unlogged' => {
    switch (opts.source ?? 'ui') {
      case 'unlogged':
        return 'unlogged';
      case 'api':
        return { kind: 'api', apiUser: opts.apiUser ?? apiUser, apiMethodName: MarketoFacts.API_METHOD_SYNC_LEAD, requestId: requestIds.next(now()) };
      case 'flow':
        return { kind: 'flow', campaign: SampleData.CAMPAIGNS[3] }; // Operational.Data Normalisation
      case 'form':
        return { kind: 'form', formName: SampleData.FORMS[0].name };
      case 'ui':
        return { kind: 'ui' };
      default:
        throw new Error(`updateLead source must be 'ui', 'flow', 'form', 'api' or 'unlogged', got '${String(opts.source)}'`);
    }
  };

  return {
    createLead: (values) => operations.create(uiValues(values), { kind: 'ui' }),
    updateLead: (id, values, opts = {}) => {
      requireLead(id);
      const prepared = uiValues(values);
      // Through the API, company fields of a linked lead are refused, as Sync Leads refuses them (Leads).
      const refused = opts.source === 'api' ? operations.companyConflict(prepared, leads.get(id)) : undefined;
      if (refused) throw new Error(`updateLead through the API: ${refused.code} ${refused.message}`);
      return operations.update(id, prepared, originOf(opts), datedSec(opts));
    },
    deleteLead: (id, opts) => {
      requireLead(id);
      operations.delete(id, datedSec(opts));
    },
    mergeLeads: (winnerId, loserIds, opts) => {
      for (const id of [winnerId, ...loserIds]) requireLead(id);
      if (loserIds.length === 0 || loserIds.includes(winnerId)) throw new Error('mergeLeads needs losers other than the winner');
      operations.merge(winnerId, [...new Set(loserIds)], MarketoFacts.UI_MERGE_SOURCE, datedSec(opts));
    },
    changeScore: (id, delta, opts = {}) => {
      requireLead(id);
      if (!Number.isInteger(delta) || delta === 0) throw new Error(`changeScore needs a non-zero integer, got ${delta}`);
      const score = Number(leads.currentValue(id, 'leadScore') ?? 0) + delta;
      operations.changeByActivity(
        id,
        MarketoFacts.TYPE_CHANGE_SCORE,
        'leadScore',
        score,
        (change) => details.changeScoreDetails(change, opts.reason ?? 'Visited pricing page'),
        datedSec(opts),
      );
      return score;
    },
    changeSegment: (id, segment, opts) => {
      requireLead(id);
      const segmentation = SampleData.SEGMENTATION;
      const to = segmentation.segments.find((s) => s.name === segment);
      if (!to) throw new Error(`no segment '${segment}' (segments: ${segmentation.segments.map((s) => s.name).join(', ')})`);
      return operations.changeByActivity(
        id,
        MarketoFacts.TYPE_CHANGE_SEGMENT,
        segmentation.field,
        to.name,
        (change) => details.changeSegmentDetails(change, segmentation, to.id),
        datedSec(opts),
      );
    },
    changeLeadPartition: (id, partitionId, opts) => {
      requireLead(id);
      // The configured partitions, else the sample ones that generated moves use.
      const to = partitions.list().find((p) => p.id === partitionId) ?? SampleData.LEAD_PARTITIONS.find((p) => p.id === partitionId);
      if (!to) throw new Error(`no lead partition ${partitionId} (partitions: ${SampleData.LEAD_PARTITIONS.map((p) => p.id).join(', ')})`);
      return operations.changeByActivity(
        id,
        MarketoFacts.TYPE_CHANGE_LEAD_PARTITION,
        LEAD_PARTITION_FIELD,
        to.id,
        (change) => details.changeLeadPartitionDetails(change, to, MarketoFacts.UI_PARTITION_REASON),
        datedSec(opts),
      );
    },
    addLeadField: (field) => {
      const existing = leads.fields.getAny(field.name);
      if (existing && leads.fields.isHidden(field.name)) {
        leads.fields.unhide(field.name);
        return { ...existing };
      }
      const added = leads.fields.add({
        displayName: field.displayName,
        dataType: field.dataType,
        ...(field.length !== undefined ? { length: field.length } : {}),
        rest: { name: field.name, readOnly: field.readOnly ?? false },
        soap: { name: field.name, readOnly: field.readOnly ?? false },
      });
      return { ...added };
    },
    hideLeadField: (name) => {
      if (!leads.fields.getAny(name)) throw new Error(`no lead field '${name}'`);
      leads.fields.hide(name);
    },
    showLeadField: (name) => leads.fields.unhide(name),
  };
}
