import { secondOf } from '../dates';

/**
 * When a long history's windows end unequal in pages (a sparse type group ends early, a burst sits
 * in one window), the last walks read alone: one walk makes a call only as fast as each answer
 * comes back (3 to 4 calls a second at 250 ms), below the 5 a second Marketo's 100 calls / 20 s
 * allow. The rest of such a walk's window is split again, so that enough walks run to use the
 * allowed rate until the end.
 */

/** Below this many walks still running, the rate allowed is no longer used: the next page of one of them may split its window. */
export const RESPLIT_BELOW_WALKS = 3;
/**
 * A new window costs a paging token and a last page partly beyond its end (about 1.5 calls): split
 * only where each part still holds at least this many pages, so the extra calls stay under a
 * fifth of the part's and a few percent of the sync's.
 */
export const MIN_PAGES_PER_SPLIT_WINDOW = 10;
/** Activities are stamped to the second: a page covers one at least, however many share it. */
const MIN_PAGE_SPAN_MS = 1000;

export interface ResplitInput {
  /** Walks still running, this one included. */
  running: number;
  /** Of those, the walks reading this window (one per type group not done with it): each new part needs one of each. */
  inWindow: number;
  /** The walks in flight that fill the allowed call rate (see windowsPerGroup in activity-stream.ts). */
  targetWalks: number;
  /** Epoch ms of the furthest activity the window's walks read: the walks continue from there. */
  position: number;
  /** Epoch ms where its window ends (now, for the open-ended newest window). */
  end: number;
  /**
   * The density of the window's history so far, as the walk that just read a page saw it: its
   * pages, and the time they covered (ms). The whole walk, not its last page: a burst of
   * activities in one second must not promise thousands of pages ahead.
   */
  pagesRead: number;
  coveredMs: number;
}

/**
 * Where the rest of a walk's window is split, or [] to leave it alone: the starts of the new
 * windows (whole seconds, after `position`, before `end`, ascending), dividing what is left into
 * equal spans of time. As many parts as bring the walks running up to `targetWalks` (each part
 * adds `inWindow` walks), and no more than the pages left fill at MIN_PAGES_PER_SPLIT_WINDOW each.
 */
export function resplitBounds({ running, inWindow, targetWalks, position, end, pagesRead, coveredMs }: ResplitInput): string[] {
  if (running >= RESPLIT_BELOW_WALKS || running >= targetWalks || inWindow < 1 || pagesRead < 1 || !(end > position)) return [];
  const pagesLeft = (end - position) / Math.max(MIN_PAGE_SPAN_MS, coveredMs / pagesRead);
  const parts = Math.min(1 + Math.floor((targetWalks - running) / inWindow), Math.floor(pagesLeft / MIN_PAGES_PER_SPLIT_WINDOW));
  if (parts < 2) return [];
  const bounds: string[] = [];
  const positionSecond = secondOf(position);
  for (let i = 1; i < parts; i++) {
    const bound = secondOf(position + ((end - position) * i) / parts);
    if (bound > positionSecond && bound < secondOf(end) && bound > (bounds[bounds.length - 1] ?? '')) bounds.push(bound);
  }
  return bounds;
}
