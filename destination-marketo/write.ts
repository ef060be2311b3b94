import { ClientOptions } from '../marketo/client';
import { CallBudgetExhaustedError } from '../marketo/errors';
import { ConnectorError } from '../protocol/cli';
import { MessageWriter } from '../protocol/output';
import { ObjectBatch, PendingRow } from './batcher';
import { ChangeFilter, readsCurrentValues } from './changes';
import { parseDestinationConfig } from './config';
import { connectDestination } from './connect';
import { BadInputError, InputRecord, parseInputLine } from './input';
import { configuredStreams, Log, resolveTargets, WriteTarget } from './objects';
import { RowPreparer } from './prepare';
import { RowTicket, StateEcho, streamKey } from './state-echo';
import { RunSummary } from './summary';
import { RowOutcome, TargetWriter } from './writer';

/** The target, row preparer and waiting batch of one stream (records of all its namespaces). */
interface ObjectLane {
  target: WriteTarget;
  preparer: RowPreparer;
  batch: ObjectBatch;
  /** The write in flight that holds each key, so that a later row of the key waits for it. */
  keysInFlight: Map<string, Promise<void>>;
}

/** First come, first served: at most as many holders at once as it was created with. */
class Slots {
  private readonly queue: Array<() => void> = [];

  constructor(private free: number) {}

  acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.queue.push(resolve));
  }

  release(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.free++;
  }
}

/**
 * One `write` run: records are batched per Marketo object and sent when a batch is full, when a
 * STATE arrives and at the end. Up to `maxBatchesInFlight` batches are written at once while the
 * input is read on; a batch holding a key that an earlier batch in flight holds waits for it, so
 * the rows of a key reach Marketo in input order (and two upserts of a new key never race into
 * duplicates). A STATE is echoed once every record before it, in all streams, has been written or
 * rejected. After a batch fails for good nothing more is sent.
 */
export class WriteSession {
  private readonly lanes = new Map<string, ObjectLane>();
  private readonly positions = new Map<string, number>();
  private readonly states: StateEcho;
  private readonly slots: Slots;
  private readonly inFlight = new Set<Promise<void>>();
  /** Custom objects may link to leads or companies: their batches wait for the lead and company batches sent before. */
  private readonly linkTargetsInFlight = new Set<Promise<void>>();
  private failure: { error: unknown } | undefined;
  readonly summary = new RunSummary();
  /** RECORD and STATE messages read: none means the input was empty, which the user should hear about. */
  messagesRead = 0;

  constructor(
    targets: Map<string, WriteTarget>,
    private readonly targetWriter: TargetWriter,
    writer: MessageWriter,
    private readonly log: Log,
    maxBatchesInFlight = 1,
    /** row_changed_at_field, when rows are compared with Marketo's values (newest_wins reads it). */
    changedAtField?: string,
  ) {
    this.states = new StateEcho(writer);
    this.slots = new Slots(Math.max(1, maxBatchesInFlight));
    // Leads and companies first: at a STATE their batches leave before the custom objects' that may link to them.
    const ordered = [...targets].sort(([, a], [, b]) => Number(a.kind === 'customObject') - Number(b.kind === 'customObject'));
    for (const [stream, target] of ordered) {
      this.lanes.set(stream, { target, preparer: new RowPreparer(target, log, changedAtField), batch: new ObjectBatch(), keysInFlight: new Map() });
    }
  }

  /** Handles one stdin line. Bad input throws BadInputError; the caller finishes and stops. A failed batch throws its error. */
  async line(text: string, lineNumber: number): Promise<void> {
    this.throwIfFailed();
    if (text.trim() === '') return;
    const message = parseInputLine(text, lineNumber);
    if (message.type === 'RECORD' || message.type === 'STATE') this.messagesRead++;
    if (message.type === 'RECORD') {
      await this.record(message.record, lineNumber);
    } else if (message.type === 'STATE') {
      this.states.state(message.state);
      await this.sendAll();
    }
  }

  private async record(record: InputRecord, lineNumber: number): Promise<void> {
    const lane = this.lanes.get(record.stream);
    if (!lane) {
      throw new BadInputError(
        `Input line ${lineNumber} is a RECORD for stream '${record.stream}', which is not in the configured catalog (streams: ${[...this.lanes.keys()].map((s) => `'${s}'`).join(', ')}).`,
        'system_error',
      );
    }
    const stream = streamKey({ name: record.stream, namespace: record.namespace });
    const position = (this.positions.get(stream) ?? 0) + 1;
    this.positions.set(stream, position);
    const prepared = lane.preparer.prepare(record.data, { stream: record.stream, streamKey: stream, line: lineNumber, position });
    const ticket = this.states.received(stream);
    this.summary.count(stream, 'records');

    if (prepared.kind === 'rejected') {
      // The newest row says what the warehouse holds: an older row with its key must not be sent either.
      const replaced = prepared.dedupeKey === undefined ? undefined : lane.batch.remove(prepared.dedupeKey);
      if (replaced) this.replaced(replaced);
      this.reject(ticket, stream, lineNumber, prepared.label, prepared.reason);
      return;
    }
    const row: PendingRow = { ...prepared.row, ticket };
    if (!lane.batch.fits(row)) await this.send(lane);
    const replaced = lane.batch.add(row);
    if (replaced) this.replaced(replaced);
    if (lane.batch.full) await this.send(lane);
  }

  /** Sends every waiting row, waits for every write, and throws if one failed. */
  async finish(): Promise<void> {
    if (!this.failure) await this.sendAll();
    await this.settle();
    this.throwIfFailed();
  }

