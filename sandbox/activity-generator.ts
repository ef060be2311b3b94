// Deterministic generation of the subscription's history: leads and their activities.
//
// The same seed gives the same leads and activities byte for byte. Activities arrive in
// bursts: many share the same second (1-20 per second, sometimes 20-60), which is what makes
// paging by datetime tricky and what clients must get right. Lead data and activities agree:
// a Change Data Value's old value is the value the lead had, its new value is what the lead
// has afterwards, and New Lead activities create the leads they name.

import { ACTIVITY_TYPES, TYPE_WEIGHTS } from './activity-types';
import {
  changedFieldOf,
  MAX_VALUE_ATTEMPTS,
  mergedCountOf,
  packChangeLink,
  valueForKey,
  valueKey,
  type ActivityDetails,
  type ExplicitDetails,
} from './activity-details';
import type { ActivityRow, ActivityStore } from './activity-store';
import { CHANGEABLE_FIELDS, generateLead, type LeadStore, type LeadValue, preexistingCreatedAt, valueAsText } from './leads';
import * as MarketoFacts from './marketo-facts';
import { Rng, rngFor } from './prng';
import * as SampleData from './sample-data';

/** The lead field holding the lead's partition. */
export const LEAD_PARTITION_FIELD = 'leadPartitionId';

/** First generated activity id. Real ids are large and only grow; gaps between ids are normal. */
export const FIRST_ACTIVITY_ID = 1_000_001;

const SALT_TIMELINE = 0x71e;
const SALT_TYPES = 0x7e5;
const SALT_ADD = 0xadd;

/** Produces activity dates: groups of activities sharing a second, separated by short gaps. */
class Timeline {
  private sec: number;
  private left = 0;
  private started = false;

  constructor(
    private readonly rng: Rng,
    startSec: number,
  ) {
    this.sec = startSec;
  }

  next(): number {
    if (this.left === 0) {
      if (this.started) this.sec += this.rng.chance(0.7) ? this.rng.int(1, 5) : this.rng.int(6, 40);
      this.started = true;
      // Mostly small groups, skewed towards 1-3; one group in ten is a burst (a batch campaign).
      this.left = this.rng.chance(0.1) ? this.rng.int(20, 60) : 1 + Math.floor(this.rng.next() ** 2 * 20);
    }
    this.left--;
    return this.sec;
  }
}

export interface GenerateOptions {
  /** Epoch seconds of the first new activity (default: one second after the latest stored). */
  atSec?: number;
  /** Restrict the types generated (default: every type, weighted as a real subscription). */
  typeIds?: readonly number[];
}

/**
 * Index of a (lead, field) pair in the map of current value keys; undefined for fields that
 * generated changes never touch (their values need no chaining).
 */
function pairKey(leadId: number, field: string): number | undefined {
  const index = field === 'leadScore' ? 63 : (CHANGEABLE_FIELDS as readonly string[]).indexOf(field);
  return index < 0 ? undefined : leadId * 64 + index;
}

export class ActivityGenerator {
  private nextActivityId = FIRST_ACTIVITY_ID;
  /**
   * For every (lead, field) a generated change touched: the value key of its current value, or
   * -1 when the current value was written explicitly (not derivable from the seed).
   */
  private readonly currentValueKey = new Map<number, number>();

