import { SyncMode, JsonSchema } from '../../protocol/types';
import { MarketoEndpoints, ActivityType, LeadField } from '../../marketo/endpoints';
import { SourceConfig } from '../config';

export type Log = (level: 'INFO' | 'WARN' | 'ERROR' | 'DEBUG', message: string) => void;

/** Metadata fetched at most once per command, whichever streams ask for it. */
export class SubscriptionMetadata {
  private types: Promise<ActivityType[]> | undefined;
  private fields: Promise<LeadField[]> | undefined;

  constructor(private readonly endpoints: MarketoEndpoints) {}

  activityTypes(): Promise<ActivityType[]> {
    return (this.types ??= this.endpoints.getActivityTypes());
  }

  /** Describe Lead, keeping only fields usable through REST (the others have no `rest` block). */
  leadFields(): Promise<LeadField[]> {
    return (this.fields ??= this.endpoints.describeLead().then((fields) => fields.filter((f) => f.rest?.name)));
  }
}

export interface StreamContext {
  config: SourceConfig;
  endpoints: MarketoEndpoints;
  metadata: SubscriptionMetadata;
  log: Log;
}

export interface ReadContext extends StreamContext {
  syncMode: SyncMode;
  /** Top-level properties of the configured stream's schema: the columns the user selected. */
  selectedFields?: string[];
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
  schema(ctx: StreamContext): Promise<JsonSchema>;
  read(ctx: ReadContext, state: Record<string, unknown> | undefined): AsyncGenerator<StreamEvent>;
}
