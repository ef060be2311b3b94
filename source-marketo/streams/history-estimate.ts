import { Activity } from '../../marketo/endpoints';
import { secondOf, toMarketoSecond } from '../dates';

/**
 * How many records a history of activities holds, for Airbyte's progress bar (ESTIMATE traces).
 * Marketo has no count for a date range: Get Lead Activities only pages forward from a date
 * (https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/activities).
 * What a few pages show is therefore all there is: the first page of a walk, and pages read from
 * sample points further on. Histories are rarely even (a batch campaign sends thousands of emails
 * in minutes, then nothing for a day), so no page's density is stretched over time it did not
 * see when a later sample contradicts it: each page counts exactly what it covered, and the time
 * between a page's last activity and the next sample counts at the lower of the two densities.
 * A walk's own pages then replace the guess as it reads (`HistoryModel.between`).
 */

/** One page read from a point of the history: the point, what the page held, and whether more followed. */
export interface SamplePage {
  since: string;
  activities: Activity[];
  moreResult: boolean;
}

/** A stretch of time with the records estimated in it, spread evenly. */
interface Piece {
  from: number;
  to: number;
  records: number;
}

const SECOND_MS = 1000;

function dateOf(activity: Activity | undefined): number | undefined {
  const second = activity && typeof activity.activityDate === 'string' ? toMarketoSecond(activity.activityDate) : undefined;
  return second === undefined ? undefined : Date.parse(second);
}

/** The estimated records of one walk's history, by time: what each sample page covered, and guesses between. */
export class HistoryModel {
  private constructor(private readonly pieces: Piece[]) {}

  /**
   * From sample pages in date order (the first one read from where the walk starts; later ones
   * from later points): each page counts what it covered exactly; after a page that ends before
   * the next point, the time up to it counts at the lower of the two pages' densities, since the
   * denser one may have met a burst; after the last point, at the last page's density up to `now`.
   */
  static fromSamples(samples: SamplePage[], now: number): HistoryModel {
    const pieces: Piece[] = [];
    const densities = samples.map((s, i) => densityOf(s, i === 0, now));
    for (let i = 0; i < samples.length; i++) {
      const sample = samples[i];
      const start = i === 0 ? (dateOf(sample.activities[0]) ?? Date.parse(sample.since)) : Date.parse(sample.since);
      const next = i + 1 < samples.length ? Date.parse(samples[i + 1].since) : now;
      if (!sample.moreResult) {
        // The page holds everything from its point to now: later samples can only repeat it.
        pieces.push({ from: start, to: Math.max(start + SECOND_MS, now), records: sample.activities.length });
        break;
      }
      const last = dateOf(sample.activities[sample.activities.length - 1]);
      if (last !== undefined && last >= next) {
        // The page reaches past the next point: what it holds before that point is exact.
        const before = sample.activities.filter((a) => (dateOf(a) ?? 0) < next).length;
        pieces.push({ from: start, to: Math.max(start + SECOND_MS, next), records: before });
        continue;
      }
      const coveredTo = last === undefined ? start : last + SECOND_MS;
      if (sample.activities.length > 0) pieces.push({ from: start, to: coveredTo, records: sample.activities.length });
      if (next <= coveredTo) continue;
      const around = [densities[i], i + 1 < samples.length ? densities[i + 1] : densities[i]].filter((d): d is number => d !== undefined);
      const density = around.length > 0 ? Math.min(...around) : 0;
      pieces.push({ from: coveredTo, to: next, records: density * (next - coveredTo) });
    }
    return new HistoryModel(pieces);
  }

  /** A walk known to hold these records in all (no sample needed: its first page held them all). */
  static exactly(records: number, from: number, now: number): HistoryModel {
    return new HistoryModel([{ from, to: Math.max(from + SECOND_MS, now), records }]);
  }

  get total(): number {
    return this.pieces.reduce((n, p) => n + p.records, 0);
  }

  /** Records estimated in [from, to). */
  between(from: number, to: number): number {
    let records = 0;
    for (const p of this.pieces) {
      const overlap = Math.min(p.to, to) - Math.max(p.from, from);
      if (overlap > 0) records += (p.records * overlap) / (p.to - p.from);
    }
    return records;
  }
}

/**
 * Activities per ms from a page's point on: over the time its activities span, from the first one
 * for a walk's first page (whose point may lie long before any data), from the point for a sample
 * (the quiet time before its first activity is part of the history). Undefined for an empty page
 * with more to come (Marketo examined a block that held none of these types: it says nothing).
 */
function densityOf(sample: SamplePage, first: boolean, now: number): number | undefined {
  const n = sample.activities.length;
  const last = dateOf(sample.activities[n - 1]);
  if (!sample.moreResult) {
    const from = first ? (dateOf(sample.activities[0]) ?? Date.parse(sample.since)) : Date.parse(sample.since);
    return n / Math.max(SECOND_MS, now - from);
  }
  if (n === 0 || last === undefined) return undefined;
  const from = first ? (dateOf(sample.activities[0]) ?? Date.parse(sample.since)) : Date.parse(sample.since);
  return n / Math.max(SECOND_MS, last + SECOND_MS - from);
}

/** The points a long history is sampled at besides its start: a third and two thirds of the way to now (the bulk planner's too). */
export function samplePoints(from: string, now: number): string[] {
  return [1, 2].map((k) => secondOf(Date.parse(from) + ((now - Date.parse(from)) * k) / 3));
}
