import { BulkExportEndpoints } from '../marketo/bulk-export';
import { BulkExportQuotaExhaustedError, CallBudgetExhaustedError, failureTypeOf, stopsTheSync } from '../marketo/errors';
import { ConnectorError } from '../protocol/cli';
import { MessageWriter } from '../protocol/output';
import { parseInputState } from '../protocol/state';
import { ConfiguredAirbyteCatalog, ConfiguredAirbyteStream, FailureType, StreamDescriptor, SyncMode } from '../protocol/types';
import { callReport } from './call-report';
import { parseSourceConfig } from './config';
import { connect } from './connect';
import { ExportMeter } from './extraction-planner';
import { BulkAllowanceSpentError } from './streams/bulk-backfill';
import { ProgressReporter } from './progress';
import { allStreams, withSubscriptionStreams } from './streams';
import { ActivityTypeStream, VanishedActivityTypeStream } from './streams/activity-type-stream';
import { ActivityFamilyMember, FamilyMemberRead, isFamilyMember, readFamily, TaggedEvent } from './streams/activity-family';
import { ReadContext, SourceStream, StreamContext } from './streams/stream';

interface Planned {
  configured: ConfiguredAirbyteStream;
  stream: SourceStream;
  descriptor: StreamDescriptor;
  /** The mode the stream is read in: the configured one, or full refresh for a stream that has no other. */
  syncMode: SyncMode;
}

const SYNC_MODES: readonly SyncMode[] = ['full_refresh', 'incremental'];

/**
 * Matches the configured catalog to our streams; an unknown stream or sync mode is the user's to fix.
 * A full-refresh-only stream configured as `incremental` (PyAirbyte configures every stream so) is
 * read in full with a WARN, as connectors built on Airbyte's CDK do.
 */
function plan(catalog: unknown, offered: SourceStream[], writer: MessageWriter): Planned[] {
  const streams = (catalog as ConfiguredAirbyteCatalog)?.streams;
  if (!Array.isArray(streams)) throw new ConnectorError('The configured catalog has no "streams" list.', 'config_error');
  const known = new Map(offered.map((s) => [s.name, s]));
  const planned = streams.map((configured) => {
    const name = configured?.stream?.name;
    let stream = known.get(name);
    // A per-type activity stream whose type is gone: a WARN when it is read, not a failed sync.
    if (!stream && VanishedActivityTypeStream.matches(name)) stream = new VanishedActivityTypeStream(name);
    if (!stream) {
      throw new ConnectorError(
        `The catalog asks for stream '${name}', which this source does not have. Streams: ${[...known.keys()].join(', ')}.`,
        'config_error',
      );
    }
    let syncMode = configured.sync_mode;
    if (syncMode === 'incremental' && !stream.syncModes.includes(syncMode) && stream.syncModes.includes('full_refresh')) {
      writer.log('WARN', `Stream '${name}' supports only full_refresh; it is configured as incremental, so it is read in full.`);
      syncMode = 'full_refresh';
    }
    if (!SYNC_MODES.includes(syncMode) || !stream.syncModes.includes(syncMode)) {
      throw new ConnectorError(
        `Stream '${name}' does not support sync mode '${configured.sync_mode}' (supported: ${stream.syncModes.join(', ')}).`,
        'config_error',
      );
    }
    const descriptor: StreamDescriptor = { name };
    if (configured.stream.namespace) descriptor.namespace = configured.stream.namespace;
    return { configured, stream, descriptor, syncMode };
  });
  // In the order discover lists them: the walks over many activity types come before the narrower
  // ones of lead_changes and leads, which can then be served from their pages (SharedWalkPages).
  const order = [...known.keys()];
  return planned.sort((a, b) => order.indexOf(a.stream.name) - order.indexOf(b.stream.name));
}

/** Our streams; those named after the subscription's activity types and objects only when the catalog asks for one. */
async function offeredStreams(catalog: unknown, ctx: StreamContext): Promise<SourceStream[]> {
  const fixed = allStreams();
  const streams = (catalog as ConfiguredAirbyteCatalog)?.streams;
  const names = Array.isArray(streams) ? streams.map((s) => s?.stream?.name) : [];
  const others = names.filter((n) => !fixed.some((s) => s.name === n));
  if (others.length === 0) return fixed;
  const activityTypes = others.some((n) => VanishedActivityTypeStream.matches(n));
  return withSubscriptionStreams(ctx, fixed, { activityTypes, customObjects: others.some((n) => !VanishedActivityTypeStream.matches(n)) });
}

