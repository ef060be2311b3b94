import { Activity } from '../../marketo/endpoints';
import { toMarketoSecond } from '../dates';

// What the streams that walk activities (activities, lead_changes, deleted_leads, and the change
// walks of leads) share while they read pages: the canonical date of an activity, the latest date
// each walk reached (where its cursor goes when it ends), and when a new row estimate is worth a message.

/** The canonical second of an activity's date, or undefined when it has none usable. */
export function activityDateOf(activity: Activity): string | undefined {
  return typeof activity.activityDate === 'string' ? toMarketoSecond(activity.activityDate) : undefined;
}

/** The latest activity date each walk has read up to. */
export class LatestDates<K> {
  private readonly dates = new Map<K, string>();

  note(walk: K, date: string): void {
    const latest = this.dates.get(walk);
    if (latest === undefined || date > latest) this.dates.set(walk, date);
  }

  get(walk: K): string | undefined {
    return this.dates.get(walk);
  }
}

/**
 * A new ESTIMATE is sent when reading moves the estimate by more than this share (and more than a
 * page): Airbyte shows the latest one, and a message per page would be noise.
 */
const ESTIMATE_CHANGE_TO_REPORT = 0.2;

/** Decides which of a stream's successive row estimates are worth an ESTIMATE message. */
export class EstimateReports {
  private last: number | undefined;

  /** `pageSize`: records of a page (or an id range); smaller moves are never reported. */
  constructor(private readonly pageSize: number) {}

  /** The first estimate, always sent. */
  first(estimate: number): number {
    this.last = estimate;
    return estimate;
  }

  /** The estimate sent no longer applies: none follow until a new first one. */
  forget(): void {
    this.last = undefined;
  }

  /** The estimate to send now, or undefined when it moved too little since the last one (or none was sent). */
  next(estimate: number): number | undefined {
    if (this.last === undefined || Math.abs(estimate - this.last) <= Math.max(this.pageSize, this.last * ESTIMATE_CHANGE_TO_REPORT)) return undefined;
    this.last = estimate;
    return estimate;
  }
}
