// Generated from protocol/airbyte-protocol.schema.json by `npm run generate` (json-schema-to-typescript). Do not edit:
// change the schema and run the script again. protocol/types.ts is what the connectors import.

/**
 * One line of a connector's stdout (or of a destination's stdin): a type and the payload that type names.
 *
 * This interface was referenced by `AirbyteProtocol`'s JSON-Schema
 * via the `definition` "AirbyteMessage".
 */
export type AirbyteMessage = RecordMessage | StateMessage | LogMessage | SpecMessage | ConnectionStatusMessage | CatalogMessage | TraceMessage;
/**
 * How a state is shaped: one stream's (STREAM), every stream's with a shared part (GLOBAL), or one object for the whole connection in `data` (LEGACY, also when the type is absent).
 *
 * This interface was referenced by `AirbyteProtocol`'s JSON-Schema
 * via the `definition` "AirbyteStateType".
 */
export type AirbyteStateType = 'STREAM' | 'GLOBAL' | 'LEGACY';
/**
 * This interface was referenced by `AirbyteProtocol`'s JSON-Schema
 * via the `definition` "LogLevel".
 */
export type LogLevel = 'FATAL' | 'ERROR' | 'WARN' | 'INFO' | 'DEBUG' | 'TRACE';
/**
 * The modes a destination's spec may declare: those the protocol lists.
 *
 * This interface was referenced by `AirbyteProtocol`'s JSON-Schema
 * via the `definition` "SpecDestinationSyncMode".
 */
export type SpecDestinationSyncMode = 'append' | 'overwrite' | 'append_dedup' | 'update' | 'soft_delete';
/**
 * This interface was referenced by `AirbyteProtocol`'s JSON-Schema
 * via the `definition` "SyncMode".
 */
export type SyncMode = 'full_refresh' | 'incremental';
/**
 * A trace: an error, an estimate of what a sync will emit, or a stream's status. Each carries the payload its type names.
 *
 * This interface was referenced by `AirbyteProtocol`'s JSON-Schema
 * via the `definition` "AirbyteTraceMessage".
 */
export type AirbyteTraceMessage = ErrorTrace | EstimateTrace | StreamStatusTrace;
/**
 * config_error: the user must change a setting; transient_error: a retry later may succeed; system_error: anything else.
 *
 * This interface was referenced by `AirbyteProtocol`'s JSON-Schema
 * via the `definition` "FailureType".
 */
export type FailureType = 'system_error' | 'config_error' | 'transient_error';
/**
 * This interface was referenced by `AirbyteProtocol`'s JSON-Schema
 * via the `definition` "StreamStatus".
 */
export type StreamStatus = 'STARTED' | 'RUNNING' | 'COMPLETE' | 'INCOMPLETE';
/**
 * What Airbyte may ask of a destination for a stream. overwrite_dedup is what the platform sends for 'Full Refresh - Overwrite + Deduped' (https://docs.airbyte.com/using-airbyte/core-concepts/sync-modes/full-refresh-overwrite-deduped).
 *
 * This interface was referenced by `AirbyteProtocol`'s JSON-Schema
 * via the `definition` "DestinationSyncMode".
 */
export type DestinationSyncMode = 'append' | 'overwrite' | 'append_dedup' | 'overwrite_dedup' | 'update' | 'soft_delete';

/**
 * The part of the Airbyte protocol these connectors speak, written by us from the protocol's documentation (https://docs.airbyte.com/understanding-airbyte/airbyte-protocol). It is stricter than the official schema where we emit (a message must carry the payload its type names; no unknown fields) and describes what Airbyte hands us as it arrives (STATE in its STREAM, GLOBAL and LEGACY forms; configured catalogs with nulls). Edit this file, then `npm run generate` to rewrite protocol/airbyte-protocol.generated.ts. Tests validate every connector message against it, and against the official schema when ../shared/airbyte-protocol is there (test/harness/protocol-schema.ts); test/unit/protocol-schema.test.ts lists where the two differ on purpose.
 */
export interface AirbyteProtocol {
  airbyte_message?: AirbyteMessage;
  configured_airbyte_catalog?: ConfiguredAirbyteCatalog;
}
/**
 * This interface was referenced by `AirbyteProtocol`'s JSON-Schema
 * via the `definition` "RecordMessage".
 */
export interface RecordMessage {
  type: 'RECORD';
  record: AirbyteRecordMessage;
}
/**
 * One row of one stream.
 *
 * This interface was referenced by `AirbyteProtocol`'s JSON-Schema
 * via the `definition` "AirbyteRecordMessage".
 */
