import { Sandbox, startSandbox } from '../sandbox';
import { runConnectorProcess, writeTemp } from './run-process';

/**
 * `npm run demo`: both connectors end to end against the bundled sandbox. The source: check,
 * discover, a first incremental read, new activities, a second read from the saved state. The
 * destination: check, then a small warehouse table written into Marketo (leads with two rows
 * Marketo cannot take, companies, cars, a delete), and what Marketo holds afterwards.
 */
async function main(): Promise<void> {
  // Activities of the last half hour or so, as on a live subscription (the generator writes ~1.2 a second).
  const startDate = new Date(Math.floor(Date.now() / 1000 - 2500 / 1.2) * 1000).toISOString().replace('.000Z', 'Z');
  const sandbox = await startSandbox({ seed: 42, activityCount: 2500, leadCount: 120, startDate });
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
      console.log(
        `discover: ${s.name.padEnd(15)} ${String(Object.keys(s.json_schema.properties).length).padStart(3)} columns, modes ${s.supported_sync_modes.join('+')}, key ${JSON.stringify(s.source_defined_primary_key)}, cursor ${JSON.stringify(s.default_cursor_field ?? null)}`,
      );
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
      console.log(
        `\nread #${round} (${state ? 'from saved state' : 'first sync'}): exit ${result.code}, ${seconds.toFixed(1)} s, ${sandbox.counters.total()} API calls`,
      );
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
        console.log(
          `  state ${m.state.stream.stream_descriptor.name.padEnd(15)} cursor ${s.activityDate ?? s.updatedAt ?? '-'}${s.partitions ? `, ${Object.keys(s.partitions).length} partitions` : ''}`,
        );
      }
      for (const m of result.messages) if (m.type === 'TRACE' && m.trace.type === 'ERROR') console.log(`  ERROR ${m.trace.error.message}`);
    }

    await writeDemo(sandbox, config);
  } finally {
    await sandbox.close();
  }
}

const FIRST_NAMES = ['Ada', 'Alan', 'Grace', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken', 'Margaret', 'Dennis', 'Radia'];
const LAST_NAMES = ['Lovelace', 'Turing', 'Hopper', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Thompson', 'Hamilton', 'Ritchie', 'Perlman'];

const record = (stream: string, data: Record<string, unknown>) => JSON.stringify({ type: 'RECORD', record: { stream, data, emitted_at: 1_767_225_600_000 } });
const state = (stream: string, cursor: number) =>
  JSON.stringify({ type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: stream }, stream_state: { cursor } } } });

/** The warehouse table of the demo: 25 lead rows (2 that cannot be written), 3 companies, 4 cars, then a lead deleted upstream. */
function warehouseTable(sandbox: Sandbox): string[] {
  const leads: string[] = [];
  for (let i = 0; i < 22; i++) {
    const [first, last] = [FIRST_NAMES[i % FIRST_NAMES.length], LAST_NAMES[(i * 7) % LAST_NAMES.length]];
    const companyId = i < 3 ? { externalCompanyId: `C-${i + 1}` } : {};
    leads.push(
      record('leads', {
        email: `${first}.${last}.${i}@demo.example.com`.toLowerCase(),
        firstName: first,
        lastName: last,
        title: i % 4 === 0 ? 'Engineer' : 'Manager',
        integer_field: 1000 + i,
        ...companyId,
      }),
    );
  }
  leads.splice(6, 0, record('leads', { email: 'refused.integer@demo.example.com', firstName: 'Ivy', integer_field: 'ten' }));
  leads.splice(12, 0, record('leads', { email: 'refused.email@demo.example.com', firstName: 'Eve', email_field: 'eve-at-home' }));
  leads.push(record('leads', { email: String(sandbox.lead(3)!.email), title: 'VP Engineering' }));
  return [
    ...leads,
    state('leads', 1),
    record('companies', { externalCompanyId: 'C-1', company: 'Analytical Engines', numberOfEmployees: 250, industry: 'Computing' }),
    record('companies', { externalCompanyId: 'C-2', company: 'Bletchley Labs', numberOfEmployees: 40, industry: 'Cryptography' }),
    record('companies', { externalCompanyId: 'C-3', company: 'Harvard Mark', numberOfEmployees: 1200, industry: 'Research' }),
    state('companies', 1),
    record('car_c', { vin: 'VIN-0001', make: 'Volvo', model: 'XC90', year: 2021, leadId: 1 }),
    record('car_c', { vin: 'VIN-0002', make: 'Saab', model: '900', year: 1994, leadId: 2 }),
    record('car_c', { vin: 'VIN-0003', make: 'Tesla', model: 'Model 3', year: 2024, leadId: 3 }),
    record('car_c', { vin: 'VIN-0004', make: 'Fiat', model: '500', year: 2019, leadId: 3 }),
    state('car_c', 1),
    record('leads', { email: String(sandbox.lead(5)!.email), _ab_cdc_deleted_at: '2026-03-01T00:00:00Z' }),
    state('leads', 2),
  ];
}

