// The Airbyte protocol types the connectors use. They are generated from our own schema of the
// protocol (protocol/airbyte-protocol.schema.json → airbyte-protocol.generated.ts, `npm run generate`);
// this module only gives them the names the code reads best.

export type {
  AirbyteCatalog,
  AirbyteConnectionStatus,
  AirbyteErrorTraceMessage,
  AirbyteGlobalState,
  AirbyteLogMessage,
  AirbyteMessage,
  AirbyteRecordMessage,
  AirbyteStateBlob,
  AirbyteStateMessage,
  AirbyteStateType,
  AirbyteStream,
  AirbyteStreamState,
  AirbyteTraceMessage,
  ConfiguredAirbyteCatalog,
  ConfiguredAirbyteStream,
  ConnectorSpecification,
  DestinationSyncMode,
  FailureType,
  JsonSchema,
  LogLevel,
  StateStats,
  StreamDescriptor,
  StreamStatus,
  SyncMode,
} from './airbyte-protocol.generated';
