import { Sandbox, startSandbox } from '../sandbox';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, runConnectorProcess } from './run-process';
import { textOf } from '../protocol/text';
import { sweepOrphanTempFolders } from '../sandbox/temp-folders';

/**
 * `npm run demo`: both connectors end to end against the bundled sandbox. The source: check,
 * discover, a first incremental read, new activities, a second read from the saved state. The
 * destination: check, then a small warehouse table written into Marketo (leads with two rows
 * Marketo cannot take, companies, cars, a delete), and what Marketo holds afterwards.
 */
async function main(): Promise<void> {
  sweepOrphanTempFolders(); // what earlier runs, killed before they could clean up, left in the temp folder
  const out = new DemoOutput(process.env.DEMO_OUTPUT ?? path.join(ROOT, 'demo-output'));
  // Activities of the last half hour or so, as on a live subscription (the generator writes ~1.2 a second).
  const startDate = new Date(Math.floor(Date.now() / 1000 - 2500 / 1.2) * 1000).toISOString().replace('.000Z', 'Z');
  const sandbox = await startSandbox({ seed: 42, activityCount: 2500, leadCount: 120, startDate, rateLimit: DEMO_RATE });
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
    const configFile = out.writeJson('source/config.json', config);

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
    const catalogFile = out.writeJson('source/catalog.json', configured);
    const warehouse = new Warehouse(configured.streams);

    let state: unknown[] | undefined;
    let stateFile: string | undefined;
    for (const round of [1, 2]) {
      if (round === 2) {
        const added = sandbox.addActivities(25);
        console.log(`\n... meanwhile Marketo records ${added.length} new activities ...`);
      }
      const args = ['read', '--config', configFile, '--catalog', catalogFile];
      if (stateFile) args.push('--state', stateFile);
      sandbox.counters.reset();
      const started = Date.now();
      const result = await runConnectorProcess('source-marketo', args);
      const seconds = (Date.now() - started) / 1000;
      out.writeLines(
        `source/read-${round}.jsonl`,
        result.messages.map((m) => JSON.stringify(m)),
      );
      console.log(
        `\nread #${round} (${state ? 'from saved state' : 'first sync'}): exit ${result.code}, ${seconds.toFixed(1)} s, ${sandbox.counters.total()} API calls`,
      );
      const counts = new Map<string, number>();
      for (const m of result.messages) if (m.type === 'RECORD') counts.set(m.record.stream, (counts.get(m.record.stream) ?? 0) + 1);
      for (const s of catalog.streams) console.log(`  ${s.name.padEnd(15)} ${String(counts.get(s.name) ?? 0).padStart(6)} records`);
      const sample = result.messages.find((m) => m.type === 'RECORD' && m.record.stream === 'activities');
      if (sample) console.log(`  e.g. ${JSON.stringify(sample.record.data).slice(0, 160)}...`);
      warehouse.load(result.messages);
      const latest = new Map<string, any>();
      for (const m of result.messages) if (m.type === 'STATE') latest.set(m.state.stream.stream_descriptor.name, m);
      // As Airbyte keeps it: the last STATE of each stream, carried over from the previous sync when a stream sent none.
      const previous = new Map((state ?? []).map((s: any) => [s.stream.stream_descriptor.name, s]));
      for (const m of latest.values()) previous.set(m.state.stream.stream_descriptor.name, { type: 'STREAM', stream: m.state.stream });
      state = [...previous.values()];
      stateFile = out.writeJson(round === 1 ? 'source/state-1.json' : 'source/state.json', state);
      for (const m of latest.values()) {
        const s = m.state.stream.stream_state;
        console.log(
          `  state ${m.state.stream.stream_descriptor.name.padEnd(15)} cursor ${s.activityDate ?? s.updatedAt ?? '-'}${s.partitions ? `, ${Object.keys(s.partitions).length} partitions` : ''}`,
        );
      }
      for (const m of result.messages) if (m.type === 'TRACE' && m.trace.type === 'ERROR') console.log(`  ERROR ${m.trace.error.message}`);
    }

    showWarehouse(out, warehouse);
    await writeDemo(sandbox, config, out);
  } finally {
    await sandbox.close();
  }
  showByHand(out);
}

