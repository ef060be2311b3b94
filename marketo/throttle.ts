import { RATE_LIMIT_WINDOW_MS } from './constants';

const ARRIVAL_MARGIN_MS = 250;

/**
 * Keeps our own calls under Marketo's limits before Marketo has to refuse them: at most
 * `maxCalls` call starts in any rolling window and at most `maxConcurrent` calls in flight.
 * A 606 or 615 costs a retry and, on a shared subscription, can starve other integrations.
 */
export class Throttle {
  private starts: number[] = []; // start times inside the current window, oldest first
  private inFlight = 0;
  private waiters: Array<() => void> = [];
  private timer: NodeJS.Timeout | undefined;

  private readonly windowMs: number;

  /**
   * The window carries a margin over Marketo's: Marketo counts a call when it arrives, a little
   * after we start it, so two calls exactly 20 s apart here may be 19.9 s apart there.
   */
  constructor(
    private readonly maxCalls: number,
    private readonly maxConcurrent: number,
    rateWindowMs: number = RATE_LIMIT_WINDOW_MS,
    private readonly now: () => number = Date.now,
  ) {
    this.windowMs = rateWindowMs + ARRIVAL_MARGIN_MS;
  }

  /** Waits for a slot; the returned function must be called when the call ends. */
  async acquire(): Promise<() => void> {
    while (!this.tryStart()) {
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        this.scheduleWindowWake();
      });
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight--;
      this.wakeAll();
    };
  }

  get callsInWindow(): number {
    this.expire();
    return this.starts.length;
  }

  private tryStart(): boolean {
    this.expire();
    if (this.inFlight >= this.maxConcurrent || this.starts.length >= this.maxCalls) return false;
    this.inFlight++;
    this.starts.push(this.now());
    return true;
  }

  private expire(): void {
    const cutoff = this.now() - this.windowMs;
    let drop = 0;
    while (drop < this.starts.length && this.starts[drop] <= cutoff) drop++;
    if (drop > 0) this.starts.splice(0, drop);
  }

  private wakeAll(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** When the window is the bottleneck, nobody releases a slot: wake when the oldest start expires. */
  private scheduleWindowWake(): void {
    if (this.timer || this.starts.length < this.maxCalls) return;
    const delay = Math.max(1, this.starts[0] + this.windowMs - this.now() + 1);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.wakeAll();
    }, delay);
  }
}