export interface AirbyteRecordMessage {
  stream: string;
  namespace?: string;
  /**
   * The row, shaped by the stream's json_schema.
   */
  data: {
    [k: string]: unknown;
  };
  /**
   * When the connector emitted the row, in milliseconds since the epoch.
   */
  emitted_at: number;
}
/**
 * This interface was referenced by `AirbyteProtocol`'s JSON-Schema
 * via the `definition` "StateMessage".
 */
export interface StateMessage {
  type: 'STATE';
  state: AirbyteStateMessage;
}
/**
 * A checkpoint. Sources emit STREAM states (one per stream, with sourceStats); the destination passes back every state it receives, in whichever form it came, once the records before it are written, adding destinationStats. Open to fields we do not know, because they are echoed as received.
 *
 * This interface was referenced by `AirbyteProtocol`'s JSON-Schema
 * via the `definition` "AirbyteStateMessage".
 */
export interface AirbyteStateMessage {
  type?: AirbyteStateType;
  stream?: AirbyteStreamState;
  global?: AirbyteGlobalState;
  data?: AirbyteStateBlob;
  sourceStats?: StateStats;
  destinationStats?: StateStats;
  [k: string]: unknown;
}
/**
 * This interface was referenced by `AirbyteProtocol`'s JSON-Schema
 * via the `definition` "AirbyteStreamState".
 */
export interface AirbyteStreamState {
  stream_descriptor: StreamDescriptor;
  stream_state?: AirbyteStateBlob;
  [k: string]: unknown;
}
/**
 * This interface was referenced by `AirbyteProtocol`'s JSON-Schema
 * via the `definition` "StreamDescriptor".
 */
export interface StreamDescriptor {
  name: string;
  namespace?: string;
}
/**
 * A connector's own state, opaque to Airbyte.
 *
 * This interface was referenced by `AirbyteProtocol`'s JSON-Schema
 * via the `definition` "AirbyteStateBlob".
 */
export interface AirbyteStateBlob {
  [k: string]: unknown;
}
/**
 * This interface was referenced by `AirbyteProtocol`'s JSON-Schema
 * via the `definition` "AirbyteGlobalState".
 */
export interface AirbyteGlobalState {
  shared_state?: AirbyteStateBlob;
  stream_states: AirbyteStreamState[];
  [k: string]: unknown;
}
/**
 * Counts for the records between the previous state and this one.
 *
 * This interface was referenced by `AirbyteProtocol`'s JSON-Schema
 * via the `definition` "StateStats".
 */
export interface StateStats {
  recordCount?: number;
  rejectedRecordCount?: number;
}
/**
 * This interface was referenced by `AirbyteProtocol`'s JSON-Schema
 * via the `definition` "LogMessage".
 */
export interface LogMessage {
  type: 'LOG';
  log: AirbyteLogMessage;
}
/**
 * This interface was referenced by `AirbyteProtocol`'s JSON-Schema
 * via the `definition` "AirbyteLogMessage".
 */
export interface AirbyteLogMessage {
  level: LogLevel;
  message: string;
  stack_trace?: string;
}
/**
 * This interface was referenced by `AirbyteProtocol`'s JSON-Schema
 * via the `definition` "SpecMessage".
 */
export interface SpecMessage {
  type: 'SPEC';
  spec: ConnectorSpecification;
}
/**
 * What `spec` prints: the settings form (specs/*.json).
 *
 * This interface was referenced by `AirbyteProtocol`'s JSON-Schema
 * via the `definition` "ConnectorSpecification".
 */
export interface ConnectorSpecification {
  documentationUrl?: string;
  changelogUrl?: string;
  connectionSpecification: JsonSchema;
  supportsIncremental?: boolean;
  supported_destination_sync_modes?: SpecDestinationSyncMode[];
  protocol_version?: string;
}
/**
 * A JSON Schema (draft-07) document.
 *
 * This interface was referenced by `AirbyteProtocol`'s JSON-Schema
 * via the `definition` "JsonSchema".
 */
export interface JsonSchema {
  [k: string]: unknown;
}
/**
 * This interface was referenced by `AirbyteProtocol`'s JSON-Schema
 * via the `definition` "ConnectionStatusMessage".
 */
export interface ConnectionStatusMessage {
  type: 'CONNECTION_STATUS';
  connectionStatus: AirbyteConnectionStatus;
}
/**
 * This interface was referenced by `AirbyteProtocol`'s JSON-Schema
 * via the `definition` "AirbyteConnectionStatus".
 */
