import { FIELD_NOT_FOUND } from '../../marketo/constants';
import { MarketoRequestError } from '../../marketo/errors';
import { Log } from './stream';

/**
 * A field list that shrinks when Marketo says a field is gone. Admins can hide or delete a lead
 * field while a sync runs; Marketo then refuses the whole call with 1006 "Field 'x' not found".
 * The sync drops that field, says so once, and repeats the call instead of failing. Lists of one
 * stream share the set of fields gone, so the news is told once.
 */
export class LiveFieldList {
  constructor(
    private readonly all: string[],
    private readonly stream: string,
    private readonly log: Log,
    private readonly gone: Set<string> = new Set(),
  ) {}

  get fields(): string[] {
    return this.gone.size === 0 ? this.all : this.all.filter((f) => !this.gone.has(f));
  }

  async call<T>(request: (fields: string[]) => Promise<T>): Promise<T> {
    for (;;) {
      const fields = this.fields;
      try {
        return await request(fields);
      } catch (err) {
        const vanished = err instanceof MarketoRequestError && err.code === FIELD_NOT_FOUND ? /Field '([^']+)'/.exec(err.message)?.[1] : undefined;
        if (!vanished || !fields.includes(vanished)) throw err;
        if (!this.gone.has(vanished)) {
          this.gone.add(vanished);
          this.log(
            'WARN',
            `${this.stream}: the lead field '${vanished}' disappeared from Marketo during the sync (hidden or deleted); it is left out from here on. Refresh the source schema to drop it.`,
          );
        }
      }
    }
  }
}
