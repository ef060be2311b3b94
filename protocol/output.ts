import {
  AirbyteConnectionStatus,
  AirbyteErrorTraceMessage,
  AirbyteMessage,
  AirbyteRecordMessage,
  AirbyteStateBlob,
  FailureType,
  LogLevel,
  StateStats,
  StreamDescriptor,
  StreamStatus,
} from './types';
import { Redactor } from './redact';

/** How both connectors' modules write a LOG message (MessageWriter.log, or a test's collector). */
export type Log = (level: LogLevel, message: string) => void;

/**
 * The only way our connectors write to stdout: one AirbyteMessage per line.
 * Writes are buffered and flushed in chunks, because a sync emits millions of small lines and a
 * syscall per line would cost more than the rest of the connector; `drain()` waits for the pipe.
 */
export class MessageWriter {
  private buffer: string[] = [];
  private bufferedBytes = 0;
  private static readonly FLUSH_BYTES = 64 * 1024;

  constructor(
    private readonly out: NodeJS.WritableStream = process.stdout,
    readonly redactor: Redactor = new Redactor(),
  ) {}

  write(message: AirbyteMessage): void {
    const line = JSON.stringify(message) + '\n';
    this.buffer.push(line);
    this.bufferedBytes += line.length;
    if (this.bufferedBytes >= MessageWriter.FLUSH_BYTES) this.flush();
  }

  /** Writes what is buffered; resolves once the pipe has room again (backpressure). */
  async drain(): Promise<void> {
    const ok = this.flush();
    if (!ok) await new Promise<void>((resolve) => this.out.once('drain', () => resolve()));
  }

  flush(): boolean {
    if (this.buffer.length === 0) return true;
    const chunk = this.buffer.join('');
    this.buffer = [];
    this.bufferedBytes = 0;
    return this.out.write(chunk);
  }

  /** Resolves once everything written so far has been handed to the OS. */
  async end(): Promise<void> {
    this.flush();
    await new Promise<void>((resolve) => this.out.write('', () => resolve()));
  }

  record(stream: string, data: Record<string, unknown>, namespace?: string): void {
    const record: AirbyteRecordMessage = {
      stream,
      data,
      emitted_at: Date.now(),
    };
    if (namespace) record.namespace = namespace;
    this.write({ type: 'RECORD', record });
  }

  /** `streamState` is any JSON object: each stream names its own state type (SourceStream's type parameter). */
  streamState(descriptor: StreamDescriptor, streamState: object, stats: { sourceStats?: StateStats; destinationStats?: StateStats }): void {
    const blob = streamState as AirbyteStateBlob;
    this.write({ type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: descriptor, stream_state: blob }, ...stats } });
  }

  log(level: LogLevel, message: string): void {
    this.write({ type: 'LOG', log: { level, message: this.redactor.redact(message) } });
  }

  streamStatus(descriptor: StreamDescriptor, status: StreamStatus): void {
    this.write({ type: 'TRACE', trace: { type: 'STREAM_STATUS', emitted_at: Date.now(), stream_status: { stream_descriptor: descriptor, status } } });
  }

  estimate(stream: string, rowEstimate: number): void {
    this.write({
      type: 'TRACE',
      trace: { type: 'ESTIMATE', emitted_at: Date.now(), estimate: { name: stream, type: 'STREAM', row_estimate: Math.round(rowEstimate) } },
    });
  }

  error(message: string, failureType: FailureType, opts: { internal?: string; stream?: StreamDescriptor } = {}): void {
    const error: AirbyteErrorTraceMessage = {
      message: this.redactor.redact(message),
      failure_type: failureType,
    };
    if (opts.internal) error.internal_message = this.redactor.redact(opts.internal);
    if (opts.stream) error.stream_descriptor = opts.stream;
    this.write({ type: 'TRACE', trace: { type: 'ERROR', emitted_at: Date.now(), error } });
  }

  connectionStatus(succeeded: boolean, message?: string): void {
    const connectionStatus: AirbyteConnectionStatus = { status: succeeded ? 'SUCCEEDED' : 'FAILED' };
    if (message) connectionStatus.message = this.redactor.redact(message);
    this.write({ type: 'CONNECTION_STATUS', connectionStatus });
  }
}
