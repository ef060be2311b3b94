import { JsonSchema, SyncMode } from '../../protocol/types';
import { ACTIVITY_TYPE_SCHEMA } from './schemas';
import { ReadContext, SourceStream, StreamEvent } from './stream';

/** The subscription's activity types with their attributes: small, read whole every sync. */
export class ActivityTypesStream implements SourceStream {
  readonly name = 'activity_types';
  readonly primaryKey = [['id']];
  readonly syncModes: SyncMode[] = ['full_refresh'];

  schema(): Promise<JsonSchema> {
    return Promise.resolve(ACTIVITY_TYPE_SCHEMA);
  }

  async *read(ctx: ReadContext): AsyncGenerator<StreamEvent> {
    const types = await ctx.metadata.activityTypes();
    yield { records: types.map((t) => ({ ...t })) };
    yield { state: {} };
  }
}