  constructor(
    private readonly seed: number,
    private readonly store: ActivityStore,
    private readonly leads: LeadStore,
    private readonly details: ActivityDetails,
    /** The sandbox clock (epoch ms): where add() starts when nothing is stored yet. */
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The initial history: leads 1..leadCount and `count` activities from `startSec` on. Half of
   * the leads exist before the window; the others are created by New Lead activities inside it
   * (any left over when the activities run out are also made pre-existing).
   */
  generateInitial(count: number, leadCount: number, startSec: number): void {
    const preexisting = Math.max(1, Math.ceil(leadCount / 2));
    for (let id = 1; id <= Math.min(preexisting, leadCount); id++) {
      const created = preexistingCreatedAt(this.seed, id, startSec);
      this.leads.insert(generateLead(this.seed, id, created));
    }
    let nextPending = preexisting + 1;
    let createdUpTo = Math.min(preexisting, leadCount);

    const timeline = new Timeline(rngFor(this.seed, SALT_TIMELINE), startSec);
    const rng = rngFor(this.seed, SALT_TYPES);
    const types = ACTIVITY_TYPES.map((t) => t.id);
    const weights = types.map((t) => TYPE_WEIGHTS[t] ?? 1);
    const totalWeight = weights.reduce((a, b) => a + b, 0);

    for (let i = 0; i < count; i++) {
      const dateSec = timeline.next();
      let typeId = types[rng.weightedIndex(weights, totalWeight)];
      if (typeId === MarketoFacts.TYPE_NEW_LEAD && nextPending > leadCount) typeId = MarketoFacts.TYPE_VISIT_WEBPAGE;
      if (createdUpTo === 0) typeId = MarketoFacts.TYPE_NEW_LEAD; // leadCount 0: nothing else can happen
      let leadId: number;
      if (typeId === MarketoFacts.TYPE_NEW_LEAD) {
        leadId = nextPending <= leadCount ? nextPending++ : this.leads.allocateId();
        this.leads.insert(generateLead(this.seed, leadId, dateSec));
        createdUpTo = Math.max(createdUpTo, leadId);
      } else {
        leadId = 1 + Math.floor(rng.next() * createdUpTo);
      }
      this.emit(typeId, dateSec, leadId, rng);
    }

    for (let id = nextPending; id <= leadCount; id++) {
      this.leads.insert(generateLead(this.seed, id, preexistingCreatedAt(this.seed, id, startSec)));
    }
  }

  /** `n` more activities, deterministic given everything generated before. */
  add(n: number, opts: GenerateOptions = {}): ActivityRow[] {
    const seedForCall = rngFor(this.seed, SALT_ADD, this.nextActivityId);
    const startSec = opts.atSec ?? (this.store.count() > 0 ? this.store.latestDateSec() + 1 : Math.floor(this.now() / 1000));
    const timeline = new Timeline(new Rng(seedForCall.int(0, 0xffffffff)), startSec);
    const rng = new Rng(seedForCall.int(0, 0xffffffff));
    const types = opts.typeIds && opts.typeIds.length > 0 ? [...opts.typeIds] : ACTIVITY_TYPES.map((t) => t.id);
    const weights = types.map((t) => TYPE_WEIGHTS[t] ?? 1);
    const rows: ActivityRow[] = [];
    for (let i = 0; i < n; i++) {
      const dateSec = timeline.next();
      let typeId = types[rng.weightedIndex(weights)];
      let leadId = this.leads.randomLiveId(rng);
      if (leadId === undefined) typeId = MarketoFacts.TYPE_NEW_LEAD; // no lead left to act on
      if (typeId === MarketoFacts.TYPE_NEW_LEAD) {
        leadId = this.leads.allocateId();
        this.leads.insert(generateLead(this.seed, leadId, dateSec));
      }
      rows.push(this.emit(typeId, dateSec, leadId as number, rng));
    }
    return rows;
  }

  /** Stores one activity, allocating its id and applying its effect on leads. */
  private emit(typeId: number, dateSec: number, leadId: number, rng: Rng): ActivityRow {
    const id = this.nextActivityId;
    // Ids grow with small random gaps: clients must not assume they are contiguous.
    this.nextActivityId += rng.chance(0.8) ? 1 : rng.int(2, 5);

    let link: number;
    let row: ActivityRow;
    switch (typeId) {
      case MarketoFacts.TYPE_CHANGE_DATA_VALUE:
      case MarketoFacts.TYPE_CHANGE_SCORE: {
        const field = typeId === MarketoFacts.TYPE_CHANGE_SCORE ? 'leadScore' : changedFieldOf(this.seed, id);
        const key = pairKey(leadId, field) as number;
        const previousKey = this.currentValueKey.get(key) ?? 0;
        const current: LeadValue = this.leads.currentValue(leadId, field);
        // Marketo logs no change when the value stays the same: draw until it differs.
        let attempt = 0;
        let value = valueForKey(this.seed, valueKey(id, 0), field, leadId);
        while (attempt < MAX_VALUE_ATTEMPTS - 1 && valueAsText(value) === valueAsText(current)) {
          attempt++;
          value = valueForKey(this.seed, valueKey(id, attempt), field, leadId);
        }
        if (previousKey === -1) {
          // The previous value was written explicitly: this change cannot be recomputed from the
          // seed, so its details are stored.
          row = { typeId, id, dateSec, leadId, link: 0 };
          this.details.freezeChange(row, { field, oldValue: current, newValue: value });
        } else {
          link = packChangeLink(previousKey, attempt);
          row = { typeId, id, dateSec, leadId, link };
        }
        this.currentValueKey.set(key, previousKey === -1 ? -1 : valueKey(id, attempt));
        this.leads.setField(leadId, field, value, dateSec);
        break;
      }
      case MarketoFacts.TYPE_CHANGE_SEGMENT:
      case MarketoFacts.TYPE_CHANGE_LEAD_PARTITION:
        row = { typeId, id, dateSec, leadId, link: 0 };
        this.moveLead(row, rng);
        break;
      case MarketoFacts.TYPE_DELETE_LEAD:
        // Generated deletions name leads outside the store (they existed and are gone), so the
        // store's leads stay valid for the other activities.
        row = { typeId, id, dateSec, leadId: this.leads.allocateId(), link: 0 };
        break;
      case MarketoFacts.TYPE_MERGE_LEADS: {
        const count = mergedCountOf(this.seed, id);
        link = this.leads.allocateId();
        for (let k = 1; k < count; k++) this.leads.allocateId();
        row = { typeId, id, dateSec, leadId, link };
        break;
      }
      default:
        row = { typeId, id, dateSec, leadId, link: 0 };
    }
    this.store.add(row);
    return row;
  }

  /**
   * A generated segment or partition move: the lead goes to another segment / partition than its
   * current one, and the activity's details are stored (these moves are rare).
   */
  private moveLead(row: ActivityRow, rng: Rng): void {
    const segment = row.typeId === MarketoFacts.TYPE_CHANGE_SEGMENT;
    const field = segment ? SampleData.SEGMENTATION.field : LEAD_PARTITION_FIELD;
    const current = this.leads.currentValue(row.leadId, field);
    const choices = segment ? SampleData.SEGMENTATION.segments : SampleData.LEAD_PARTITIONS;
    const others = choices.filter((c) => (segment ? c.name : c.id) !== current);
    const to = others[rng.int(0, others.length - 1)];
    const change = { field, oldValue: current, newValue: segment ? to.name : to.id };
    this.details.setExplicit(
      row.id,
      segment
        ? this.details.changeSegmentDetails(change, SampleData.SEGMENTATION, to.id)
        : this.details.changeLeadPartitionDetails(change, to, 'Changed by Smart Campaign Operational.Partition Routing action Change Lead Partition'),
    );
    this.leads.setField(row.leadId, field, change.newValue, row.dateSec);
  }

  /** Records that (lead, field) now holds an explicitly written value (lead writes, merges). */
  markExplicitValue(leadId: number, field: string): void {
    const key = pairKey(leadId, field);
    if (key !== undefined) this.currentValueKey.set(key, -1);
  }

  /**
   * Records that none of a lead's values derive from the seed (a lead created by a write): later
   * generated changes of it then take their old values from the store and store their details.
   */
  markAllExplicit(leadId: number): void {
    for (const field of CHANGEABLE_FIELDS) this.markExplicitValue(leadId, field);
    this.markExplicitValue(leadId, 'leadScore');
  }

  /**
   * Stores an activity written by a lead operation (Sync Leads, Delete, Merge, the in-process
   * helpers) with its details, under the next activity id. Its effect on leads is the caller's.
   */
  writeExplicit(typeId: number, dateSec: number, leadId: number, details: ExplicitDetails, link = 0): ActivityRow {
    const row: ActivityRow = { typeId, id: this.nextActivityId++, dateSec, leadId, link };
    this.details.setExplicit(row.id, details);
    this.store.add(row);
    return row;
  }

  /** The id the next activity will get. */
  peekNextId(): number {
    return this.nextActivityId;
  }
}
