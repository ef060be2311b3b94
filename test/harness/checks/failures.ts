import { isObject } from '../json-walk';

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

/**
 * What a check is given: the connector's output lines, of which exactly one must be a `type`
 * message (else a failure under `id`), that message, or its payload (`field`) alone.
 */
export function payloadOf(
  input: unknown,
  type: 'SPEC' | 'CATALOG',
  field: 'spec' | 'catalog',
  id: string,
  failures: Failures,
): { payload: unknown } | undefined {
  if (Array.isArray(input)) {
    const messages = input.filter((m) => isObject(m) && m.type === type);
    if (messages.length !== 1) {
      failures.add(`${id}: expected exactly one ${type} message, got ${messages.length}`);
      return undefined;
    }
    input = messages[0];
  }
  return { payload: isObject(input) && input.type === type ? input[field] : input };
}
