import { MAX_FILTER_VALUES } from '../../marketo/constants';
import { SweepState } from './object-cursor';

/** Ranges of 300 ids read past the last one that held a record before a sweep ends (2 calls). */
export const EMPTY_RANGES_PAST_MAX = 2;

/**
 * Reads the ids [nextId, maxId] in whole ranges of 300 (Marketo's most `filterValues` per call),
 * up to `parallel` ranges in flight, yielding each range's records in order and moving
 * `sweep.nextId` past it. Ids are assigned in increasing order, so where the data ends is known
 * only roughly: the sweep goes on until EMPTY_RANGES_PAST_MAX ranges in a row hold nothing.
 */
export async function* sweepIdRanges<T>(sweep: SweepState, parallel: number, fetchRange: (ids: number[]) => Promise<T[]>): AsyncGenerator<T[]> {
  const inFlight: Array<Promise<T[]>> = [];
  let launchFrom = sweep.nextId;
  const tail = EMPTY_RANGES_PAST_MAX * MAX_FILTER_VALUES;
  while (launchFrom <= sweep.maxId || inFlight.length > 0) {
    while (inFlight.length < Math.max(1, parallel) && launchFrom <= sweep.maxId) {
      const ids = Array.from({ length: MAX_FILTER_VALUES }, (_, i) => launchFrom + i);
      const request = fetchRange(ids);
      request.catch(() => undefined); // awaited in order below; this only keeps an early failure from being "unhandled"
      inFlight.push(request);
      launchFrom += ids.length;
    }
    const records = await inFlight.shift()!;
    const rangeEnd = sweep.nextId + MAX_FILTER_VALUES - 1;
    if (records.length > 0 && rangeEnd + tail > sweep.maxId) sweep.maxId = rangeEnd + tail;
    sweep.nextId = rangeEnd + 1;
    yield records;
  }
}
