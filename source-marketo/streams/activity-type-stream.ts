import { Activity, ActivityType } from '../../marketo/endpoints';
import { JsonSchema, SyncMode } from '../../protocol/types';
import { SourceConfig } from '../config';
import { AttributeColumn, attributeColumns, attributeSchema, convertAttribute, primaryValue } from './activity-columns';
import { ActivityFamilyMember, readFamily } from './activity-family';
import { ACTIVITY_TYPE_STREAM_PREFIX, activityStreamNames } from './activity-type-names';
import { ACTIVITY_PROPERTIES } from './schemas';
import { COMMON_ACTIVITY_FIELDS } from './activity-stream';
import { ReadContext, SourceStream, StreamContext, StreamEvent } from './stream';

/** The columns every activity has, as `activities` names them (its `attributes` list becomes the typed columns). */
const COMMON_FIELDS = COMMON_ACTIVITY_FIELDS;

/**
 * The activities of one type, with the type's primary attribute and each secondary attribute as a
 * typed column (activity-columns.ts), named `activities_<type>` (activity-type-names.ts). It reads
 * through the walks `activities` reads (activity-family.ts): selected together, these streams
 * cost the calls of `activities` over the same types.
 */
export class ActivityTypeStream implements ActivityFamilyMember {
  readonly primaryKey = [['marketoGUID']];
  readonly cursorField = ['activityDate'];
  readonly syncModes: SyncMode[] = ['full_refresh', 'incremental'];
  private readonly columns: AttributeColumn[];
  /** Secondary attributes by name (and custom types' apiName), as activities carry them. */
  private readonly byAttribute = new Map<string, AttributeColumn>();
  private readonly primary: AttributeColumn | undefined;
  /** Told once per sync: columns with values of another type, attributes the type's description lacks. */
  private readonly told = new Set<string>();

  constructor(
    readonly name: string,
    readonly type: ActivityType,
  ) {
    this.columns = attributeColumns(type);
    this.primary = this.columns.find((c) => c.primary);
    const apiNames = new Map((type.attributes ?? []).flatMap((a) => (a.apiName ? [[a.name, a.apiName] as const] : [])));
    for (const column of this.columns.filter((c) => !c.primary)) {
      this.byAttribute.set(column.attribute, column);
      const apiName = apiNames.get(column.attribute);
      if (apiName && !this.byAttribute.has(apiName)) this.byAttribute.set(apiName, column);
    }
  }

  lookbackSeconds(config: SourceConfig): number {
    return config.lookbackSeconds;
  }

  schema(_ctx?: StreamContext): Promise<JsonSchema> {
    const properties: Record<string, JsonSchema> = {};
    for (const field of COMMON_FIELDS) properties[field] = ACTIVITY_PROPERTIES[field];
    for (const c of this.columns) {
      properties[c.column] = attributeSchema(c.dataType, `${c.attribute} (Marketo ${c.dataType}${c.primary ? ', the primary attribute' : ''})`);
    }
    return Promise.resolve({
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      additionalProperties: true,
      description: `Activities of Marketo activity type ${this.type.id} (${this.type.name}), one typed column per attribute.`,
      properties,
    });
  }

  familyTypeIds(): Promise<number[]> {
    return Promise.resolve([this.type.id]);
  }

  /** Columns Marketo lists now that the configured catalog lacks (attributes added since discover) are said once; the catalog's projection leaves them out. */
  prepareFamilyRead(ctx: ReadContext, selectedFields?: string[]): Promise<void> {
    if (!selectedFields) return Promise.resolve();
    const selected = new Set(selectedFields);
    const missing = this.columns.filter((c) => !selected.has(c.column));
    if (missing.length > 0) {
      ctx.log(
        'INFO',
        `${this.name}: activity type '${this.type.name}' has attributes the configured catalog has no column for (added in Marketo since the schema was discovered, or deselected): ${missing.map((c) => `'${c.attribute}' (${c.column})`).join(', ')}. They are left out of the records; refresh the source schema in Airbyte to add them as columns.`,
      );
    }
    const known = new Set([...COMMON_FIELDS, ...this.columns.map((c) => c.column)]);
    const gone = selectedFields.filter((f) => !known.has(f) && !f.startsWith('_ab_'));
    if (gone.length > 0) {
      ctx.log('INFO', `${this.name}: activity type '${this.type.name}' no longer lists the attributes of these columns; they stay empty: ${gone.join(', ')}.`);
    }
    return Promise.resolve();
  }

