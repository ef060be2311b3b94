import { ValidateFunction } from 'ajv';
import { formatAjvErrors } from '../ajv-setup';
import { isObject } from '../json-walk';
import { descriptorKey } from '../state-file';
import { Failures } from './failures';
import { compileRecordValidator } from './record-validator';
import { expectedSchemaStructure, objectStructure } from './schema-structure';
import { textOf } from '../../../protocol/text';

/** CAT TestBasicRead checks on the messages of one `read`: B2, B4, B7, B8. */

export interface ConfiguredStreamLike {
  stream: {
    name: string;
    namespace?: string | null;
    json_schema: unknown;
    source_defined_primary_key?: string[][] | null;
    [key: string]: unknown;
  };
  primary_key?: string[][] | null;
  [key: string]: unknown;
}

export interface ConfiguredCatalogLike {
  streams: ConfiguredStreamLike[];
}

export interface RecordCheckOptions {
  /** B2 (CAT `validate_schema`, default true). */
  validateSchema?: boolean;
  /** B2c (CAT `fail_on_extra_columns`, default true): top-level keys not in `properties` fail.
   * CAT-now reads but does not apply this flag; the harness applies its documented default. */
  failOnExtraColumns?: boolean;
  /** B4 (default true). */
  validatePrimaryKeys?: boolean;
  /** B7 (default true; CAT turns it on for certified connectors). */
  validateStreamStatuses?: boolean;
  /** B7: accept INCOMPLETE as a stream's last status (e.g. a sync stopped by the call budget). */
  allowIncomplete?: boolean;
  /** B8 (CAT `validate_state_messages`, default true). */
  validateStateMessages?: boolean;
}

/** CAT's B7 key: an absent namespace is Python's `None` on both sides. */
function statusKey(name: unknown, namespace: unknown): string {
  return `${namespace == null ? 'None' : textOf(namespace)}-${textOf(name)}`;
}

export function checkRecords(messages: readonly unknown[], configuredCatalog: ConfiguredCatalogLike, opts: RecordCheckOptions = {}): string[] {
  const failures = new Failures();
  const streams = configuredCatalog.streams;
  const msgs = messages.filter(isObject);
  if (opts.validateSchema !== false) checkSchemas(msgs, streams, opts.failOnExtraColumns !== false, failures);
  if (opts.validatePrimaryKeys !== false) checkPrimaryKeyValues(msgs, streams, failures);
  if (opts.validateStreamStatuses !== false) checkStreamStatuses(msgs, streams, opts.allowIncomplete === true, failures);
  if (opts.validateStateMessages !== false) checkStateMessages(msgs, streams, failures);
  return failures.result();
}

function recordsOf(msgs: Record<string, unknown>[]): Record<string, unknown>[] {
  return msgs.filter((m) => m.type === 'RECORD' && isObject(m.record)).map((m) => m.record as Record<string, unknown>);
}

function streamOfRecord(streams: ConfiguredStreamLike[], record: Record<string, unknown>): ConfiguredStreamLike | undefined {
  const key = descriptorKey({ name: record.stream, namespace: record.namespace });
  return streams.find((s) => descriptorKey(s.stream) === key);
}

/**
 * B2: structure overlap (a), draft-07 validation (b), no extra top-level columns (c).
 * Stricter than CAT: a record of a stream that is not in the catalog fails (CAT only logs it),
 * because the platform has nowhere to put it.
 */
function checkSchemas(msgs: Record<string, unknown>[], streams: ConfiguredStreamLike[], failOnExtraColumns: boolean, failures: Failures): void {
  const validators = new Map<ConfiguredStreamLike, ValidateFunction | null>();
  const structures = new Map<ConfiguredStreamLike, Set<string>>();
  const counters = new Map<ConfiguredStreamLike, number>();
  for (const record of recordsOf(msgs)) {
    const stream = streamOfRecord(streams, record);
    if (!stream) {
      failures.add(`B2: record of stream "${String(record.stream)}", which is not in the configured catalog`, `B2: stream "${String(record.stream)}"`);
      continue;
    }
    const name = stream.stream.name;
    const n = (counters.get(stream) ?? 0) + 1;
    counters.set(stream, n);
    const group = `B2: stream "${name}"`;
    if (!isObject(record.data)) {
      failures.add(`${group} record #${n}: data is not an object`, group);
      continue;
    }
    if (!validators.has(stream)) {
      try {
        validators.set(stream, compileRecordValidator(stream.stream.json_schema, { failOnExtraColumns }));
      } catch (err) {
        failures.add(`${group}: json_schema does not compile: ${(err as Error).message}`);
        validators.set(stream, null);
      }
      structures.set(stream, new Set(expectedSchemaStructure(stream.stream.json_schema)));
    }
    const structure = structures.get(stream)!;
    if (structure.size > 0 && !objectStructure(record.data).some((p) => structure.has(p))) {
      failures.add(`${group} record #${n}: none of its fields is in the stream's json_schema`, group);
    }
    const validate = validators.get(stream);
    if (validate && !validate(record.data)) {
      failures.add(`${group} record #${n}: ${formatAjvErrors(validate.errors).join('; ')}`, group);
    }
  }
}