export interface AirbyteConnectionStatus {
  status: 'SUCCEEDED' | 'FAILED';
  message?: string;
}
/**
 * This interface was referenced by `AirbyteProtocol`'s JSON-Schema
 * via the `definition` "CatalogMessage".
 */
export interface CatalogMessage {
  type: 'CATALOG';
  catalog: AirbyteCatalog;
}
/**
 * What `discover` prints.
 *
 * This interface was referenced by `AirbyteProtocol`'s JSON-Schema
 * via the `definition` "AirbyteCatalog".
 */
export interface AirbyteCatalog {
  streams: AirbyteStream[];
}
/**
 * This interface was referenced by `AirbyteProtocol`'s JSON-Schema
 * via the `definition` "AirbyteStream".
 */
export interface AirbyteStream {
  name: string;
  namespace?: string;
  json_schema: JsonSchema;
  /**
   * @minItems 1
   */
  supported_sync_modes: SyncMode[];
  source_defined_cursor?: boolean;
  default_cursor_field?: string[];
  source_defined_primary_key?: string[][];
  /**
   * True for streams that can resume from a state (every incremental stream).
   */
  is_resumable?: boolean;
  is_file_based?: boolean;
}
/**
 * This interface was referenced by `AirbyteProtocol`'s JSON-Schema
 * via the `definition` "TraceMessage".
 */
export interface TraceMessage {
  type: 'TRACE';
  trace: AirbyteTraceMessage;
}
/**
 * This interface was referenced by `AirbyteProtocol`'s JSON-Schema
 * via the `definition` "ErrorTrace".
 */
export interface ErrorTrace {
  type: 'ERROR';
  emitted_at: number;
  error: AirbyteErrorTraceMessage;
}
/**
 * This interface was referenced by `AirbyteProtocol`'s JSON-Schema
 * via the `definition` "AirbyteErrorTraceMessage".
 */
export interface AirbyteErrorTraceMessage {
  /**
   * What the user reads in the Airbyte UI.
   */
  message: string;
  internal_message?: string;
  stack_trace?: string;
  failure_type?: FailureType;
  stream_descriptor?: StreamDescriptor;
}
/**
 * This interface was referenced by `AirbyteProtocol`'s JSON-Schema
 * via the `definition` "EstimateTrace".
 */
export interface EstimateTrace {
  type: 'ESTIMATE';
  emitted_at: number;
  estimate: AirbyteEstimateTraceMessage;
}
/**
 * This interface was referenced by `AirbyteProtocol`'s JSON-Schema
 * via the `definition` "AirbyteEstimateTraceMessage".
 */
export interface AirbyteEstimateTraceMessage {
  /**
   * The stream's name.
   */
  name: string;
  type: 'STREAM' | 'SYNC';
  namespace?: string;
  row_estimate?: number;
  byte_estimate?: number;
}
/**
 * This interface was referenced by `AirbyteProtocol`'s JSON-Schema
 * via the `definition` "StreamStatusTrace".
 */
export interface StreamStatusTrace {
  type: 'STREAM_STATUS';
  emitted_at: number;
  stream_status: AirbyteStreamStatusTraceMessage;
}
/**
 * This interface was referenced by `AirbyteProtocol`'s JSON-Schema
 * via the `definition` "AirbyteStreamStatusTraceMessage".
 */
export interface AirbyteStreamStatusTraceMessage {
  stream_descriptor: StreamDescriptor;
  status: StreamStatus;
}
/**
 * What Airbyte hands `read` and `write`: the streams the user selected and how to sync each.
 *
 * This interface was referenced by `AirbyteProtocol`'s JSON-Schema
 * via the `definition` "ConfiguredAirbyteCatalog".
 */
export interface ConfiguredAirbyteCatalog {
  streams: ConfiguredAirbyteStream[];
  [k: string]: unknown;
}
/**
 * Airbyte's acceptance tests serialise absent optional fields as explicit nulls, hence the nullable ones.
 *
 * This interface was referenced by `AirbyteProtocol`'s JSON-Schema
 * via the `definition` "ConfiguredAirbyteStream".
 */
export interface ConfiguredAirbyteStream {
  stream: AirbyteStream;
  sync_mode: SyncMode;
  destination_sync_mode: DestinationSyncMode;
  cursor_field?: string[] | null;
  primary_key?: string[][] | null;
  generation_id?: number | null;
  minimum_generation_id?: number | null;
  sync_id?: number | null;
  destination_object_name?: string;
  include_files?: boolean;
  [k: string]: unknown;
}
