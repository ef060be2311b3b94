import { ASSETS_PERMISSION } from '../../marketo/constants';
import { JsonSchema, SyncMode } from '../../protocol/types';
import { SMART_CAMPAIGN_SCHEMA } from './asset-schemas';
import { readAssetsSince } from './asset-stream';
import { ReadContext, SourceStream, StreamEvent } from './stream';

/**
 * Smart campaigns from the Asset API's Get Smart Campaigns
 * (https://developer.adobe.com/marketo-apis/api/asset/#tag/Smart-Campaigns), incremental on its
 * `earliestUpdatedAt` filter, unlike the superseded /rest/v1/campaigns.json, which has none.
 */
export class SmartCampaignsStream implements SourceStream {
  readonly name = 'smart_campaigns';
  readonly primaryKey = [['id']];
  readonly cursorField = ['updatedAt'];
  readonly syncModes: SyncMode[] = ['full_refresh', 'incremental'];
  readonly permission = ASSETS_PERMISSION;

  schema(): Promise<JsonSchema> {
    return Promise.resolve(SMART_CAMPAIGN_SCHEMA);
  }

  read(ctx: ReadContext, state: Record<string, unknown> | undefined): AsyncGenerator<StreamEvent> {
    return readAssetsSince(ctx, '/rest/asset/v1/smartCampaigns.json', state);
  }
}
