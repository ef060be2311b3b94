import { SyncMode, JsonSchema } from '../../protocol/types';
import { MarketoEndpoints, ActivityType, LeadField } from '../../marketo/endpoints';
import { BulkExportEndpoints } from '../../marketo/bulk-export';
import { SourceConfig } from '../config';
import { ExportMeter } from '../extraction-planner';
import { Log } from '../../protocol/output';

/** The LOG writer both connectors share. */
export type { Log } from '../../protocol/output';

/** Metadata the streams share; ReadOnceEndpoints asks Marketo for each at most once per command. */
export class SubscriptionMetadata {
  constructor(private readonly endpoints: MarketoEndpoints) {}

  activityTypes(): Promise<ActivityType[]> {
    return this.endpoints.getActivityTypes();
  }

  /** Describe Lead, keeping only fields usable through REST (the others have no `rest` block). */
  async leadFields(): Promise<LeadField[]> {
    return (await this.endpoints.describeLead()).filter((f) => f.rest?.name);
  }
}

export interface StreamContext {
  config: SourceConfig;
  endpoints: MarketoEndpoints;
  metadata: SubscriptionMetadata;
  log: Log;
}

/** What the bulk path of a read needs: the endpoints, today's export meter shared by every stream, the call budget left. */
export interface BulkReadContext {
  bulk: BulkExportEndpoints;
  exportMeter: ExportMeter;
  callsLeft: () => number | undefined;
}

export interface ReadContext extends StreamContext, Partial<BulkReadContext> {
  syncMode: SyncMode;
  /** Top-level properties of the configured stream's schema: the columns the user selected. */
  selectedFields?: string[];
  /**
   * The longest look-back of the streams in this sync: every walk starts at least this long
   * before its cursor, so that the walks of all streams start from one paging token and can share
   * their pages (what a shorter look-back reads in addition, its cursor skips).
   */
  alignedLookbackSeconds?: number;
  /** The streams this sync reads: a walk can ask for what another stream's walk needs too, and serve it. */
  syncStreams?: ReadonlySet<string>;
}

/**
 * What a stream's read yields: a batch of records, a checkpoint covering every record before it, or
 * an estimate of the records this sync will emit, when it can be known in advance. `S` is the
 * stream's state type: any JSON object, emitted as the stream's STATE.
 */
export type StreamEvent<S extends object = object> = { records: Record<string, unknown>[] } | { state: S } | { estimate: number };

/**
 * One stream of the source: a small class in its own file (source-marketo/streams/). `read.ts`
 * lists it in the catalog, checks the configured sync mode against `syncModes`, and turns what
 * `read` yields into RECORD, STATE and estimate messages. `S` is the type of the state it saves.
 */
export interface SourceStream<S extends object = object> {
  /** The stream's name in the catalog and in the state; never changes once released (users' states name it). */
  readonly name: string;
  /** The fields that identify a record, as Airbyte's `source_defined_primary_key` (a list of field paths). */
  readonly primaryKey: string[][];
  /** The field incremental syncs move forward on (`source_defined_cursor`); absent for full-refresh-only streams. */
  readonly cursorField?: string[];
  /** The sync modes the stream supports; a full-refresh-only stream configured as incremental is read in full with a WARN. */
  readonly syncModes: SyncMode[];
  /** The permission of the API-only role the stream needs beyond reading activities and leads (named in docs and 603 errors). */
  readonly permission?: string;
  /**
   * How long before their cursors this stream's paging walks start, if it has any. The read aligns
   * every walk on the longest of these, so that the streams' walks can share their pages.
   */
  lookbackSeconds?(config: SourceConfig): number;
  /**
   * The JSON Schema of a record, as discover lists it. May call Marketo (Describe Lead, Describe
   * Custom Object) through `ctx.metadata` / `ctx.endpoints`, which read each description at most once.
   */
  schema(ctx: StreamContext): Promise<JsonSchema>;
  /**
   * Reads the stream. `state` is the stream's state as the user's state file holds it (any shape:
   * parse it and fall back to a first sync when it is unusable); in `full_refresh` (ctx.syncMode)
   * it must be ignored. Yield records in batches, and a `state` after each batch whose records it
   * covers, so a killed sync resumes there; a `state` must cover every record yielded before it.
   * End with a `state`, even when nothing was read. Typed Marketo errors propagate: `read.ts`
   * reports them and decides whether the sync stops.
   */
  read(ctx: ReadContext, state: Record<string, unknown> | undefined): AsyncGenerator<StreamEvent<S>>;
}

/** The shape of most Marketo objects' streams: keyed by `id`, incremental on `updatedAt`. */
export abstract class UpdatedAtStream<S extends object = object> implements SourceStream<S> {
  abstract readonly name: string;
  readonly primaryKey = [['id']];
  readonly cursorField = ['updatedAt'];
  readonly syncModes: SyncMode[] = ['full_refresh', 'incremental'];
  abstract schema(ctx: StreamContext): Promise<JsonSchema>;
  abstract read(ctx: ReadContext, state: Record<string, unknown> | undefined): AsyncGenerator<StreamEvent<S>>;
}