  /** Waits for the writes in flight, whatever their outcome: nothing is left half-sent when the run stops. */
  async settle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private async sendAll(): Promise<void> {
    const admitted: Promise<void>[] = [];
    for (const lane of this.lanes.values()) admitted.push(this.send(lane));
    await Promise.all(admitted);
  }

  /**
   * Starts writing the lane's waiting rows; resolves once the batch has a slot, so that reading
   * the input slows down to what Marketo takes.
   */
  private send(lane: ObjectLane): Promise<void> {
    const rows = lane.batch.take();
    if (rows.length === 0) return Promise.resolve();
    const before = new Set<Promise<void>>();
    for (const row of rows) {
      const holder = lane.keysInFlight.get(row.orderKey);
      if (holder) before.add(holder);
    }
    if (lane.target.kind === 'customObject') for (const write of this.linkTargetsInFlight) before.add(write);

    let admit!: () => void;
    const admitted = new Promise<void>((resolve) => (admit = resolve));
    const write = (async () => {
      await this.slots.acquire();
      admit();
      try {
        await Promise.all(before);
        this.throwIfFailed();
        for (const outcome of await this.targetWriter.write(lane.target, rows)) this.settleRow(outcome);
      } finally {
        this.slots.release();
      }
    })();

    this.inFlight.add(write);
    if (lane.target.kind !== 'customObject') this.linkTargetsInFlight.add(write);
    for (const row of rows) lane.keysInFlight.set(row.orderKey, write);
    void write
      .catch((error: unknown) => {
        this.failure ??= { error };
      })
      .finally(() => {
        this.inFlight.delete(write);
        this.linkTargetsInFlight.delete(write);
        for (const row of rows) if (lane.keysInFlight.get(row.orderKey) === write) lane.keysInFlight.delete(row.orderKey);
      });
    return admitted;
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }

  private settleRow(outcome: RowOutcome): void {
    const { row, status, reason } = outcome;
    if (outcome.kept) this.summary.count(row.stream, 'kept', outcome.kept);
    if (status === 'rejected') {
      this.reject(row.ticket, row.stream, row.line, row.label, reason ?? 'rejected');
    } else {
      this.summary.count(row.stream, status);
      this.states.settled(row.ticket, false);
    }
  }

  /** A row replaced in its batch by a later row with its key: the later row carries the key's outcome. */
  private replaced(row: PendingRow): void {
    this.summary.count(row.stream, 'replaced');
    this.states.settled(row.ticket, false);
  }

  /** Only the key and the reason are logged: the row's other values may be personal data. */
  private reject(ticket: RowTicket, stream: string, line: number, label: string, reason: string): void {
    this.summary.count(stream, 'rejected');
    this.log('WARN', `Stream '${stream}', input line ${line}, ${label}: rejected: ${reason}.`);
    this.states.settled(ticket, true);
  }
}

/**
 * `write`: reads AirbyteMessages from `input` and writes their records to Marketo. Returns the
 * exit code; throws a ConnectorError (one TRACE) for bad input, a batch that cannot be written,
 * or more rejected rows than `rejected_row_threshold` allows.
 */
export async function write(
  rawConfig: unknown,
  rawCatalog: unknown,
  input: AsyncIterable<string>,
  writer: MessageWriter,
  clientOptions: ClientOptions = {},
): Promise<number> {
  const config = parseDestinationConfig(rawConfig);
  const streams = configuredStreams(rawCatalog);
  const log: Log = (level, message) => writer.log(level, message);
  const endpoints = connectDestination(config, writer, clientOptions);
  const targets = await resolveTargets(streams, endpoints, config, log);
  const compare = readsCurrentValues(config);
  const changes = new ChangeFilter(endpoints, config, log);
  const session = new WriteSession(
    targets,
    new TargetWriter(endpoints, log, changes, config.leadPartitionName),
    writer,
    log,
    config.connection.maxConcurrentCalls,
    compare ? config.rowChangedAtField : undefined,
  );
  if (compare) for (const stream of streams) session.summary.comparing(streamKey(stream));

  try {
    let lineNumber = 0;
    for await (const line of input) {
      lineNumber++;
      try {
        await session.line(line, lineNumber);
      } catch (err) {
        // Rows before bad input are good: write them, echo the states before it, and stop.
        if (err instanceof BadInputError) await session.finish();
        throw err;
      }
    }
    await session.finish();
  } catch (err) {
    await session.settle();
    if (err instanceof CallBudgetExhaustedError) {
      throw new ConnectorError(
        `${err.message} Records after the last echoed state were not all written; the next sync resumes from that state.`,
        'transient_error',
      );
    }
    throw err;
  } finally {
    for (const line of session.summary.lines(endpoints.client.callsByEndpoint, config.conflictPolicy)) log('INFO', line);
  }
  if (session.messagesRead === 0) {
    log(
      'WARN',
      "Nothing came on standard input: no record and no state, so nothing was written. The platform (or you, running it by hand) pipes the source's messages into write.",
    );
  }

  const { records, rejected } = session.summary;
  if (records > 0 && rejected / records > config.rejectedRowThreshold) {
    throw new ConnectorError(
      `${rejected} of ${records} rows (${percent(rejected / records)}) were rejected, above rejected_row_threshold (${percent(config.rejectedRowThreshold)}). ` +
        "The other rows are written; the WARN logs give each rejected row's key and reason.",
      'config_error',
    );
  }
  return 0;
}

function percent(share: number): string {
  return `${Number((share * 100).toFixed(2))}%`;
}
