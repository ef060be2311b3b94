import { secondOf } from '../dates';
import { ActivityCursor, ActivityStreamState, PartitionCursor } from './activity-cursor';

/**
 * A stretch of time read by its own paging walks: [from, until), or open-ended for the newest one.
 *
 * Marketo's paging tokens only move forward from a date, one page at a time, so a long history
 * read by one walk per type group takes as long as the calls take one after the other. Splitting
 * the history into windows read in parallel fills the allowed call rate; each window keeps its
 * own cursor in the state, so a killed sync resumes every window where it stopped.
 */
export interface Segment {
  until: string | null;
  cursor: ActivityCursor;
  done: boolean;
}

export interface WindowState {
  from: string;
  until: string | null;
  done?: boolean;
  partitions: Record<string, PartitionCursor>;
}

export interface SegmentedState extends ActivityStreamState {
  until?: string | null;
  windows?: WindowState[];
}

/**
 * A window must be worth its extra calls (a paging token, and a last page partly beyond its end):
 * split only where each window holds at least this many pages.
 */
export const MIN_PAGES_PER_WINDOW = 25;
/** Histories shorter than this are never split, whatever their volume: they are incremental syncs. */
export const MIN_SPLIT_SPAN_MS = 3600_000;

export function loadSegments(state: unknown, startDate: string, lookbackSeconds = 0): Segment[] {
  const raw = (typeof state === 'object' && state !== null ? state : {}) as SegmentedState;
  const windows = Array.isArray(raw.windows) ? raw.windows.filter((w) => typeof w?.from === 'string' && w.from >= startDate) : [];
  const first: Segment = { until: windows[0]?.from ?? null, cursor: new ActivityCursor(raw, startDate, lookbackSeconds), done: false };
  return [
    first,
    ...windows.map((w, i) => ({
      until: windows[i + 1]?.from ?? w.until ?? null,
      cursor: new ActivityCursor({ partitions: w.partitions }, w.from, lookbackSeconds),
      done: w.done === true,
    })),
  ];
}

/** Whether the newest segment is an open-ended history long enough to be worth splitting (and estimating). */
export function longHistoryAhead(segments: Segment[], keys: string[], now: number): boolean {
  const newest = segments[segments.length - 1];
  return newest.until === null && !newest.done && now - Date.parse(newest.cursor.startOf(keys)) >= MIN_SPLIT_SPAN_MS;
}

/** What the first page of one group's walk says about the history ahead: where it starts, and how much time 300 activities cover. */
export interface FirstPageSample {
  firstDate?: string;
  lastDate?: string;
  full: boolean;
}

/**
 * How many windows the history ahead deserves: as many as `maxWindows`, but no more than its
 * volume fills (estimated from the density of each group's first page).
 */
export function windowCount(samples: FirstPageSample[], maxWindows: number, now: number): { count: number; dataFrom?: string; estimatedPages: number } {
  let estimatedPages = 0;
  let mostPages = 0;
  let dataFrom: string | undefined;
  for (const sample of samples) {
    if (!sample.firstDate) continue;
    if (!dataFrom || sample.firstDate < dataFrom) dataFrom = sample.firstDate;
    if (!sample.full || !sample.lastDate) continue; // the whole history fits in that page
    const pageSpan = Math.max(1000, Date.parse(sample.lastDate) - Date.parse(sample.firstDate));
    const pages = (now - Date.parse(sample.firstDate)) / pageSpan;
    mostPages = Math.max(mostPages, pages);
    estimatedPages += pages;
  }
  return { count: Math.max(1, Math.min(maxWindows, Math.floor(mostPages / MIN_PAGES_PER_WINDOW))), dataFrom, estimatedPages };
}

/**
 * Splits the open-ended newest segment into `count` windows between where its data starts
 * (`dataFrom`, the first activity found) and `now`.
 */
export function splitNewest(segments: Segment[], keys: string[], count: number, now: number, dataFrom: string): void {
  const newest = segments[segments.length - 1];
  if (count < 2 || !longHistoryAhead(segments, keys, now)) return;
  const from = Math.max(Date.parse(newest.cursor.startOf(keys)), Date.parse(dataFrom));
  const span = now - from;
  if (span < count * 1000) return; // windows are whole seconds
  const bounds = Array.from({ length: count - 1 }, (_, i) => secondOf(from + (span * (i + 1)) / count));
  newest.until = bounds[0];
  bounds.forEach((start, i) => {
    segments.push({ until: bounds[i + 1] ?? null, cursor: newest.cursor.windowFrom(start, keys), done: false });
  });
}

/** The state: the oldest unfinished segment at the top (as before windows existed), the others in `windows`. */
export function segmentsToState(segments: Segment[]): SegmentedState {
  let head = 0;
  while (head < segments.length - 1 && segments[head].done) head++;
  const first = segments[head];
  const state: SegmentedState = first.cursor.toState();
  const rest = segments.slice(head + 1);
  if (rest.length === 0) return state;
  state.until = first.until;
  state.windows = rest.map((segment, i) => {
    const window: WindowState = { from: segments[head + i].until!, until: segment.until, partitions: segment.cursor.toState().partitions };
    if (segment.done) window.done = true;
    return window;
  });
  for (const segment of rest) {
    if (segment.done) continue;
    const low = segment.cursor.toState().activityDate;
    if (low && (!state.activityDate || low < state.activityDate)) state.activityDate = low;
  }
  return state;
}
