import { SEGMENT_SCHEMA } from './asset-schemas';
import { assetRecord, assetsOf, WholeAssetStream } from './asset-stream';
import { SEGMENTATIONS_PATH } from './segmentations';
import { ReadContext, StreamEvent } from './stream';

/**
 * The segments of every segmentation (Get Segments, one browse per segmentation,
 * https://developer.adobe.com/marketo-apis/api/asset/#tag/Segments). No date filter: read whole
 * every sync. A segmentation deleted between the two reads answers 702, which is an empty list.
 */
export class SegmentsStream extends WholeAssetStream {
  readonly name = 'segments';
  protected readonly jsonSchema = SEGMENT_SCHEMA;

  async *read(ctx: ReadContext): AsyncGenerator<StreamEvent> {
    const assets = assetsOf(ctx);
    const ids: number[] = [];
    for await (const page of assets.browse(SEGMENTATIONS_PATH)) ids.push(...page.map((s) => s.id));
    for (const id of ids) {
      for await (const page of assets.browse(`/rest/asset/v1/segmentation/${id}/segments.json`)) yield { records: page.map(assetRecord) };
    }
    yield { state: {} };
  }
}
