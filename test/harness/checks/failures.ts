/**
 * Collects failure strings for one check run. A connector bug usually repeats on every record;
 * capping each (check, subject) pair keeps the report readable while still saying how many.
 */
export class Failures {
  private readonly list: string[] = [];
  private readonly counts = new Map<string, number>();

  constructor(private readonly perGroupLimit = 5) {}

  /** Adds `message`; `group` (default: the message itself) is what the cap counts. */
  add(message: string, group = message): void {
    const n = (this.counts.get(group) ?? 0) + 1;
    this.counts.set(group, n);
    if (n <= this.perGroupLimit) this.list.push(message);
  }

  result(): string[] {
    const hidden = [...this.counts.entries()]
      .filter(([, n]) => n > this.perGroupLimit)
      .map(([group, n]) => `${group}: … and ${n - this.perGroupLimit} more like these`);
    return [...this.list, ...hidden];
  }
}