/** Walks dicts like CAT's PK lookup: anything missing on the way is null. */
function valueAtPath(data: unknown, path: readonly string[]): unknown {
  let v: unknown = data;
  for (const key of path) v = isObject(v) ? v[key] : undefined;
  return v ?? null;
}

/**
 * B4: every primary-key part is scalar and at least one is non-null. The key is the stream's
 * source_defined_primary_key, else (harness addition) the configured primary_key.
 */
function checkPrimaryKeyValues(msgs: Record<string, unknown>[], streams: ConfiguredStreamLike[], failures: Failures): void {
  const counters = new Map<ConfiguredStreamLike, number>();
  for (const record of recordsOf(msgs)) {
    const stream = streamOfRecord(streams, record);
    const pk = stream?.stream.source_defined_primary_key ?? stream?.primary_key;
    if (!stream || !Array.isArray(pk) || pk.length === 0) continue;
    const n = (counters.get(stream) ?? 0) + 1;
    counters.set(stream, n);
    const group = `B4: stream "${stream.stream.name}"`;
    const values = pk.map((part) => valueAtPath(record.data, part));
    values.forEach((v, i) => {
      if (typeof v === 'object' && v !== null) {
        failures.add(`${group} record #${n}: primary key ${JSON.stringify(pk[i])} is an ${Array.isArray(v) ? 'array' : 'object'}`, group);
      }
    });
    if (values.every((v) => v === null)) failures.add(`${group} record #${n}: primary key ${JSON.stringify(pk)} is null`, group);
  }
}

/** B7: per configured stream STARTED, RUNNING…, COMPLETE, and no status for other streams. */
function checkStreamStatuses(msgs: Record<string, unknown>[], streams: ConfiguredStreamLike[], allowIncomplete: boolean, failures: Failures): void {
  const byStream = new Map<string, string[]>();
  for (const m of msgs) {
    const trace = m.type === 'TRACE' && isObject(m.trace) ? m.trace : undefined;
    const status = trace?.type === 'STREAM_STATUS' && isObject(trace.stream_status) ? trace.stream_status : undefined;
    if (!status) continue;
    const d = isObject(status.stream_descriptor) ? status.stream_descriptor : {};
    const key = statusKey(d.name, d.namespace);
    byStream.set(key, [...(byStream.get(key) ?? []), String(status.status)]);
  }
  const configured = new Set(streams.map((s) => statusKey(s.stream.name, s.stream.namespace)));
  for (const key of byStream.keys()) {
    if (!configured.has(key)) failures.add(`B7: stream statuses for "${key}", which is not a configured stream`);
  }
  const finals = allowIncomplete ? ['COMPLETE', 'INCOMPLETE'] : ['COMPLETE'];
  for (const key of configured) {
    const seq = byStream.get(key) ?? [];
    const ok = seq.length >= 3 && seq[0] === 'STARTED' && finals.includes(seq[seq.length - 1]) && seq.slice(1, -1).every((s) => s === 'RUNNING');
    if (!ok) {
      failures.add(`B7: stream "${key}" statuses must be STARTED, RUNNING (at least one), …, ${finals.join(' or ')}; got [${seq.join(', ')}]`);
    }
  }
}

/** B8: STREAM states only, each with a descriptor name and sourceStats; at least one per stream in total. */
function checkStateMessages(msgs: Record<string, unknown>[], streams: ConfiguredStreamLike[], failures: Failures): void {
  const states = msgs.filter((m) => m.type === 'STATE').map((m) => m.state);
  states.forEach((state, i) => {
    const where = `B8: STATE #${i + 1}`;
    if (!isObject(state)) {
      failures.add(`${where} has no state`, 'B8');
      return;
    }
    if (state.type !== 'STREAM') {
      failures.add(`${where} has type ${JSON.stringify(state.type)}; only STREAM state is accepted`, 'B8 type');
    }
    const descriptor = isObject(state.stream) ? state.stream.stream_descriptor : undefined;
    if (!isObject(descriptor) || typeof descriptor.name !== 'string' || descriptor.name === '') {
      failures.add(`${where} has no stream.stream_descriptor.name`, 'B8 descriptor');
    }
    if (!isObject(state.sourceStats)) failures.add(`${where} has no sourceStats object`, 'B8 sourceStats');
  });
  if (states.length < streams.length) {
    failures.add(`B8: ${states.length} STATE messages for ${streams.length} configured streams; every stream must checkpoint at least once`);
  }
}
