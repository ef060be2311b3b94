import { RATE_LIMIT_WINDOW_MS } from './constants';

/** A call in the rolling window: in flight, or ended at `endedAt`; `probe`: started alone, after a 606 (see release). */
interface WindowEntry {
  endedAt?: number;
  probe?: boolean;
}

/**
 * After a 606, one call at a time tries the subscription's window again, every 1/10 of the window
 * (2 s of Marketo's 20 s): the sync resumes soon after the other calls leave the window, and each
 * try that is refused costs one call of the window, not one per walk.
 */
const PROBE_EVERY_SHARE_OF_WINDOW = 10;

/**
 * Keeps our own calls under Marketo's limits before Marketo has to refuse them: at most
 * `maxCalls` calls in any rolling window and at most `maxConcurrent` calls in flight.
 * A 606 or 615 costs a retry and, on a shared subscription, can starve other integrations.
 *
 * Marketo counts a call when it arrives, which is some time after we start it (our event loop,
 * the network, its own queues: 200-350 ms measured against a busy sandbox) and before we have its
 * answer. So a call is counted from its start until a full window after its answer: then two
 * calls `maxCalls` apart arrive at least a window apart, however late the first one arrived.
 */
export class Throttle {
  private window: WindowEntry[] = []; // calls still counted, in start order
  private inFlight = 0;
  private waiters: Array<() => void> = [];
  private timer: NodeJS.Timeout | undefined;
  /** No call starts before this instant: Marketo refused one for the subscription's rate (see release). */
  private heldUntil = 0;
  private holdTimer: NodeJS.Timeout | undefined;
  /** Since a 606, calls start one at a time, until one of them is not refused. */
  private probing = false;

  constructor(
    private readonly maxCalls: number,
    private readonly maxConcurrent: number,
    readonly windowMs: number = RATE_LIMIT_WINDOW_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** No call starts for `ms` (a longer hold already set stays). */
  holdFor(ms: number): void {
    const until = this.now() + ms;
    if (until <= this.heldUntil) return;
    this.heldUntil = until;
    clearTimeout(this.holdTimer);
    this.holdTimer = setTimeout(() => {
      this.holdTimer = undefined;
      this.wakeAll();
    }, ms + 1);
  }

  /**
   * Waits for a slot; the returned function must be called when the call ends (its answer is in,
   * or it failed), with `rateLimited` true when Marketo refused it with 606: the subscription's
   * window is full of calls this throttle cannot see (other integrations', or an earlier sync's,
   * whose process had its own throttle). Then no call starts for a while, and after that one at a
   * time until one is let through: Marketo counts refused calls in the window too, so calls sent
   * meanwhile would only be refused and keep the window full.
   */
  async acquire(): Promise<(rateLimited?: boolean) => void> {
    let entry: WindowEntry | undefined;
    while (!(entry = this.tryStart())) {
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        this.scheduleWindowWake();
      });
    }
    const started = entry;
    return (rateLimited = false) => {
      if (started.endedAt !== undefined) return;
      started.endedAt = this.now();
      this.inFlight--;
      if (rateLimited) {
        this.probing = true;
        this.holdFor(this.windowMs / PROBE_EVERY_SHARE_OF_WINDOW);
      } else if (started.probe) {
        this.probing = false; // the window has room again
      }
      this.wakeAll();
    };
  }

  get callsInWindow(): number {
    this.expire();
    return this.window.length;
  }

  private tryStart(): WindowEntry | undefined {
    this.expire();
    if (this.now() < this.heldUntil || (this.probing && this.inFlight > 0)) return undefined;
    if (this.inFlight >= this.maxConcurrent || this.window.length >= this.maxCalls) return undefined;
    this.inFlight++;
    const entry: WindowEntry = this.probing ? { probe: true } : {};
    this.window.push(entry);
    return entry;
  }

  private expire(): void {
    const cutoff = this.now() - this.windowMs;
    if (this.window.some((e) => e.endedAt !== undefined && e.endedAt <= cutoff)) {
      this.window = this.window.filter((e) => e.endedAt === undefined || e.endedAt > cutoff);
    }
  }

  private wakeAll(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /**
   * When the window is the bottleneck, wake when its first ended call leaves it. Calls still in
   * flight leave only after they end, and their release wakes the waiters.
   */
  private scheduleWindowWake(): void {
    if (this.timer || this.window.length < this.maxCalls) return;
    const ends = this.window.flatMap((e) => (e.endedAt === undefined ? [] : [e.endedAt]));
    if (ends.length === 0) return;
    const delay = Math.max(1, Math.min(...ends) + this.windowMs - this.now() + 1);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.wakeAll();
    }, delay);
  }
}