  familyRecord(activity: Activity, activityDate: string, ctx: ReadContext): Record<string, unknown> {
    const record: Record<string, unknown> = {};
    for (const field of COMMON_FIELDS) if (activity[field] !== undefined) record[field] = activity[field];
    record.activityDate = activityDate;
    for (const c of this.columns) record[c.column] = null;
    if (this.primary) this.put(ctx, record, this.primary, primaryValue(this.primary.dataType, activity));
    for (const attribute of activity.attributes ?? []) {
      const column = this.byAttribute.get(attribute.name) ?? (attribute.apiName ? this.byAttribute.get(attribute.apiName) : undefined);
      if (column) this.put(ctx, record, column, attribute.value);
      else if (this.primary && attribute.name === this.primary.attribute && record[this.primary.column] === null)
        this.put(ctx, record, this.primary, attribute.value);
      else
        this.tellOnce(
          ctx,
          `unknown:${attribute.name}`,
          () =>
            `${this.name}: activities carry an attribute '${attribute.name}' that Get Activity Types does not list for '${this.type.name}'; it is left out here (the activities stream keeps it in 'attributes').`,
        );
    }
    return record;
  }

  private put(ctx: ReadContext, record: Record<string, unknown>, column: AttributeColumn, raw: unknown): void {
    const converted = convertAttribute(column.dataType, raw);
    if ('value' in converted) {
      record[column.column] = converted.value;
      return;
    }
    // The value itself is not logged: attributes can hold personal data.
    this.tellOnce(
      ctx,
      `invalid:${column.column}`,
      () =>
        `${this.name}: a value of '${column.attribute}' is not of its type (Marketo ${column.dataType}); column ${column.column} is left empty for such values (the activities stream keeps them as Marketo gave them).`,
    );
  }

  private tellOnce(ctx: ReadContext, key: string, message: () => string): void {
    if (this.told.has(key)) return;
    this.told.add(key);
    ctx.log('WARN', message());
  }

  async *read(ctx: ReadContext, state: Record<string, unknown> | undefined): AsyncGenerator<StreamEvent> {
    for await (const { stream: _stream, ...event } of readFamily(ctx, [{ stream: this, syncMode: ctx.syncMode, state, selectedFields: ctx.selectedFields }])) {
      yield event;
    }
  }
}

/** One stream per activity type Get Activity Types lists (custom types too), in id order; `reserved`: names other streams have. */
export async function activityTypeStreams(ctx: StreamContext, reserved: ReadonlySet<string>): Promise<ActivityTypeStream[]> {
  const types = await ctx.metadata.activityTypes();
  const names = activityStreamNames(types, reserved);
  return [...types].sort((a, b) => a.id - b.id).map((type) => new ActivityTypeStream(names.get(type.id)!, type));
}

/**
 * A per-type stream of the configured catalog whose type Marketo no longer lists (deleted, or
 * renamed: the name follows the type's name). It emits nothing and keeps its state; a WARN says
 * what to do, and the other streams are read as usual.
 */
export class VanishedActivityTypeStream implements SourceStream {
  readonly primaryKey = [['marketoGUID']];
  readonly cursorField = ['activityDate'];
  readonly syncModes: SyncMode[] = ['full_refresh', 'incremental'];

  constructor(readonly name: string) {}

  static matches(name: unknown): name is string {
    return typeof name === 'string' && name.startsWith(ACTIVITY_TYPE_STREAM_PREFIX);
  }

  schema(): Promise<JsonSchema> {
    return Promise.resolve({ type: 'object', properties: {} });
  }

  // eslint-disable-next-line require-yield
  async *read(ctx: ReadContext): AsyncGenerator<StreamEvent> {
    ctx.log(
      'WARN',
      `${this.name}: Marketo no longer lists an activity type of this name (deleted or renamed); the stream reads nothing. Refresh the source schema in Airbyte: a renamed type comes back under its new name.`,
    );
    await Promise.resolve();
  }
}
