import { AssetEndpoints, Asset } from '../../marketo/asset-endpoints';
import { ASSETS_PERMISSION } from '../../marketo/constants';
import { JsonSchema, SyncMode } from '../../protocol/types';
import { secondOf, toMarketoSecond } from '../dates';
import { changedSince, cursorAfterSweep, newer } from './object-cursor';
import { ReadContext, SourceStream, StreamEvent, UpdatedAtStream } from './stream';

/** An Asset API date ("2021-11-23T22:57:24Z+0000", `Z` and an offset) as ISO 8601 UTC; other values unchanged. */
export function assetDate(value: unknown): unknown {
  if (typeof value !== 'string') return value ?? null;
  return toMarketoSecond(value.replace(/Z(?=[+-]\d{2}:?\d{2}$)/, '')) ?? value;
}

/** An asset as the stream emits it: as the API gives it, dates normalised. */
export function assetRecord(asset: Asset): Record<string, unknown> {
  return { ...asset, createdAt: assetDate(asset.createdAt), updatedAt: assetDate(asset.updatedAt) };
}

export function assetsOf(ctx: ReadContext): AssetEndpoints {
  return new AssetEndpoints(ctx.endpoints.client);
}

/**
 * An Asset API browse that filters on the server by `earliestUpdatedAt`/`latestUpdatedAt`
 * (created or updated in the range): incremental syncs ask only for what changed since one second
 * before the cursor (the bounds' inclusivity is undocumented) up to when the sync began, and emit
 * what changed after the cursor. The next cursor stays an overlap before the sync began (see
 * cursorAfterSweep), so a change made while it ran is read by the next one.
 */
export async function* readAssetsSince(
  ctx: ReadContext,
  path: string,
  rawState: Record<string, unknown> | undefined,
  enrich: Enrich = (r) => Promise.resolve(r),
): AsyncGenerator<StreamEvent> {
  const incremental = ctx.syncMode === 'incremental';
  const previous = incremental && typeof rawState?.updatedAt === 'string' ? toMarketoSecond(rawState.updatedAt) : undefined;
  const startedAt = secondOf(Date.now());
  if (previous && previous >= startedAt) {
    // A cursor in the future (a clock moved back, a hand-edited state): nothing can be newer, and
    // Marketo refuses an earliestUpdatedAt after latestUpdatedAt.
    yield { state: { updatedAt: previous } };
    return;
  }
  const query = previous ? { earliestUpdatedAt: secondOf(Date.parse(previous) - 1000), latestUpdatedAt: startedAt } : {};
  let newest: string | undefined;
  for await (const page of assetsOf(ctx).browse(path, query)) {
    const records = page.map(assetRecord).filter((r) => {
      newest = newer(newest, r.updatedAt);
      return changedSince(r.updatedAt, previous);
    });
    if (records.length > 0) yield { records: await enrich(records) };
  }
  const cursor = cursorAfterSweep(previous, { startedAt, newest });
  yield { state: cursor ? { updatedAt: cursor } : {} };
}

type Enrich = (records: Record<string, unknown>[]) => Promise<Record<string, unknown>[]>;

/** An Asset API stream incremental on the server's `earliestUpdatedAt` filter (readAssetsSince), with a fixed schema. */
export abstract class UpdatedAssetStream extends UpdatedAtStream {
  readonly permission = ASSETS_PERMISSION;
  protected abstract readonly path: string;
  protected abstract readonly jsonSchema: JsonSchema;

  schema(): Promise<JsonSchema> {
    return Promise.resolve(this.jsonSchema);
  }

  read(ctx: ReadContext, state: Record<string, unknown> | undefined): AsyncGenerator<StreamEvent> {
    return readAssetsSince(ctx, this.path, state, this.enrich(ctx));
  }

  /** What to add to the records a browse gives before they are emitted (nothing by default). */
  protected enrich(_ctx: ReadContext): Enrich | undefined {
    return undefined;
  }
}

/** An Asset API stream without a date filter: a handful of records, read whole every sync. */
export abstract class WholeAssetStream implements SourceStream {
  abstract readonly name: string;
  readonly primaryKey = [['id']];
  readonly syncModes: SyncMode[] = ['full_refresh'];
  readonly permission = ASSETS_PERMISSION;
  protected abstract readonly jsonSchema: JsonSchema;

  schema(): Promise<JsonSchema> {
    return Promise.resolve(this.jsonSchema);
  }

  abstract read(ctx: ReadContext): AsyncGenerator<StreamEvent>;
}
