import { ASSETS_PERMISSION } from '../../marketo/constants';
import { JsonSchema, SyncMode } from '../../protocol/types';
import { SEGMENTATION_SCHEMA } from './asset-schemas';
import { assetRecord, assetsOf } from './asset-stream';
import { ReadContext, SourceStream, StreamEvent } from './stream';

export const SEGMENTATIONS_PATH = '/rest/asset/v1/segmentation.json';

/**
 * Segmentations (Get Segmentations, https://developer.adobe.com/marketo-apis/api/asset/#tag/Segments),
 * approved and draft. A handful per subscription and no date filter: read whole every sync.
 */
export class SegmentationsStream implements SourceStream {
  readonly name = 'segmentations';
  readonly primaryKey = [['id']];
  readonly syncModes: SyncMode[] = ['full_refresh'];
  readonly permission = ASSETS_PERMISSION;

  schema(): Promise<JsonSchema> {
    return Promise.resolve(SEGMENTATION_SCHEMA);
  }

  async *read(ctx: ReadContext): AsyncGenerator<StreamEvent> {
    for await (const page of assetsOf(ctx).browse(SEGMENTATIONS_PATH)) yield { records: page.map(assetRecord) };
    yield { state: {} };
  }
}
