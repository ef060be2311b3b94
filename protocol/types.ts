// Airbyte protocol types, written from the official protocol schema (airbyte_protocol.yaml v0.18.0).
// Only the parts our connectors read or write are typed; everything else passes through as-is.

export type SyncMode = 'full_refresh' | 'incremental';
export type DestinationSyncMode = 'append' | 'overwrite' | 'append_dedup' | 'overwrite_dedup';
export type LogLevel = 'FATAL' | 'ERROR' | 'WARN' | 'INFO' | 'DEBUG' | 'TRACE';
export type FailureType = 'system_error' | 'config_error' | 'transient_error';
export type StreamStatus = 'STARTED' | 'RUNNING' | 'COMPLETE' | 'INCOMPLETE';
export type JsonSchema = Record<string, unknown>;

export interface StreamDescriptor {
  name: string;
  namespace?: string;
}

export interface AirbyteStream {
  name: string;
  json_schema: JsonSchema;
  supported_sync_modes: SyncMode[];
  source_defined_cursor?: boolean;
  default_cursor_field?: string[];
  source_defined_primary_key?: string[][];
  namespace?: string;
  is_resumable?: boolean;
}

export interface AirbyteCatalog {
  streams: AirbyteStream[];
}

export interface ConfiguredAirbyteStream {
  stream: AirbyteStream;
  sync_mode: SyncMode;
  destination_sync_mode: DestinationSyncMode;
  // Airbyte's acceptance tests serialise absent optional fields as explicit nulls.
  cursor_field?: string[] | null;
  primary_key?: string[][] | null;
  generation_id?: number | null;
  minimum_generation_id?: number | null;
  sync_id?: number | null;
}

export interface ConfiguredAirbyteCatalog {
  streams: ConfiguredAirbyteStream[];
}

export interface StateStats {
  recordCount?: number;
  rejectedRecordCount?: number;
}

export interface AirbyteStreamState {
  stream_descriptor: StreamDescriptor;
  stream_state?: Record<string, unknown>;
}

export interface AirbyteStateMessage {
  type?: 'STREAM' | 'GLOBAL' | 'LEGACY';
  stream?: AirbyteStreamState;
  global?: { shared_state?: Record<string, unknown>; stream_states: AirbyteStreamState[] };
  data?: Record<string, unknown>;
  sourceStats?: StateStats;
  destinationStats?: StateStats;
}

export interface AirbyteRecordMessage {
  stream: string;
  data: Record<string, unknown>;
  emitted_at: number;
  namespace?: string;
}

export interface AirbyteTraceMessage {
  type: 'ERROR' | 'ESTIMATE' | 'STREAM_STATUS' | 'ANALYTICS';
  emitted_at: number;
  error?: {
    message: string;
    internal_message?: string;
    stack_trace?: string;
    failure_type?: FailureType;
    stream_descriptor?: StreamDescriptor;
  };
  estimate?: { name: string; type: 'STREAM' | 'SYNC'; namespace?: string; row_estimate?: number; byte_estimate?: number };
  stream_status?: { stream_descriptor: StreamDescriptor; status: StreamStatus };
}

export interface ConnectorSpecification {
  documentationUrl?: string;
  connectionSpecification: JsonSchema;
  supportsIncremental?: boolean;
  supported_destination_sync_modes?: DestinationSyncMode[];
}

export type AirbyteMessage =
  | { type: 'RECORD'; record: AirbyteRecordMessage }
  | { type: 'STATE'; state: AirbyteStateMessage }
  | { type: 'LOG'; log: { level: LogLevel; message: string; stack_trace?: string } }
  | { type: 'SPEC'; spec: ConnectorSpecification }
  | { type: 'CONNECTION_STATUS'; connectionStatus: { status: 'SUCCEEDED' | 'FAILED'; message?: string } }
  | { type: 'CATALOG'; catalog: AirbyteCatalog }
  | { type: 'TRACE'; trace: AirbyteTraceMessage };