/** The destination: check, write the warehouse table, then show what Marketo holds, what it refused and the states passed back. */
async function writeDemo(sandbox: Sandbox, sourceConfig: Record<string, unknown>): Promise<void> {
  console.log('\n--- destination: a warehouse table written into Marketo ---');
  const { start_date: _unused, ...config } = sourceConfig;
  const configFile = writeTemp('destination-config.json', config);
  const check = await runConnectorProcess('destination-marketo', ['check', '--config', configFile]);
  console.log('check:', JSON.stringify(check.messages.find((m) => m.type === 'CONNECTION_STATUS').connectionStatus));

  const streams = ['leads', 'companies', 'car_c'];
  const catalogFile = writeTemp('destination-catalog.json', {
    streams: streams.map((name) => ({
      stream: { name, json_schema: {}, supported_sync_modes: ['incremental'] },
      sync_mode: 'incremental',
      destination_sync_mode: 'append_dedup',
    })),
  });
  const leadsBefore = sandbox.leads().length;
  const input = warehouseTable(sandbox);
  sandbox.counters.reset();
  const started = Date.now();
  const result = await runConnectorProcess('destination-marketo', ['write', '--config', configFile, '--catalog', catalogFile], input.join('\n') + '\n');
  const seconds = (Date.now() - started) / 1000;
  const records = input.filter((l) => l.startsWith('{"type":"RECORD"')).length;
  const writes = sandbox
    .writeLog()
    .map((w) => `${w.operation} ${w.object} ${w.records}`)
    .sort(); // concurrent: any order
  console.log(
    `write: ${records} records: exit ${result.code}, ${seconds.toFixed(1)} s, ${sandbox.counters.total()} API calls (${writes.length} writes: ${writes.join(', ')})`,
  );

  const created = sandbox.leads().filter((l) => String(l.email ?? '').endsWith('@demo.example.com'));
  console.log(`Marketo now holds:`);
  console.log(
    `  leads      ${sandbox.leads().length} (was ${leadsBefore}): ${created.length} created, #3 updated (title ${sandbox.lead(3)?.title}), #5 ${sandbox.lead(5) ? 'still there' : 'deleted'}`,
  );
  for (const lead of created.slice(0, 3)) {
    console.log(
      `    #${lead.id} ${String(lead.email).padEnd(36)} ${String(lead.mktoName).padEnd(16)} ${String(lead.title).padEnd(9)}${lead.externalCompanyId ? ` company ${lead.externalCompanyId}` : ''}`,
    );
  }
  console.log(`    ... and ${created.length - 3} more`);
  console.log(
    `  companies  ${sandbox
      .companies()
      .map((c) => `${c.externalCompanyId} ${c.company} (${c.numberOfEmployees})`)
      .join(' · ')}`,
  );
  console.log(
    `  car_c      ${sandbox
      .customObjects('car_c')
      .map((c) => `${c.vin} ${c.make} ${c.year} → lead ${c.leadId}`)
      .join(' · ')}`,
  );

  // Batches are written concurrently: rejections are listed in input order.
  const lineOf = (message: string) => Number(/input line (\d+)/.exec(message)?.[1]);
  const rejected = result.messages.filter((m) => m.type === 'LOG' && m.log.message.includes(': rejected: ')).map((m) => m.log.message as string);
  console.log(`rejected (${rejected.length}), logged with the row's key and the reason, never its values:`);
  for (const message of rejected.sort((a, b) => lineOf(a) - lineOf(b))) console.log(`  ${message}`);
  console.log('states passed back, each once its rows were written:');
  for (const m of result.messages.filter((x) => x.type === 'STATE')) {
    const stats = m.state.destinationStats;
    console.log(
      `  ${m.state.stream.stream_descriptor.name.padEnd(10)} cursor ${m.state.stream.stream_state.cursor}: ${stats.recordCount} record${stats.recordCount === 1 ? '' : 's'}, ${stats.rejectedRecordCount} rejected`,
    );
  }
  for (const m of result.messages) if (m.type === 'TRACE' && m.trace.type === 'ERROR') console.log(`  ERROR ${m.trace.error.message}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
