import { isJsonObject } from './json';
import { AirbyteStateMessage } from './types';
import { ConnectorError } from './cli';

export type StreamStates = Map<string, Record<string, unknown>>;

/**
 * Reads the state Airbyte hands to `read`: a list of per-stream STATE messages (current protocol),
 * a GLOBAL state, or the legacy form, an object keyed by stream name, possibly wrapped in `data`.
 */
export function parseInputState(input: unknown): StreamStates {
  const states: StreamStates = new Map();
  if (input === null || input === undefined) return states;
  if (Array.isArray(input)) {
    for (const item of input as unknown[]) {
      if (!isJsonObject(item)) continue;
      const message = item as AirbyteStateMessage;
      if (message.type === 'STREAM' || (!message.type && message.stream)) {
        const name = message.stream?.stream_descriptor?.name;
        if (name && isJsonObject(message.stream?.stream_state)) states.set(name, message.stream.stream_state);
      } else if (message.type === 'GLOBAL' && message.global) {
        for (const s of message.global.stream_states ?? []) {
          if (s.stream_descriptor?.name && isJsonObject(s.stream_state)) states.set(s.stream_descriptor.name, s.stream_state);
        }
      } else if (isJsonObject(message.data)) {
        mergeLegacy(states, message.data);
      }
    }
    return states;
  }
  if (isJsonObject(input)) {
    mergeLegacy(states, isJsonObject(input.data) && Object.keys(input).length === 1 ? input.data : input);
    return states;
  }
  throw new ConnectorError('The state file must hold a JSON list of STATE messages or an object keyed by stream name.', 'config_error');
}

function mergeLegacy(states: StreamStates, data: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(data)) {
    if (isJsonObject(value)) states.set(name, value);
  }
}
