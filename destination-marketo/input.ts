import { isJsonObject } from '../protocol/json';
import { ConnectorError } from '../protocol/cli';
import { AirbyteRecordMessage, AirbyteStateMessage } from '../protocol/types';

/**
 * Input the destination cannot use: rows read before it are still written (and the states
 * before it echoed), then the run stops with this error.
 */
export class BadInputError extends ConnectorError {}

/** What `write` reads of a RECORD: where it goes and its row (`emitted_at` is not used, so not required). */
export type InputRecord = Pick<AirbyteRecordMessage, 'stream' | 'namespace' | 'data'>;

/** What `write` acts on; other message types on stdin (LOG, TRACE…) are ignored. */
export type InputMessage = { type: 'RECORD'; record: InputRecord } | { type: 'STATE'; state: AirbyteStateMessage } | { type: 'OTHER' };

/**
 * One stdin line as an Airbyte message. Messages never quote the line itself: it may hold
 * personal data, and JSON.parse's message repeats part of it.
 */
export function parseInputLine(line: string, lineNumber: number): InputMessage {
  let message: unknown;
  try {
    message = JSON.parse(line);
  } catch {
    throw new BadInputError(`Input line ${lineNumber} is not JSON. Every line on stdin must be one Airbyte message.`, 'system_error');
  }
  if (!isJsonObject(message) || typeof message.type !== 'string') {
    throw new BadInputError(`Input line ${lineNumber} is not an Airbyte message: it has no "type".`, 'system_error');
  }
  if (message.type === 'RECORD') {
    const record = isJsonObject(message.record) ? message.record : {};
    const { stream, namespace, data } = record;
    if (typeof stream !== 'string' || !isJsonObject(data)) {
      throw new BadInputError(`Input line ${lineNumber} is a RECORD without a stream name or without a data object.`, 'system_error');
    }
    // A namespace that is not a string (null, as some platforms send) means none, as streamKey reads it.
    return { type: 'RECORD', record: typeof namespace === 'string' ? { stream, namespace, data } : { stream, data } };
  }
  if (message.type === 'STATE') {
    if (!isJsonObject(message.state)) throw new BadInputError(`Input line ${lineNumber} is a STATE without a state object.`, 'system_error');
    return { type: 'STATE', state: message.state };
  }
  return { type: 'OTHER' };
}

/**
 * The lines of a stream, read as the consumer asks for them: async iteration of a Readable
 * pauses it, so a slow Marketo slows the source instead of filling memory.
 */
export async function* readLines(input: AsyncIterable<string | Buffer>): AsyncGenerator<string> {
  let partial = '';
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of input) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    const lines = (partial + text).split('\n');
    partial = lines.pop()!;
    for (const line of lines) yield line.endsWith('\r') ? line.slice(0, -1) : line;
  }
  partial += decoder.decode();
  if (partial !== '') yield partial;
}
