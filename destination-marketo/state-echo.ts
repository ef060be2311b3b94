import { MessageWriter } from '../protocol/output';
import { AirbyteStateMessage, StreamDescriptor } from '../protocol/types';

interface Counts {
  records: number;
  rejected: number;
}

/** How streams are told apart in counts and states: the namespace matters when there is one. */
export function streamKey(descriptor: StreamDescriptor): string {
  return descriptor.namespace ? `${descriptor.namespace}.${descriptor.name}` : descriptor.name;
}

/**
 * Echoes the STATE messages read on stdin, each with `destinationStats` for the records it
 * covers. The caller echoes a state only once every record before it has been written or
 * rejected; the platform then compares these counts with the source's.
 */
export class StateEcho {
  private readonly perStream = new Map<string, Counts>();
  private all: Counts = { records: 0, rejected: 0 };

  constructor(private readonly writer: MessageWriter) {}

  received(stream: string): void {
    this.counts(stream).records++;
    this.all.records++;
  }

  rejected(stream: string): void {
    this.counts(stream).rejected++;
    this.all.rejected++;
  }

  /**
   * A per-stream state covers that stream's records since its previous state; a global or
   * legacy state covers every record since the previous one. The rest of the state is kept as read.
   */
  echo(state: AirbyteStateMessage): void {
    let counts: Counts;
    if (state.type === 'STREAM' || (!state.type && state.stream)) {
      const key = state.stream?.stream_descriptor ? streamKey(state.stream.stream_descriptor) : '';
      counts = this.perStream.get(key) ?? { records: 0, rejected: 0 };
      this.perStream.delete(key);
    } else {
      counts = this.all;
      this.all = { records: 0, rejected: 0 };
      this.perStream.clear();
    }
    this.writer.write({ type: 'STATE', state: { ...state, destinationStats: { recordCount: counts.records, rejectedRecordCount: counts.rejected } } });
  }

  private counts(stream: string): Counts {
    let counts = this.perStream.get(stream);
    if (!counts) this.perStream.set(stream, (counts = { records: 0, rejected: 0 }));
    return counts;
  }
}
