import { ClientOptions } from '../marketo/client';
import { CallBudgetExhaustedError } from '../marketo/errors';
import { ConnectorError } from '../protocol/cli';
import { MessageWriter } from '../protocol/output';
import { AirbyteRecordMessage } from '../protocol/types';
import { ObjectBatch } from './batcher';
import { parseDestinationConfig, unimplementedSettings } from './config';
import { connectDestination } from './connect';
import { BadInputError, parseInputLine } from './input';
import { configuredStreams, Log, resolveTargets, WriteTarget } from './objects';
import { RowPreparer } from './prepare';
import { StateEcho, streamKey } from './state-echo';
import { RunSummary } from './summary';
import { RowOutcome, TargetWriter } from './writer';

/** The target, row preparer and waiting batch of one stream (records of all its namespaces). */
interface ObjectLane {
  target: WriteTarget;
  preparer: RowPreparer;
  batch: ObjectBatch;
}

/**
 * One `write` run: records are batched per Marketo object and sent when a batch is full, when a
 * STATE arrives and at the end; a STATE is echoed only after every record before it, in all
 * streams, has been written or rejected.
 */
export class WriteSession {
  private readonly lanes = new Map<string, ObjectLane>();
  private readonly positions = new Map<string, number>();
  private readonly states: StateEcho;
  readonly summary = new RunSummary();

  constructor(
    targets: Map<string, WriteTarget>,
    private readonly targetWriter: TargetWriter,
    private readonly writer: MessageWriter,
    private readonly log: Log,
  ) {
    this.states = new StateEcho(writer);
    for (const [stream, target] of targets) this.lanes.set(stream, { target, preparer: new RowPreparer(target, log), batch: new ObjectBatch() });
  }

  /** Handles one stdin line. Bad input throws BadInputError; the caller flushes and stops. */
  async line(text: string, lineNumber: number): Promise<void> {
    if (text.trim() === '') return;
    const message = parseInputLine(text, lineNumber);
    if (message.type === 'RECORD') {
      await this.record(message.record, lineNumber);
    } else if (message.type === 'STATE') {
      await this.flushAll();
      this.states.echo(message.state);
      await this.writer.drain(); // hand the state to the platform now: it is what makes the work durable
    }
  }

  private async record(record: AirbyteRecordMessage, lineNumber: number): Promise<void> {
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
    this.states.received(stream);
    this.summary.count(stream, 'records');

    if (prepared.kind === 'rejected') {
      // The newest row says what the warehouse holds: an older row with its key must not be sent either.
      const replaced = lane.batch.remove(prepared.dedupeKey);
      if (replaced) this.summary.count(replaced.stream, 'replaced');
      this.reject(stream, lineNumber, prepared.label, prepared.reason);
      return;
    }
    if (!lane.batch.fits(prepared.row)) await this.flush(lane);
    const replaced = lane.batch.add(prepared.row);
    if (replaced) this.summary.count(replaced.stream, 'replaced');
    if (lane.batch.full) await this.flush(lane);
  }

  async flushAll(): Promise<void> {
    for (const lane of this.lanes.values()) await this.flush(lane);
  }

  private async flush(lane: ObjectLane): Promise<void> {
    const rows = lane.batch.take();
    if (rows.length === 0) return;
    for (const outcome of await this.targetWriter.write(lane.target, rows)) this.settle(outcome);
  }

  private settle({ row, status, reason }: RowOutcome): void {
    if (status === 'rejected') this.reject(row.stream, row.line, row.label, reason ?? 'rejected');
    else this.summary.count(row.stream, status);
  }

  /** Only the key and the reason are logged: the row's other values may be personal data. */
  private reject(stream: string, line: number, label: string, reason: string): void {
    this.states.rejected(stream);
    this.summary.count(stream, 'rejected');
    this.log('WARN', `Stream '${stream}', input line ${line}, ${label}: rejected: ${reason}.`);
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
  for (const note of unimplementedSettings(config)) log('WARN', note);
  const endpoints = connectDestination(config, writer, clientOptions);
  const targets = await resolveTargets(streams, endpoints, config, log);
  const session = new WriteSession(targets, new TargetWriter(endpoints, log), writer, log);

  try {
    let lineNumber = 0;
    for await (const line of input) {
      lineNumber++;
      try {
        await session.line(line, lineNumber);
      } catch (err) {
        // Rows before bad input are good: write them (their states were echoed already) and stop.
        if (err instanceof BadInputError) await session.flushAll();
        throw err;
      }
    }
    await session.flushAll();
  } catch (err) {
    if (err instanceof CallBudgetExhaustedError) {
      throw new ConnectorError(
        `${err.message} Records after the last echoed state were not all written; the next sync resumes from that state.`,
        'transient_error',
      );
    }
    throw err;
  } finally {
    for (const line of session.summary.lines(endpoints.client.callsByEndpoint)) log('INFO', line);
  }

  const { records, rejected } = session.summary;
  if (records > 0 && rejected / records > config.rejectedRowThreshold) {
    throw new ConnectorError(
      `${rejected} of ${records} rows (${percent(rejected / records)}) were rejected, above rejected_row_threshold (${percent(config.rejectedRowThreshold)}). ` +
        'The other rows are written; the WARN logs give each rejected row\'s key and reason.',
      'config_error',
    );
  }
  return 0;
}

function percent(share: number): string {
  return `${Number((share * 100).toFixed(2))}%`;
}