/**
 * Activity types the catalog has no per-type stream for, said once when it has some: a type
 * created since the last discover is among them, and gets its stream when the schema is refreshed.
 */
function noteTypesWithoutStream(offered: SourceStream[], planned: Planned[], writer: MessageWriter): void {
  if (!planned.some((p) => p.stream instanceof ActivityTypeStream)) return;
  const selected = new Set(planned.map((p) => p.stream.name));
  // Highest ids first: a type created since the last discover has one of the highest ids.
  const left = offered.filter((s): s is ActivityTypeStream => s instanceof ActivityTypeStream && !selected.has(s.name)).sort((a, b) => b.type.id - a.type.id);
  if (left.length === 0) return;
  const shown = left.slice(0, MAX_TYPES_NAMED).map((s) => `${s.name} ('${s.type.name}')`);
  writer.log(
    'INFO',
    `${left.length} activity type(s) have no stream in this catalog: ${shown.join(', ')}${left.length > shown.length ? ` and ${left.length - shown.length} more` : ''}. A type created in Marketo since the schema was discovered is among them until the source schema is refreshed in Airbyte.`,
  );
}

/** Types named in that LOG; the rest are counted. */
const MAX_TYPES_NAMED = 10;

/**
 * What is read in one go: a stream on its own, or `activities` and the per-type activity streams
 * together, over shared walks (streams/activity-family.ts), at the place of the first of them.
 */
interface ReadUnit {
  items: Planned[];
  read(ctx: ReadContext, states: Map<string, Record<string, unknown>>): AsyncGenerator<TaggedEvent>;
}

function readUnits(planned: Planned[]): ReadUnit[] {
  const family = planned.filter((p) => isFamilyMember(p.stream));
  const shared = family.some((p) => p.stream instanceof ActivityTypeStream);
  const units: ReadUnit[] = [];
  for (const item of planned) {
    if (shared && family.includes(item)) {
      if (item === family[0])
        units.push({
          items: family,
          read: (ctx, states) =>
            readFamily(
              ctx,
              family.map((p) => familyMemberRead(p, states)),
            ),
        });
      continue;
    }
    units.push({
      items: [item],
      read: async function* (ctx, states) {
        const own = { ...ctx, syncMode: item.syncMode, selectedFields: selectedFields(item) };
        for await (const event of item.stream.read(own, states.get(item.stream.name))) yield { ...event, stream: item.stream.name };
      },
    });
  }
  return units;
}

function familyMemberRead(planned: Planned, states: Map<string, Record<string, unknown>>): FamilyMemberRead {
  return {
    stream: planned.stream as ActivityFamilyMember,
    syncMode: planned.syncMode,
    state: states.get(planned.stream.name),
    selectedFields: selectedFields(planned),
  };
}

/** The columns the user selected, when they are fewer than the stream offers; keys and cursor always stay. */

function selectedFields(planned: Planned): string[] | undefined {
  const properties = (planned.configured.stream.json_schema as { properties?: Record<string, unknown> })?.properties;
  if (!properties) return undefined;
  const fields = new Set(Object.keys(properties));
  for (const key of planned.stream.primaryKey) fields.add(key[0]);
  if (planned.stream.cursorField) fields.add(planned.stream.cursorField[0]);
  return [...fields];
}

function project(record: Record<string, unknown>, fields: string[] | undefined): Record<string, unknown> {
  if (!fields) return record;
  const out: Record<string, unknown> = {};
  for (const field of fields) if (field in record) out[field] = record[field];
  return out;
}

function failureOf(err: unknown): FailureType {
  if (err instanceof ConnectorError) return err.failureType;
  return failureTypeOf(err) ?? 'system_error';
}

/**
 * `read`: each configured stream in turn, with STARTED → RUNNING → COMPLETE/INCOMPLETE statuses, a
 * STATE after every checkpoint with the count of records since the previous one, and a clean stop
 * (state saved) when the daily quota or the call budget runs out. Returns the exit code.
 */
