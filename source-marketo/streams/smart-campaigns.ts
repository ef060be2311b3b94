import { SMART_CAMPAIGN_SCHEMA } from './asset-schemas';
import { UpdatedAssetStream } from './asset-stream';

/**
 * Smart campaigns from the Asset API's Get Smart Campaigns
 * (https://developer.adobe.com/marketo-apis/api/asset/#tag/Smart-Campaigns), incremental on its
 * `earliestUpdatedAt` filter, unlike the superseded /rest/v1/campaigns.json, which has none.
 */
export class SmartCampaignsStream extends UpdatedAssetStream {
  readonly name = 'smart_campaigns';
  protected readonly path = '/rest/asset/v1/smartCampaigns.json';
  protected readonly jsonSchema = SMART_CAMPAIGN_SCHEMA;
}
