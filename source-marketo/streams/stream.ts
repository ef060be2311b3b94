import { SyncMode, JsonSchema } from '../../protocol/types';
import { MarketoEndpoints, ActivityType, LeadField } from '../../marketo/endpoints';
import { BulkExportEndpoints } from '../../marketo/bulk-export';
import { SourceConfig } from '../config';
import { ExportMeter } from '../extraction-planner';

export type Log = (level: 'INFO' | 'WARN' | 'ERROR' | 'DEBUG', message: string) => void;

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
}

/**
 * What a stream's read yields: a batch of records, a checkpoint covering every record before it, or
 * an estimate of the records this sync will emit, when it can be known in advance.
 */
export type StreamEvent = { records: Record<string, unknown>[] } | { state: Record<string, unknown> } | { estimate: number };

export interface SourceStream {
  readonly name: string;
  readonly primaryKey: string[][];
  readonly cursorField?: string[];
  readonly syncModes: SyncMode[];
  /** The permission of the API-only role the stream needs beyond reading activities and leads (named in docs and 603 errors). */
  readonly permission?: string;
  /** How long before their cursors this stream's paging walks start, if it has any. */
  lookbackSeconds?(config: SourceConfig): number;
  schema(ctx: StreamContext): Promise<JsonSchema>;
  read(ctx: ReadContext, state: Record<string, unknown> | undefined): AsyncGenerator<StreamEvent>;
}
