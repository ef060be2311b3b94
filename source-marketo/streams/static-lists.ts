import { ASSETS_PERMISSION } from '../../marketo/constants';
import { JsonSchema, SyncMode } from '../../protocol/types';
import { STATIC_LIST_SCHEMA } from './asset-schemas';
import { readAssetsSince } from './asset-stream';
import { ReadContext, SourceStream, StreamEvent } from './stream';

/**
 * Static lists from the Asset API's Get Static Lists
 * (https://developer.adobe.com/marketo-apis/api/asset/#tag/Static-Lists), incremental on its
 * `earliestUpdatedAt` filter; the Lead Database's /rest/v1/lists.json has no date filter.
 * A list's updatedAt follows its own edits, not its membership.
 */
export class StaticListsStream implements SourceStream {
  readonly name = 'static_lists';
  readonly primaryKey = [['id']];
  readonly cursorField = ['updatedAt'];
  readonly syncModes: SyncMode[] = ['full_refresh', 'incremental'];
  readonly permission = ASSETS_PERMISSION;

  schema(): Promise<JsonSchema> {
    return Promise.resolve(STATIC_LIST_SCHEMA);
  }

  read(ctx: ReadContext, state: Record<string, unknown> | undefined): AsyncGenerator<StreamEvent> {
    return readAssetsSince(ctx, '/rest/asset/v1/staticLists.json', state);
  }
}
