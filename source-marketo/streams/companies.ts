import { COMPANIES_PATH, CompanyDescription } from '../../marketo/endpoints';
import { JsonSchema } from '../../protocol/types';
import { probeHighestLeadId } from './lead-id-probe';
import { buildObjectSchema, objectConverters, requestedObjectFields } from './object-schema';
import { readBySweep } from './object-sweep';
import { ReadContext, StreamContext, StreamEvent, UpdatedAtStream } from './stream';

export const COMPANIES_PERMISSION = 'Read-Only Company';

/**
 * Companies, with the columns Describe Company reports. Get Companies only answers a filter on a
 * searchable field with at most 300 values (https://developer.adobe.com/marketo-apis/api/mapi/#operation/getCompaniesUsingGET),
 * and `updatedAt` is not searchable: every sync reads all companies by ranges of 300 ids and emits
 * those changed since the cursor.
 */
export class CompaniesStream extends UpdatedAtStream {
  readonly name = 'companies';
  readonly permission = COMPANIES_PERMISSION;

  async schema(ctx: StreamContext): Promise<JsonSchema> {
    return buildObjectSchema((await describe(ctx)).fields, ['id']);
  }

  async *read(ctx: ReadContext, state: Record<string, unknown> | undefined): AsyncGenerator<StreamEvent> {
    const description = await describe(ctx);
    const { fields, vanished } = requestedObjectFields(description.fields, ctx.selectedFields, ['id', 'updatedAt']);
    if (vanished.length > 0)
      ctx.log('WARN', `companies: these selected fields no longer exist in Marketo and are left out: ${vanished.join(', ')}. Refresh the source schema.`);
    yield* readBySweep(
      ctx,
      {
        stream: this.name,
        path: COMPANIES_PATH,
        filterType: 'id',
        fields,
        converters: objectConverters(description.fields),
        probableMaxId: () => highestCompanyId(ctx),
      },
      state,
    );
  }
}

async function describe(ctx: StreamContext): Promise<CompanyDescription> {
  const description = await ctx.endpoints.describeCompany();
  if (!description) throw new Error('Describe Company answered no object description');
  return description;
}

/** Company ids only grow, like lead ids: the same geometric probe finds the highest in a few calls. */
async function highestCompanyId(ctx: ReadContext): Promise<number> {
  const probe = await probeHighestLeadId(async (ids) =>
    (await ctx.endpoints.getObjectsPage(COMPANIES_PATH, 'id', ids, ['id'])).records.map((c) => Number(c.id)),
  );
  return probe.highestId;
}
