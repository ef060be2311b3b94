import { MarketoClient, QueryValue } from './client';
import { ASSET_MAX_RETURN, NO_DATA_FOUND } from './constants';
import { MarketoRequestError } from './errors';

// Reads of the Asset API (https://developer.adobe.com/marketo-apis/api/asset/). Browses page by
// `offset` and `maxReturn` (at most 200); an empty answer comes as success with the warning "No
// assets found for the given search criteria." and no `result`, or as 702 "No data found": both
// are an empty page here, never an error.

export type Asset = Record<string, unknown> & { id: number };

export class AssetEndpoints {
  constructor(private readonly client: MarketoClient) {}

  /** One page of a browse at `offset`; an empty page means there is nothing more. */
  async browsePage(path: string, query: Record<string, QueryValue>, offset: number): Promise<Asset[]> {
    try {
      return (await this.client.get<Asset>(path, { query: { ...query, offset, maxReturn: ASSET_MAX_RETURN } })).result;
    } catch (err) {
      if (err instanceof MarketoRequestError && err.code === NO_DATA_FOUND) return [];
      throw err;
    }
  }

  /** Get Program by Id: the only read that gives a program's `tags` and `costs`. */
  async programById(id: number): Promise<Asset | undefined> {
    return (await this.browsePage(`/rest/asset/v1/program/${id}.json`, {}, 0))[0];
  }

  /**
   * Every record of a browse, page after page, each id once. Pages are computed per call, so a
   * record changed between calls can come twice; a server that ignored `offset` would repeat a
   * page, which ends the walk instead of looping.
   */
  async *browse(path: string, query: Record<string, QueryValue> = {}): AsyncGenerator<Asset[]> {
    const seen = new Set<number>();
    for (let offset = 0; ;) {
      const page = await this.browsePage(path, query, offset);
      const fresh = page.filter((a) => !seen.has(a.id));
      for (const a of fresh) seen.add(a.id);
      if (fresh.length > 0) yield fresh;
      if (page.length < ASSET_MAX_RETURN || fresh.length === 0) return;
      offset += page.length;
    }
  }
}
