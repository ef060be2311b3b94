/**
 * Builds the `--state` input the way the Airbyte platform persists per-stream state: the latest
 * `stream_state` of each stream descriptor, as a list of STREAM state messages.
 */

export interface StreamDescriptor {
  name: string;
  namespace?: string;
}

export interface StreamStateEntry {
  type: 'STREAM';
  stream: { stream_descriptor: StreamDescriptor; stream_state: unknown };
}

/** Same key for a descriptor with and without an explicit `namespace: null`. */
export function descriptorKey(d: { name?: unknown; namespace?: unknown }): string {
  return JSON.stringify([d.namespace ?? null, d.name]);
}

/**
 * `states` may be whole STATE AirbyteMessages or their `state` payloads (what
 * `RunResult.states()` returns). Stream order is the order streams first checkpointed, which
 * keeps the file stable between runs. Non-STREAM states throw: these connectors must not emit
 * them (B8), and silently dropping one would hide that.
 */
export function stateFileFromMessages(states: readonly unknown[]): StreamStateEntry[] {
  const latest = new Map<string, StreamStateEntry>();
  states.forEach((item, i) => {
    const state = unwrapState(item);
    if (state?.type !== 'STREAM' || !isDescriptor(state.stream?.stream_descriptor)) {
      throw new Error(`state #${i + 1} is not a STREAM state with a stream_descriptor: ${JSON.stringify(item)}`);
    }
    const { name, namespace } = state.stream.stream_descriptor;
    const descriptor: StreamDescriptor = namespace == null ? { name } : { name, namespace };
    const key = descriptorKey(descriptor);
    // Map.set on a known key replaces the value but keeps the stream's first-seen position.
    latest.set(key, { type: 'STREAM', stream: { stream_descriptor: descriptor, stream_state: state.stream.stream_state } });
  });
  return [...latest.values()];
}

interface StateLike {
  type?: unknown;
  stream?: { stream_descriptor?: unknown; stream_state?: unknown };
}

function unwrapState(item: unknown): StateLike | undefined {
  if (typeof item !== 'object' || item === null) return undefined;
  const obj = item as Record<string, unknown>;
  return (obj.type === 'STATE' && typeof obj.state === 'object' ? obj.state : obj) as StateLike;
}

function isDescriptor(d: unknown): d is { name: string; namespace?: string | null } {
  return typeof d === 'object' && d !== null && typeof (d as { name?: unknown }).name === 'string';
}