export async function read(rawConfig: unknown, rawCatalog: unknown, rawState: unknown, writer: MessageWriter): Promise<number> {
  const config = parseSourceConfig(rawConfig);
  writer.redactor.add(config.connection.clientId, config.connection.clientSecret);
  const ctx = connect(config, writer);
  // Credentials and the host are checked once, before any stream starts: a wrong secret is a
  // connection failure of the whole read, not an error of whichever stream came first. A token
  // costs no API call (Marketo does not count the identity endpoint).
  await ctx.client.tokens.get();
  const offered = await offeredStreams(rawCatalog, ctx);
  const planned = plan(rawCatalog, offered, writer);
  noteTypesWithoutStream(offered, planned, writer);
  const states = parseInputState(rawState);
  if (planned.length > 1) ctx.endpoints.sharePages();
  const syncStreams = new Set(planned.map((p) => p.stream.name));
  const alignedLookbackSeconds = Math.max(0, ...planned.map((p) => p.stream.lookbackSeconds?.(config) ?? 0));
  const progress = new ProgressReporter(writer, ctx.client);
  const bulk = { bulk: new BulkExportEndpoints(ctx.client), exportMeter: new ExportMeter(config.bulkExportMbPerDay), callsLeft: () => ctx.client.budgetLeft };
  let failed = false;
  let stopReason: unknown;

  for (const unit of readUnits(planned)) {
    const names = unit.items.map((i) => i.stream.name).join(', ');
    for (const { descriptor } of unit.items) writer.streamStatus(descriptor, 'STARTED');
    if (stopReason) {
      for (const { descriptor } of unit.items) writer.streamStatus(descriptor, 'INCOMPLETE');
      continue;
    }
    for (const { descriptor } of unit.items) writer.streamStatus(descriptor, 'RUNNING');
    const readCtx: ReadContext = { ...ctx, ...bulk, syncMode: 'incremental', alignedLookbackSeconds, syncStreams };
    const streamStart = Date.now();
    const byName = new Map(unit.items.map((item) => [item.stream.name, { item, fields: selectedFields(item), sinceState: 0, emitted: 0 }]));
    const emitted = () => [...byName.values()].reduce((n, s) => n + s.emitted, 0);
    try {
      for await (const event of unit.read(readCtx, states)) {
        const out = byName.get(event.stream)!;
        const { descriptor } = out.item;
        if ('records' in event) {
          for (const record of event.records) writer.record(event.stream, project(record, out.fields), descriptor.namespace);
          out.sinceState += event.records.length;
          out.emitted += event.records.length;
          progress.add(event.stream, event.records.length);
          await writer.drain();
        } else if ('estimate' in event) {
          writer.estimate(event.stream, event.estimate);
        } else {
          writer.streamState(descriptor, event.state, { sourceStats: { recordCount: out.sinceState } });
          out.sinceState = 0;
          // Out at once: the platform keeps only the states it has read (a bulk job's id, then minutes of waiting).
          await writer.drain();
        }
      }
      const seconds = ((Date.now() - streamStart) / 1000).toFixed(1);
      for (const [name, out] of byName) writer.log('INFO', `${name}: ${out.emitted} records in ${seconds} s.`);
      for (const { descriptor } of unit.items) writer.streamStatus(descriptor, 'COMPLETE');
    } catch (err) {
      for (const { descriptor } of unit.items) writer.streamStatus(descriptor, 'INCOMPLETE');
      if (err instanceof CallBudgetExhaustedError) {
        writer.log('WARN', `${names}: stopped after ${emitted()} records: ${err.message} The state is saved; the next sync resumes from it.`);
        stopReason = err;
        continue;
      }
      if (err instanceof BulkAllowanceSpentError || err instanceof BulkExportQuotaExhaustedError) {
        // Only the bulk part stops: other streams (and this one's next sync) go on.
        writer.log('WARN', `${names}: stopped after ${emitted()} records: ${err.message} The state is saved; the next sync resumes from it.`);
        continue;
      }
      failed = true;
      const message = `${names}: ${(err as Error).message}`;
      writer.error(message, failureOf(err), { stream: unit.items[0].descriptor, internal: (err as Error).stack });
      if (stopsTheSync(err)) stopReason = err;
    }
  }

  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  writer.log(
    'INFO',
    `Sync summary: ${progress.total} records; ${callReport(ctx.client.callsByEndpoint, config.expectedSyncsPerDay)} Access tokens fetched: ${ctx.client.tokens.tokensFetched}; peak memory ${peakRssMb.toFixed(0)} MB.`,
  );
  return failed ? 1 : 0;
}
