import { STATIC_LIST_SCHEMA } from './asset-schemas';
import { UpdatedAssetStream } from './asset-stream';

/**
 * Static lists from the Asset API's Get Static Lists
 * (https://developer.adobe.com/marketo-apis/api/asset/#tag/Static-Lists), incremental on its
 * `earliestUpdatedAt` filter; the Lead Database's /rest/v1/lists.json has no date filter.
 * A list's updatedAt follows its own edits, not its membership.
 */
export class StaticListsStream extends UpdatedAssetStream {
  readonly name = 'static_lists';
  protected readonly path = '/rest/asset/v1/staticLists.json';
  protected readonly jsonSchema = STATIC_LIST_SCHEMA;
}
