import { customObjectName, customObjectPath, ObjectDescription } from '../../marketo/endpoints';
import { MarketoError } from '../../marketo/errors';
import { JsonSchema, SyncMode } from '../../protocol/types';
import { probeHighestLeadId } from './lead-id-probe';
import { buildObjectSchema, objectConverters, requestedObjectFields } from './object-schema';
import { readBySweep } from './object-sweep';
import { ReadContext, SourceStream, StreamContext, StreamEvent } from './stream';

export const CUSTOM_OBJECTS_PERMISSION = 'Read-Only Custom Object';

/**
 * The link field by which every record of a type can be listed: a field linking to Lead.id.
 * Get Custom Objects needs a searchable field and at most 300 values per call
 * (https://developer.adobe.com/marketo-apis/api/mapi/#operation/getCustomObjectsUsingGET); GUIDs
 * and text keys cannot be enumerated, lead ids can.
 */
export function leadLinkField(description: ObjectDescription): string | undefined {
  const link = description.relationships?.find((r) => {
    const to = r.relatedTo ?? r.object;
    return to?.name === 'Lead' && to.field === 'id';
  });
  if (!link) return undefined;
  const searchable = description.searchableFields;
  return !searchable || searchable.some((s) => s.length === 1 && s[0] === link.field) ? link.field : undefined;
}

/**
 * The records of one custom object type, named by its API name (the name the destination writes
 * to), keyed by its dedupe fields, with the columns of its describe. Every sync reads the records
 * linked to each lead id, 300 lead ids a call, and emits those changed since the cursor.
 */
export class CustomObjectStream implements SourceStream {
  readonly name: string;
  readonly primaryKey: string[][];
  readonly cursorField = ['updatedAt'];
  readonly syncModes: SyncMode[] = ['full_refresh', 'incremental'];
  readonly permission = CUSTOM_OBJECTS_PERMISSION;

  constructor(
    private readonly listed: ObjectDescription,
    private readonly linkField: string,
  ) {
    this.name = customObjectName(listed);
    this.primaryKey = (listed.dedupeFields ?? [listed.idField ?? 'marketoGUID']).map((f) => [f]);
  }

  async schema(ctx: StreamContext): Promise<JsonSchema> {
    return buildObjectSchema(
      (await this.describe(ctx)).fields,
      this.primaryKey.map((k) => k[0]),
    );
  }

  async *read(ctx: ReadContext, state: Record<string, unknown> | undefined): AsyncGenerator<StreamEvent> {
    const description = await this.describe(ctx);
    const always = [...new Set([...this.primaryKey.map((k) => k[0]), description.idField ?? 'marketoGUID', this.linkField, 'updatedAt'])];
    const { fields, vanished } = requestedObjectFields(description.fields, ctx.selectedFields, always);
    if (vanished.length > 0)
      ctx.log('WARN', `${this.name}: these selected fields no longer exist in Marketo and are left out: ${vanished.join(', ')}. Refresh the source schema.`);
    yield* readBySweep(
      ctx,
      {
        stream: this.name,
        path: customObjectPath(this.name),
        filterType: this.linkField,
        fields,
        converters: objectConverters(description.fields),
        probableMaxId: async () =>
          (await probeHighestLeadId(async (ids) => (await ctx.endpoints.getLeadsByIds(ids, ['id'])).map((l) => Number(l.id)))).highestId,
      },
      state,
    );
  }

  private async describe(ctx: StreamContext): Promise<ObjectDescription & { fields: NonNullable<ObjectDescription['fields']> }> {
    const description = (await ctx.endpoints.describeCustomObject(this.name)) ?? this.listed;
    // A link holds the key of the record it points to: for Lead.id, an integer.
    const fields = (description.fields ?? []).map((f) => (f.name === this.linkField ? { ...f, dataType: 'integer' } : f));
    return { ...description, fields };
  }
}

/**
 * One stream per custom object type List Custom Objects reports that can be listed (a link to
 * Lead.id). Without the permission, or with custom objects not enabled, there are none: a LOG
 * says why, and the other streams are unaffected.
 */
export async function customObjectStreams(ctx: StreamContext): Promise<SourceStream[]> {
  let listed: ObjectDescription[];
  try {
    listed = await ctx.endpoints.listCustomObjects();
  } catch (err) {
    if (!(err instanceof MarketoError) || err.code === undefined) throw err;
    ctx.log('WARN', `Custom objects are not offered: List Custom Objects failed (${err.message}). They need the '${CUSTOM_OBJECTS_PERMISSION}' permission.`);
    return [];
  }
  const streams: SourceStream[] = [];
  for (const description of listed) {
    const name = customObjectName(description);
    const link = leadLinkField(description);
    if (!name) continue;
    if (!link) {
      ctx.log('WARN', `Custom object '${name}' is not offered: it has no searchable link to Lead.id, and Marketo cannot list its records without their keys.`);
      continue;
    }
    streams.push(new CustomObjectStream(description, link));
  }
  return streams;
}
