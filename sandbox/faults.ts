// Injected faults: queued by tests, consumed in order by the requests they match.

import { textOf } from '../protocol/text';
import { isJsonObject } from '../protocol/json';

export type Fault =
  /** A Marketo envelope error: HTTP 200, success:false, errors:[{code, message}]. */
  | { kind: 'error'; code: string; message?: string; times?: number; path?: RegExp }
  /** An HTTP-level failure with an HTML body, as a gateway answers (502/503/504 ...). */
  | { kind: 'http'; status: number; times?: number; path?: RegExp }
  /** The socket is destroyed without an answer: the client sees ECONNRESET / "socket hang up". */
  | { kind: 'drop'; times?: number; path?: RegExp }
  /** The call is answered normally, `ms` later (the delay holds a concurrency slot). */
  | { kind: 'slow'; ms: number; times?: number; path?: RegExp }
  /** An activities page with no result, moreResult:true and the same token (Marketo does this). */
  | { kind: 'emptyPage'; times?: number; path?: RegExp };

interface QueuedFault {
  fault: Fault;
  remaining: number;
}

/** Paths that page through activities: the only ones an emptyPage fault applies to. */
const PAGED_ACTIVITY_PATH = /^\/rest\/v1\/activities(\/leadchanges|\/deletedleads)?\.json$/;

export class FaultQueue {
  private queue: QueuedFault[] = [];

  inject(fault: Fault): void {
    const times = fault.times === undefined || fault.times <= 0 ? 1 : fault.times;
    this.queue.push({ fault, remaining: times });
  }

  clear(): void {
    this.queue = [];
  }

  pending(): Fault[] {
    return this.queue.map((q) => ({ ...q.fault, times: q.remaining }));
  }

  /**
   * Takes the first queued fault that applies to a request on `path`. Without a `path` regex a
   * fault applies to REST calls only (not to the identity endpoint, so a test can inject a fault
   * for "the next call" without breaking the token fetch before it).
   */
  take(path: string, isRest: boolean): Fault | undefined {
    for (let i = 0; i < this.queue.length; i++) {
      const q = this.queue[i];
      const { fault } = q;
      if (fault.path ? !fault.path.test(path) : !isRest) continue;
      if (fault.kind === 'emptyPage' && !PAGED_ACTIVITY_PATH.test(path)) continue;
      q.remaining--;
      if (q.remaining <= 0) this.queue.splice(i, 1);
      return fault;
    }
    return undefined;
  }
}

/** A fault described in JSON (admin endpoint): `path` is a regex source string. */
export function faultFromJson(input: unknown): Fault {
  if (!isJsonObject(input)) throw new Error('a fault must be a JSON object');
  const path = input.path === undefined || input.path === null ? undefined : new RegExp(textOf(input.path));
  const times = input.times === undefined || input.times === null ? undefined : Number(input.times);
  switch (input.kind) {
    case 'error':
      if (input.code === undefined) throw new Error("an 'error' fault needs a code");
      return { kind: 'error', code: textOf(input.code), message: input.message === undefined ? undefined : textOf(input.message), times, path };
    case 'http':
      if (typeof input.status !== 'number') throw new Error("an 'http' fault needs a numeric status");
      return { kind: 'http', status: input.status, times, path };
    case 'drop':
      return { kind: 'drop', times, path };
    case 'slow':
      if (typeof input.ms !== 'number') throw new Error("a 'slow' fault needs a numeric ms");
      return { kind: 'slow', ms: input.ms, times, path };
    case 'emptyPage':
      return { kind: 'emptyPage', times, path };
    default:
      throw new Error(`unknown fault kind '${String(input.kind)}' (error, http, drop, slow, emptyPage)`);
  }
}
