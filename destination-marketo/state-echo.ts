import { MessageWriter } from '../protocol/output';
import { AirbyteStateMessage, StreamDescriptor } from '../protocol/types';

interface Counts {
  records: number;
  rejected: number;
}

/** The records between two consecutive STATE messages of the input, and how many are not settled yet. */
interface Epoch {
  unsettled: number;
}

/** A record's place in the bookkeeping: the counts its rejection adds to, and the epoch it holds open until settled. */
export interface RowTicket {
  readonly counts: Counts[];
  readonly epoch: Epoch;
}

/** How streams are told apart in counts and states: the namespace matters when there is one. */
export function streamKey(descriptor: StreamDescriptor): string {
  return descriptor.namespace ? `${descriptor.namespace}.${descriptor.name}` : descriptor.name;
}

/**
 * Echoes the STATE messages read on stdin, each with `destinationStats` for the records it
 * covers, once every record read before it is settled: written, rejected, or replaced by a later
 * row with its key (which comes after the state, so a sync resumed from it sends that row again).
 * Batches are written concurrently and finish in any order; states still leave in input order.
 */
export class StateEcho {
  private readonly perStream = new Map<string, Counts>();
  private all: Counts = { records: 0, rejected: 0 };
  private epoch: Epoch = { unsettled: 0 };
  private readonly waiting: Array<{ state: AirbyteStateMessage; counts: Counts; epoch: Epoch }> = [];

  constructor(private readonly writer: MessageWriter) {}

  /** Counts a record; it holds back the states after it until `settled`. */
  received(stream: string): RowTicket {
    const counts = this.counts(stream);
    counts.records++;
    this.all.records++;
    this.epoch.unsettled++;
    return { counts: [counts, this.all], epoch: this.epoch };
  }

  /** The record's fate is known: the states it held back may go. */
  settled(ticket: RowTicket, rejected: boolean): void {
    if (rejected) for (const counts of ticket.counts) counts.rejected++;
    ticket.epoch.unsettled--;
    this.echoReady();
  }

  /**
   * A state read on stdin. A per-stream state covers that stream's records since its previous
   * state; a global or legacy state covers every record since the previous one. The rest of the
   * state is kept as read.
   */
  state(state: AirbyteStateMessage): void {
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
    this.waiting.push({ state, counts, epoch: this.epoch });
    this.epoch = { unsettled: 0 };
    this.echoReady();
  }

  /** States read but not echoed yet. */
  get pending(): number {
    return this.waiting.length;
  }

  /** Writes the states whose records (and all records before them) are settled, and hands them to the platform at once. */
  private echoReady(): void {
    let echoed = false;
    while (this.waiting.length > 0 && this.waiting[0].epoch.unsettled === 0) {
      const { state, counts } = this.waiting.shift()!;
      this.writer.write({ type: 'STATE', state: { ...state, destinationStats: { recordCount: counts.records, rejectedRecordCount: counts.rejected } } });
      echoed = true;
    }
    if (echoed) this.writer.flush(); // the state is what makes the work durable
  }

  private counts(stream: string): Counts {
    let counts = this.perStream.get(stream);
    if (!counts) this.perStream.set(stream, (counts = { records: 0, rejected: 0 }));
    return counts;
  }
}
