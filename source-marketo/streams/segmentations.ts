import { SEGMENTATION_SCHEMA } from './asset-schemas';
import { assetRecord, assetsOf, WholeAssetStream } from './asset-stream';
import { ReadContext, StreamEvent } from './stream';

export const SEGMENTATIONS_PATH = '/rest/asset/v1/segmentation.json';

/**
 * Segmentations (Get Segmentations, https://developer.adobe.com/marketo-apis/api/asset/#tag/Segments),
 * approved and draft. A handful per subscription and no date filter: read whole every sync.
 */
export class SegmentationsStream extends WholeAssetStream {
  readonly name = 'segmentations';
  protected readonly jsonSchema = SEGMENTATION_SCHEMA;

  async *read(ctx: ReadContext): AsyncGenerator<StreamEvent> {
    for await (const page of assetsOf(ctx).browse(SEGMENTATIONS_PATH)) yield { records: page.map(assetRecord) };
    yield { state: {} };
  }
}
