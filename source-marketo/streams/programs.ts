import { PROGRAM_SCHEMA } from './asset-schemas';
import { assetsOf, UpdatedAssetStream } from './asset-stream';
import { ReadContext } from './stream';

/**
 * Programs (Get Programs, https://developer.adobe.com/marketo-apis/api/asset/#tag/Programs),
 * incremental on the server's `earliestUpdatedAt` filter. The browse gives no tags or costs, so
 * each program emitted is read once more by id for them.
 */
export class ProgramsStream extends UpdatedAssetStream {
  readonly name = 'programs';
  protected readonly path = '/rest/asset/v1/programs.json';
  protected readonly jsonSchema = PROGRAM_SCHEMA;

  protected override enrich(ctx: ReadContext) {
    const wantsTagsOrCosts = !ctx.selectedFields || ctx.selectedFields.includes('tags') || ctx.selectedFields.includes('costs');
    return wantsTagsOrCosts ? (records: Record<string, unknown>[]) => withTagsAndCosts(ctx, records) : undefined;
  }
}

/** Get Program by Id for each program, up to max_concurrent_calls at once: `tags` and `costs` as it gives them (null when none). */
async function withTagsAndCosts(ctx: ReadContext, records: Record<string, unknown>[]): Promise<Record<string, unknown>[]> {
  const assets = assetsOf(ctx);
  const out = new Array<Record<string, unknown>>(records.length);
  let next = 0;
  const worker = async () => {
    while (next < records.length) {
      const i = next++;
      const full = await assets.programById(records[i].id as number);
      out[i] = { ...records[i], tags: full?.tags ?? null, costs: full?.costs ?? null };
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, ctx.config.connection.maxConcurrentCalls) }, worker));
  return out;
}
