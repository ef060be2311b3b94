// Every write call the sandbox served (Sync / Delete / Merge of leads, companies, custom
// objects), so tests can assert how a destination wrote: how many calls, how many records per
// call, what Marketo answered, which read-only fields it sent. Calls through the in-process
// helpers (acting "in the Marketo UI") are not API writes and are not logged.

export interface WriteRecord {
  /** Epoch ms the call was served (the sandbox clock). */
  at: number;
  requestId: string;
  /** "leads", "companies" or a custom object's name. */
  object: string;
  operation: 'sync' | 'delete' | 'merge';
  /** Sync: the action (createOrUpdate, ...); delete: deleteBy; merge: undefined. */
  action?: string;
  /** Records in `input` (merge: losers). */
  records: number;
  created: number;
  updated: number;
  deleted: number;
  skipped: number;
  /** Set when the whole call failed (response-level error code). */
  error?: string;
  /** Read-only fields the call sent, which Marketo ignored. */
  ignoredFields?: string[];
}

export class WriteLog {
  private readonly entries: WriteRecord[] = [];

  add(entry: WriteRecord): void {
    this.entries.push(entry);
  }

  all(): WriteRecord[] {
    return this.entries.map((e) => ({ ...e, ...(e.ignoredFields ? { ignoredFields: [...e.ignoredFields] } : {}) }));
  }

  reset(): void {
    this.entries.length = 0;
  }
}

/** Counts of statuses in a write call's results. */
export function countStatuses(results: ReadonlyArray<{ status?: unknown }>): Pick<WriteRecord, 'created' | 'updated' | 'deleted' | 'skipped'> {
  const count = (s: string): number => results.filter((r) => r.status === s).length;
  return { created: count('created'), updated: count('updated'), deleted: count('deleted'), skipped: count('skipped') };
}