/**
 * The warehouse the demo keeps, as Airbyte's destinations would: every record of every stream as
 * it came (`streams/`, what an append destination keeps), and each stream with a primary key as a
 * table (`tables/`, what append_dedup keeps: the last row per key, in the order the syncs emitted
 * them, and no row for a key whose last record is a tombstone, `_ab_cdc_deleted_at` set).
 */
class Warehouse {
  readonly rows = new Map<string, Array<Record<string, unknown>>>();
  readonly keys = new Map<string, string[][]>();

  constructor(streams: Array<{ stream: { name: string }; primary_key?: string[][] }>) {
    for (const s of streams) {
      this.rows.set(s.stream.name, []);
      if (s.primary_key && s.primary_key.length > 0) this.keys.set(s.stream.name, s.primary_key);
    }
  }

  load(messages: any[]): void {
    for (const m of messages) if (m.type === 'RECORD') this.rows.get(m.record.stream)?.push(m.record.data);
  }

  table(stream: string): Array<Record<string, unknown>> {
    const key = this.keys.get(stream)!;
    const byKey = new Map<string, Record<string, unknown>>();
    for (const row of this.rows.get(stream) ?? []) {
      const id = JSON.stringify(key.map((path) => path.reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], row)));
      byKey.delete(id); // a key's last row goes last, as a table ordered by when rows arrived
      if (row._ab_cdc_deleted_at === undefined || row._ab_cdc_deleted_at === null) byKey.set(id, row);
    }
    return [...byKey.values()];
  }
}

function showWarehouse(out: DemoOutput, warehouse: Warehouse): void {
  console.log(`\n--- the warehouse: what the two reads kept, in ${out.relative(out.dir)}/ ---`);
  console.log(`  ${'stream'.padEnd(20)} ${'records'.padStart(7)}  ${'table rows'.padStart(10)}  files`);
  for (const [stream, rows] of warehouse.rows) {
    const streamFile = out.writeLines(
      `streams/${stream}.jsonl`,
      rows.map((r) => JSON.stringify(r)),
    );
    let tableRows = '-';
    let files = out.relative(streamFile);
    if (warehouse.keys.has(stream)) {
      const table = warehouse.table(stream);
      tableRows = String(table.length);
      files += `, ${out.relative(
        out.writeLines(
          `tables/${stream}.jsonl`,
          table.map((r) => JSON.stringify(r)),
        ),
      )}`;
    }
    console.log(`  ${stream.padEnd(20)} ${String(rows.length).padStart(7)}  ${tableRows.padStart(10)}  ${files}`);
  }
  const leads = warehouse.rows.has('leads') ? warehouse.table('leads') : [];
  const tombstones = (warehouse.rows.get('leads') ?? []).filter((r) => r._ab_cdc_deleted_at != null).length;
  console.log(
    `  the leads table: ${leads.length} leads (upserts by id applied, ${tombstones} tombstone${tombstones === 1 ? '' : 's'} applied as deletes), e.g.`,
  );
  for (const lead of leads.slice(0, 3)) {
    console.log(
      `    #${textOf(lead.id)} ${textOf(lead.email ?? '').padEnd(36)} ${textOf(lead.firstName ?? '')} ${textOf(lead.lastName ?? '')}, updated ${textOf(lead.updatedAt)}`,
    );
  }
}

