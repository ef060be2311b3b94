import { startSandbox } from '../sandbox';
import { runConnectorProcess, writeTemp } from './run-process';

/**
 * `npm run demo`: the source end to end against the bundled sandbox: check, discover, a first
 * incremental read, new activities, a second read from the saved state.
 */
async function main(): Promise<void> {
  const sandbox = await startSandbox({ seed: 42, activityCount: 2500, leadCount: 120 });
  console.log(`Marketo sandbox listening at ${sandbox.url}\n`);
  try {
    const config = {
      domain_url: sandbox.url,
      client_id: sandbox.clientId,
      client_secret: sandbox.clientSecret,
      start_date: '2026-01-01T00:00:00Z',
      max_calls_per_20s: 100,
      max_concurrent_calls: 10,
    };
    const configFile = writeTemp('config.json', config);

    const check = await runConnectorProcess('source-marketo', ['check', '--config', configFile]);
    console.log('check:', JSON.stringify(check.messages.find((m) => m.type === 'CONNECTION_STATUS').connectionStatus));

    const discover = await runConnectorProcess('source-marketo', ['discover', '--config', configFile]);
    const catalog = discover.messages.find((m) => m.type === 'CATALOG').catalog;
    for (const s of catalog.streams) {
      console.log(`discover: ${s.name.padEnd(15)} ${String(Object.keys(s.json_schema.properties).length).padStart(3)} columns, modes ${s.supported_sync_modes.join('+')}, key ${JSON.stringify(s.source_defined_primary_key)}, cursor ${JSON.stringify(s.default_cursor_field ?? null)}`);
    }
    const configured = {
      streams: catalog.streams.map((stream: any) => ({
        stream,
        sync_mode: stream.supported_sync_modes.includes('incremental') ? 'incremental' : 'full_refresh',
        destination_sync_mode: stream.supported_sync_modes.includes('incremental') ? 'append_dedup' : 'overwrite',
        cursor_field: stream.default_cursor_field,
        primary_key: stream.source_defined_primary_key,
      })),
    };
    const catalogFile = writeTemp('catalog.json', configured);

    let state: unknown[] | undefined;
    for (const round of [1, 2]) {
      if (round === 2) {
        const added = sandbox.addActivities(25);
        console.log(`\n... meanwhile Marketo records ${added.length} new activities ...`);
      }
      const args = ['read', '--config', configFile, '--catalog', catalogFile];
      if (state) args.push('--state', writeTemp('state.json', state));
      sandbox.counters.reset();
      const started = Date.now();
      const result = await runConnectorProcess('source-marketo', args);
      const seconds = (Date.now() - started) / 1000;
      console.log(`\nread #${round} (${state ? 'from saved state' : 'first sync'}): exit ${result.code}, ${seconds.toFixed(1)} s, ${sandbox.counters.total()} API calls`);
      const counts = new Map<string, number>();
      for (const m of result.messages) if (m.type === 'RECORD') counts.set(m.record.stream, (counts.get(m.record.stream) ?? 0) + 1);
      for (const s of catalog.streams) console.log(`  ${s.name.padEnd(15)} ${String(counts.get(s.name) ?? 0).padStart(6)} records`);
      const sample = result.messages.find((m) => m.type === 'RECORD' && m.record.stream === 'activities');
      if (sample) console.log(`  e.g. ${JSON.stringify(sample.record.data).slice(0, 160)}...`);
      const latest = new Map<string, any>();
      for (const m of result.messages) if (m.type === 'STATE') latest.set(m.state.stream.stream_descriptor.name, m);
      state = [...latest.values()].map((m) => ({ type: 'STREAM', stream: m.state.stream }));
      for (const m of latest.values()) {
        const s = m.state.stream.stream_state;
        console.log(`  state ${m.state.stream.stream_descriptor.name.padEnd(15)} cursor ${s.activityDate ?? s.updatedAt ?? '-'}${s.partitions ? `, ${Object.keys(s.partitions).length} partitions` : ''}`);
      }
      for (const m of result.messages) if (m.type === 'TRACE' && m.trace.type === 'ERROR') console.log(`  ERROR ${m.trace.error.message}`);
    }
  } finally {
    await sandbox.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