/** The commands that repeat the demo's steps by hand, with the files it wrote. */
function showByHand(out: DemoOutput): void {
  // The demo's sandbox is gone: the files now point at `npm run sandbox` (its address and credentials).
  for (const file of ['source/config.json', 'destination/config.json']) {
    const config = JSON.parse(fs.readFileSync(path.join(out.dir, file), 'utf8')) as Record<string, unknown>;
    out.writeJson(file, { ...config, domain_url: HAND_SANDBOX_URL });
  }
  const f = (name: string) => out.relative(path.join(out.dir, name));
  console.log(`\n--- run the same steps by hand ---`);
  console.log(
    `The config files in ${out.relative(out.dir)}/ now point at ${HAND_SANDBOX_URL}, where \`npm run sandbox\` serves (start it in another terminal). Then:`,
  );
  for (const line of [
    `bin/source-marketo check    --config ${f('source/config.json')}`,
    `bin/source-marketo discover --config ${f('source/config.json')}`,
    `bin/source-marketo read     --config ${f('source/config.json')} --catalog ${f('source/catalog.json')} > read.jsonl`,
    `bin/source-marketo read     --config ${f('source/config.json')} --catalog ${f('source/catalog.json')} --state ${f('source/state.json')}`,
    `bin/destination-marketo write --config ${f('destination/config.json')} --catalog ${f('destination/catalog.json')} < ${f('destination/input.jsonl')}`,
  ])
    console.log(`  ${line}`);
}

/** Marketo's limit on calls, as the sandbox enforces it by default (Marketo: 100 calls per 20 seconds per subscription). */
const DEMO_RATE = { calls: 100, windowMs: 20_000 };

/** The Marketo `npm run sandbox` serves (sandbox/cli.ts). */
const HAND_SANDBOX_URL = 'http://127.0.0.1:8089';

/**
 * The demo's folder in the project (git-ignored): every file it writes, and nothing in the system's
 * temp folder. Each run replaces what the previous one wrote there.
 */
class DemoOutput {
  constructor(readonly dir: string) {
    for (const part of DEMO_PARTS) fs.rmSync(path.join(dir, part), { recursive: true, force: true });
  }

  writeJson(name: string, value: unknown): string {
    return this.write(name, JSON.stringify(value, null, 2) + '\n');
  }

  writeLines(name: string, lines: string[]): string {
    return this.write(name, lines.map((l) => l + '\n').join(''));
  }

  relative(file: string): string {
    const rel = path.relative(process.cwd(), file);
    return rel.startsWith('..') ? file : rel;
  }

  private write(name: string, text: string): string {
    const file = path.join(this.dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return file;
  }
}

/** The folders a demo run writes in its output folder (and removes first). */
const DEMO_PARTS = ['source', 'streams', 'tables', 'destination'];

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
async function writeDemo(sandbox: Sandbox, sourceConfig: Record<string, unknown>, out: DemoOutput): Promise<void> {
  console.log('\n--- destination: a warehouse table written into Marketo ---');
  // The reads above used most of the subscription's 100 calls per 20 s, which every integration shares.
  console.log(
    `(Marketo allows ${DEMO_RATE.calls} calls per ${DEMO_RATE.windowMs / 1000} s per subscription: if the reads used them, the destination waits for the window first.)`,
  );
  const { start_date: _unused, ...config } = sourceConfig;
  const configFile = out.writeJson('destination/config.json', config);
  const check = await runConnectorProcess('destination-marketo', ['check', '--config', configFile]);
  console.log('check:', JSON.stringify(check.messages.find((m) => m.type === 'CONNECTION_STATUS').connectionStatus));

  const streams = ['leads', 'companies', 'car_c'];
  const catalogFile = out.writeJson('destination/catalog.json', {
    streams: streams.map((name) => ({
      stream: { name, json_schema: {}, supported_sync_modes: ['incremental'] },
      sync_mode: 'incremental',
      destination_sync_mode: 'append_dedup',
    })),
  });
  const leadsBefore = sandbox.leads().length;
  const input = warehouseTable(sandbox);
  out.writeLines('destination/input.jsonl', input);
  sandbox.counters.reset();
  const started = Date.now();
  const result = await runConnectorProcess('destination-marketo', ['write', '--config', configFile, '--catalog', catalogFile], input.join('\n') + '\n');
  const seconds = (Date.now() - started) / 1000;
  const resultFile = out.writeLines(
    'destination/output.jsonl',
    result.messages.map((m) => JSON.stringify(m)),
  );
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
  console.log(
    `the rows written: ${out.relative(path.join(out.dir, 'destination/input.jsonl'))}; what the destination answered (states, rejections, summary): ${out.relative(resultFile)}`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
