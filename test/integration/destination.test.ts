import { expect } from 'chai';
import { Lead, Sandbox, SandboxOptions, startSandbox } from '../../sandbox';
import { checkConnection } from '../harness/acceptance';
import { RunOptions, RunResult, writeJsonTemp } from '../harness/run-connector';
import { DESTINATION, run } from './support';

// destination-marketo `write` and `check` run as processes against the sandbox. Every stdout line
// is validated by `run` (assertProtocol); what Marketo holds afterwards is read from the sandbox
// object by object.

type Row = Record<string, unknown>;

const DELETED = { _ab_cdc_deleted_at: '2026-03-01T00:00:00Z' };
const LEADS_SYNC = 'POST /rest/v1/leads.json';

function destinationConfig(sandbox: Sandbox, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    domain_url: sandbox.url,
    client_id: sandbox.clientId,
    client_secret: sandbox.clientSecret,
    max_calls_per_20s: 100,
    max_concurrent_calls: 10,
    // These tests pin the write path down call by call; reading current values first
    // (write_only_changes, on by default) is tested in two-way.test.ts.
    write_only_changes: false,
    ...extra,
  };
}

function catalog(...streams: string[]): unknown {
  return {
    streams: streams.map((name) => ({
      stream: { name, json_schema: { type: 'object', properties: {} }, supported_sync_modes: ['full_refresh', 'incremental'] },
      sync_mode: 'incremental',
      destination_sync_mode: 'append_dedup',
    })),
  };
}

const recordLine = (stream: string, data: Row): string => JSON.stringify({ type: 'RECORD', record: { stream, data, emitted_at: 1_767_225_600_000 } });
const stateLine = (stream: string, cursor: unknown): string =>
  JSON.stringify({ type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: stream }, stream_state: { cursor } } } });

/** Input lines, with what the test needs to know about each record. */
class Input {
  readonly lines: string[] = [];
  /** 0-based index of each record's line, with the record. */
  readonly records: Array<{ line: number; stream: string; data: Row; rejected: boolean }> = [];

  row(stream: string, data: Row, opts: { rejected?: boolean } = {}): this {
    this.records.push({ line: this.lines.length, stream, data, rejected: opts.rejected === true });
    this.lines.push(recordLine(stream, data));
    return this;
  }

  state(stream: string, cursor: unknown): this {
    this.lines.push(stateLine(stream, cursor));
    return this;
  }

  text(): string {
    return this.lines.join('\n') + '\n';
  }

  /** The echo each per-stream STATE of the input should get: its records and rejected rows since that stream's previous state. */
  expectedStates(): Array<{ stream: string; cursor: unknown; recordCount: number; rejectedRecordCount: number }> {
    const out: Array<{ stream: string; cursor: unknown; recordCount: number; rejectedRecordCount: number }> = [];
    const since = new Map<string, number>();
    this.lines.forEach((text, line) => {
      const message = JSON.parse(text);
      if (message.type !== 'STATE') return;
      const stream = message.state.stream.stream_descriptor.name;
      const from = since.get(stream) ?? -1;
      const window = this.records.filter((r) => r.stream === stream && r.line > from && r.line < line);
      out.push({
        stream,
        cursor: message.state.stream.stream_state.cursor,
        recordCount: window.length,
        rejectedRecordCount: window.filter((r) => r.rejected).length,
      });
      since.set(stream, line);
    });
    return out;
  }
}

function write(
  sandbox: Sandbox,
  streams: string[],
  stdin: RunOptions['stdin'],
  opts: Omit<RunOptions, 'stdin'> & { config?: Record<string, unknown> } = {},
): Promise<RunResult> {
  const args = ['write', '--config', writeJsonTemp(destinationConfig(sandbox, opts.config)), '--catalog', writeJsonTemp(catalog(...streams))];
  return run(DESTINATION, args, { ...opts, stdin });
}

function echoedStates(result: RunResult): Array<{ stream: string; cursor: unknown; recordCount: number; rejectedRecordCount: number }> {
  return result.states().map((s: any) => ({
    stream: s.stream.stream_descriptor.name,
    cursor: s.stream.stream_state.cursor,
    recordCount: s.destinationStats.recordCount,
    rejectedRecordCount: s.destinationStats.rejectedRecordCount,
  }));
}

function without<T extends Row>(record: T, keys: string[]): Row {
  const out: Row = { ...record };
  for (const key of keys) delete out[key];
  return out;
}

/** What a failed run said: its errors, its last logs and stderr, for assertion messages. */
function outcome(result: RunResult): string {
  const errors = result.traces('ERROR').map((t: any) => `ERROR ${t.error.message}`);
  const logs = result
    .logs()
    .slice(-10)
    .map((l: any) => `${l.level} ${l.message}`);
  return [...errors, ...logs, result.stderr].join('\n');
}

/** Leads by lower-cased email. */
function leadsByEmail(sandbox: Sandbox): Map<string, Lead> {
  return new Map(
    sandbox
      .leads()
      .filter((l) => typeof l.email === 'string')
      .map((l) => [String(l.email).toLowerCase(), l]),
  );
}

/** A lead as stored, without what Marketo maintains itself. */
const leadValues = (lead: Lead | undefined): Row | undefined => (lead ? without(lead, ['id', 'createdAt', 'updatedAt']) : undefined);

/** Starts a sandbox before each test of the suite (or `once` for all of them) and closes it afterwards. */
function startsSandbox(options: SandboxOptions, use: (sandbox: Sandbox) => void, scope: 'each' | 'once' = 'each'): void {
  let started: Sandbox | undefined;
  (scope === 'each' ? beforeEach : before)(async () => use((started = await startSandbox(options))));
  (scope === 'each' ? afterEach : after)(() => started?.close());
}

describe('destination-marketo against the sandbox: an exact write', function () {
  this.timeout(120_000);
  let sandbox: Sandbox;
  startsSandbox({ seed: 21, leadCount: 30, activityCount: 300 }, (s) => (sandbox = s), 'once');

  it('leaves exactly the warehouse rows in leads, companies and car_c, and reports each rejected row with its key and reason', async () => {
    const before = new Map(sandbox.leads().map((l) => [l.id, l]));
    const [lead1, lead2, lead3, lead4] = [1, 2, 3, 4].map((id) => before.get(id)!);
    const email = (lead: Lead) => String(lead.email);

    const input = new Input()
      // Window 1: leads. Typed values, a case-different key, last-wins, a row we refuse, a row Marketo refuses.
      .row('leads', {
        email: 'ada@example.com',
        firstName: 'Ada',
        lastName: 'Lovelace',
        integer_field: '42',
        boolean_field: 'true',
        float_field: 1.5,
        percent_field: '12.5',
        datetime_field: '2026-02-03 04:05:06',
        dateOfBirth: '1990-12-10T23:30:00-05:00',
        favouriteColour: 'green',
        createdAt: '2020-01-01T00:00:00Z',
        _ab_cdc_updated_at: '2026-02-01T00:00:00Z',
      })
      .row('leads', { email: email(lead1).toUpperCase(), title: 'CTO', leadScore: 77 })
      .row('leads', { email: 'bob@example.com', firstName: 'Bob', integer_field: 'ten' }, { rejected: true })
      .row('leads', { email: 'carol@example.com', firstName: 'Carol', email_field: 'carol-at-home' }, { rejected: true })
      .row('leads', { email: 'dave@example.com', firstName: 'David', title: 'Intern' })
      .row('leads', { email: 'Dave@Example.com', firstName: 'Dave', lastName: 'Jones' })
      .row('leads', { email: email(lead2), title: 'Chief Vibes Officer' })
      .row('leads', { email: email(lead2), integer_field: 3.25 }, { rejected: true })
      .state('leads', 1)
      // Window 2: companies, one refused.
      .row('companies', {
        externalCompanyId: 'C-100',
        company: 'Acme Rockets',
        numberOfEmployees: 250,
        annualRevenue: '1200000.50',
        website: 'https://acme.example.com',
      })
      .row('companies', { externalCompanyId: 'C-200', company: 'Globex', industry: 'Energy' })
      .row('companies', { externalCompanyId: 'C-300', company: 'Initech' })
      .row('companies', { externalCompanyId: 'C-400', company: 'Hooli', numberOfEmployees: 'many' }, { rejected: true })
      .state('companies', 2)
      // Window 3: leads linked to a company (its company fields must not reach Sync Leads: 1021), and cars.
      .row('leads', { email: 'erin@example.com', firstName: 'Erin', externalCompanyId: 'C-100', company: 'Erin Consulting', annualRevenue: 5 })
      .row('leads', { email: email(lead3), company: 'Own Company Ltd' })
      .row('car_c', { vin: 'VIN001', make: 'Volvo', model: 'XC90', year: 2021, price: '55000', purchasedAt: '2026-01-15T10:00:00+01:00', leadId: 1 })
      .row('car_c', { vin: 'VIN002', make: 'Saab', model: '900', year: 1999, leadId: 2 })
      .row('car_c', { vin: 'VIN003', make: 'Lada', leadId: 999_999 }, { rejected: true })
      .row('car_c', { vin: 'VIN004', make: 'Ford', year: 'nineteen' }, { rejected: true })
      .row('car_c', { vin: 'VIN005', make: 'Tesla', year: 2024 })
      .state('car_c', 3)
      // Window 4: updates and deletes of each object, including deletes of what Marketo does not have.
      .row('companies', { externalCompanyId: 'C-200', numberOfEmployees: 42 })
      .row('companies', { externalCompanyId: 'C-300', ...DELETED })
      .row('companies', { externalCompanyId: 'C-999', ...DELETED })
      .row('car_c', { vin: 'VIN002', year: 2000 })
      .row('car_c', { vin: 'VIN005', ...DELETED })
      .row('car_c', { vin: 'VIN-NONE', ...DELETED })
      .row('leads', { email: email(lead4), ...DELETED })
      .row('leads', { email: 'nobody@example.com', ...DELETED })
      .row('leads', { email: 'ada@example.com', title: 'Countess' })
      .state('leads', 4)
      .state('companies', 4)
      .state('car_c', 4);

    // 6 of 28 rows are refused on purpose: above the default threshold of 10%.
    const result = await write(sandbox, ['leads', 'companies', 'car_c'], input.text(), { config: { rejected_row_threshold: 0.25 } });
    expect(result.exitCode, outcome(result)).to.equal(0);
    expect(result.traces('ERROR')).to.deep.equal([]);

    // Leads: the new ones exactly, the changed ones exactly, every other lead untouched.
    const after = leadsByEmail(sandbox);
    expect(leadValues(after.get('ada@example.com'))).to.deep.equal({
      email: 'ada@example.com',
      firstName: 'Ada',
      lastName: 'Lovelace',
      mktoName: 'Ada Lovelace',
      integer_field: 42,
      boolean_field: true,
      float_field: 1.5,
      percent_field: 12.5,
      datetime_field: '2026-02-03T04:05:06Z',
      dateOfBirth: '1990-12-10',
      title: 'Countess',
    });
    expect(leadValues(after.get('dave@example.com'))).to.deep.equal({
      email: 'Dave@Example.com',
      firstName: 'Dave',
      lastName: 'Jones',
      mktoName: 'Dave Jones',
    });
    expect(leadValues(after.get('erin@example.com'))).to.deep.equal({
      email: 'erin@example.com',
      firstName: 'Erin',
      externalCompanyId: 'C-100',
      mktoName: 'Erin',
    });
    expect(leadValues(after.get(email(lead1).toLowerCase()))).to.deep.equal({
      ...leadValues(lead1),
      email: email(lead1).toUpperCase(),
      title: 'CTO',
      leadScore: 77,
    });
    expect(sandbox.lead(2)).to.deep.equal(lead2); // its valid row was replaced by a later, rejected one
    expect(leadValues(sandbox.lead(3))).to.deep.equal({ ...leadValues(lead3), company: 'Own Company Ltd' });
    expect(sandbox.lead(4)).to.equal(undefined);
    for (const missing of ['bob@example.com', 'carol@example.com', 'nobody@example.com']) expect(after.has(missing), missing).to.equal(false);
    const touched = new Set([1, 3, 4]);
    const untouched = [...before.values()].filter((l) => !touched.has(l.id));
    expect(sandbox.leads().filter((l) => before.has(l.id) && !touched.has(l.id))).to.deep.equal(untouched);
    expect(sandbox.leads().length).to.equal(before.size - 1 + 3);

    // Companies and cars: exactly these records.
    expect(sandbox.companies().map((c) => without(c, ['id', 'createdAt', 'updatedAt']))).to.deep.equal([
      { externalCompanyId: 'C-100', company: 'Acme Rockets', numberOfEmployees: 250, annualRevenue: 1200000.5, website: 'https://acme.example.com' },
      { externalCompanyId: 'C-200', company: 'Globex', industry: 'Energy', numberOfEmployees: 42 },
    ]);
    expect(sandbox.customObjects('car_c').map((c) => without(c, ['marketoGUID', 'createdAt', 'updatedAt']))).to.deep.equal([
      { vin: 'VIN001', make: 'Volvo', model: 'XC90', year: 2021, price: 55000, purchasedAt: '2026-01-15T09:00:00Z', leadId: 1 },
      { vin: 'VIN002', make: 'Saab', model: '900', year: 2000, leadId: 2 },
    ]);
    // Marketo never skipped a lead for company fields (1021), nor a duplicate key (1036).
    expect(
      sandbox
        .writeLog()
        .filter((w) => w.object === 'leads' && w.operation === 'sync')
        .reduce((n, w) => n + w.skipped, 0),
    ).to.equal(1); // carol only

    // Every state echoed once, in order, after its records, with its window's counts.
    expect(echoedStates(result)).to.deep.equal(input.expectedStates());
    expect(input.expectedStates().map((s) => [s.recordCount, s.rejectedRecordCount])).to.deep.equal([
      [8, 3],
      [4, 1],
      [5, 2],
      [5, 0],
      [3, 0],
      [3, 0],
    ]);

    // Each rejected row: one WARN with its key and reason, before the state of its window (batches
    // are written concurrently, so rows of different windows may be reported in any order).
    const warnings = result.logMessages('WARN').filter((m) => m.includes(': rejected: '));
    expect(warnings).to.have.members([
      "Stream 'leads', input line 3, email=bob@example.com: rejected: column 'integer_field' needs a whole number; got text that is not a number.",
      "Stream 'leads', input line 8, email=" +
        email(lead2) +
        ": rejected: column 'integer_field' needs a whole number; got a number with decimals or out of range.",
      "Stream 'leads', input line 4, email=carol@example.com: rejected: 1003 Invalid value for field 'email_field' and value (not logged).",
      "Stream 'companies', input line 13, externalCompanyId=C-400: rejected: column 'numberOfEmployees' needs a whole number; got text that is not a number.",
      "Stream 'car_c', input line 20, vin=VIN004: rejected: column 'year' needs a whole number; got text that is not a number.",
      "Stream 'car_c', input line 19, vin=VIN003: rejected: 1003 Invalid value for field 'leadId' and value (not logged).",
    ]);
    const position = (predicate: (m: any) => boolean) => result.messages.findIndex(predicate);
    for (const [text, cursor] of [
      ['email=carol@', 1],
      ['externalCompanyId=C-400', 2],
      ['vin=VIN003', 3],
    ] as const) {
      const warned = position((m) => m.type === 'LOG' && m.log.message.includes(text));
      const echoed = position((m) => m.type === 'STATE' && m.state.stream.stream_state.cursor === cursor);
      expect(warned, text).to.be.greaterThan(-1);
      expect(warned, text).to.be.lessThan(echoed);
    }
    // Columns that are not written are named once each, with why.
    const columnWarnings = result.logMessages('WARN').filter((m) => /^Stream '[^']+': column /.test(m));
    expect(columnWarnings).to.have.members([
      "Stream 'leads': column 'favouriteColour' is not a field of Marketo leads; it is not written. (Shown once per column.)",
      "Stream 'leads': column 'createdAt' is read-only in Marketo leads; it is not written. (Shown once per column.)",
      "Stream 'leads': column 'company' is a company field: Marketo refuses it on leads linked to a company (1021), so it is left out of rows that have an externalCompanyId. Send company fields through the 'companies' stream. (Shown once per column.)",
      "Stream 'leads': column 'annualRevenue' is a company field: Marketo refuses it on leads linked to a company (1021), so it is left out of rows that have an externalCompanyId. Send company fields through the 'companies' stream. (Shown once per column.)",
    ]);
    expect(result.logMessages('INFO')).to.include.members([
      "Stream 'leads': 13 records: 3 created, 3 updated, 1 deleted, 1 delete of records Marketo did not have, 3 rejected, 2 replaced by a later row with the same key.",
      "Stream 'companies': 7 records: 3 created, 1 updated, 1 deleted, 1 delete of records Marketo did not have, 1 rejected, 0 replaced by a later row with the same key.",
      "Stream 'car_c': 8 records: 3 created, 1 updated, 1 deleted, 1 delete of records Marketo did not have, 2 rejected, 0 replaced by a later row with the same key.",
    ]);

    // No personal value in any log or error: only keys and reasons.
    const keys = new Set(['email', 'externalCompanyId', 'vin']);
    const values = input.records.flatMap((r) =>
      Object.entries(r.data)
        .filter(([k]) => !keys.has(k) && !k.startsWith('_ab_'))
        .map(([, v]) => String(v)),
    );
    const printed = result.messages.filter((m) => m.type === 'LOG' || m.type === 'TRACE').map((m) => JSON.stringify(m));
    for (const value of values.filter((v) => v.length > 3)) {
      expect(
        printed.filter((p) => p.includes(value)),
        `value ${value} is printed`,
      ).to.deep.equal([]);
    }
  });
});

function parsed(line: string): any {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

/** `n` leads `user<i>@<domain>`, each with values that say which row wrote them. */
function leadRows(n: number, from = 0, domain = 'example.com'): Row[] {
  return Array.from({ length: n }, (_, k) => ({ email: `user${from + k}@${domain}`, firstName: `F${from + k}`, integer_field: from + k }));
}

/** Whether the sandbox holds a lead row as written. */
function holds(leads: Map<string, Lead>, row: Row): boolean {
  const lead = leads.get(String(row.email).toLowerCase());
  return lead !== undefined && lead.firstName === row.firstName && lead.integer_field === row.integer_field;
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * A killAfter hook that, at the moment each STATE reaches stdout, checks in the sandbox that every
 * lead row before that state in the input is already written (the sandbox runs in this process, so
 * what it holds then is what Marketo held when the state was echoed). Problems go to `problems`.
 */
function statesOnlyAfterTheirRows(sandbox: Sandbox, input: Input, problems: string[], stop: (states: number) => boolean = () => false) {
  return (msg: any, messages: any[]): boolean => {
    if (msg.type !== 'STATE') return false;
    const echoed = messages.filter((m) => m.type === 'STATE').length;
    const at = input.lines.indexOf(stateLine(msg.state.stream.stream_descriptor.name, msg.state.stream.stream_state.cursor));
    const leads = leadsByEmail(sandbox);
    const missing = input.records.filter((r) => r.line < at && r.stream === 'leads' && !r.rejected && !holds(leads, r.data));
    if (missing.length > 0)
      problems.push(
        `state ${JSON.stringify(msg.state.stream.stream_state)} echoed while ${missing.length} rows before it were not in Marketo, e.g. ${JSON.stringify(missing[0].data)}`,
      );
    return stop(echoed);
  };
}

/** The new leads of a window-per-state input: window w holds rows [w * size, (w + 1) * size). */
function windowedLeads(windows: number, size: number): Input {
  const input = new Input();
  for (let w = 0; w < windows; w++) {
    for (const row of leadRows(size, w * size)) input.row('leads', row);
    input.state('leads', w + 1);
  }
  return input;
}

describe('destination-marketo against the sandbox: batches and API calls', function () {
  this.timeout(120_000);
  let sandbox: Sandbox;
  startsSandbox({ seed: 5, leadCount: 10, activityCount: 100 }, (s) => (sandbox = s));

  /** Counts identity calls (the sandbox's counters leave them out, as Marketo does): a no-op fault that only they consume. */
  function countTokenCalls(): () => number {
    const budget = 1000;
    sandbox.faults.inject({ kind: 'slow', ms: 0, times: budget, path: /^\/identity\// });
    return () => budget - (sandbox.faults.pending().find((f) => f.kind === 'slow')?.times ?? 0);
  }

  it('writes 700 leads in ceil(700 / 300) = 3 Sync Leads calls, plus the describes and one token', async () => {
    const tokens = countTokenCalls();
    const input = new Input();
    for (const row of leadRows(700)) input.row('leads', row);
    input.state('leads', 'end');
    const result = await write(sandbox, ['leads'], input.text());
    expect(result.exitCode, outcome(result)).to.equal(0);
    expect(sandbox.counters.byEndpoint()).to.deep.equal({
      'GET /rest/v1/leads/describe.json': 1,
      'GET /rest/v1/companies/describe.json': 1, // which lead fields belong to a linked company
      [LEADS_SYNC]: 3,
    });
    expect(tokens()).to.equal(1);
    expect(sandbox.writeLog().map((w) => [w.object, w.operation, w.action, w.records, w.created, w.skipped])).to.deep.equal([
      ['leads', 'sync', 'createOrUpdate', 300, 300, 0],
      ['leads', 'sync', 'createOrUpdate', 300, 300, 0],
      ['leads', 'sync', 'createOrUpdate', 100, 100, 0],
    ]);
    const leads = leadsByEmail(sandbox);
    expect(input.records.filter((r) => !holds(leads, r.data))).to.deep.equal([]);
    expect(echoedStates(result)).to.deep.equal([{ stream: 'leads', cursor: 'end', recordCount: 700, rejectedRecordCount: 0 }]);
    expect(result.logMessages('INFO')).to.include(
      'Marketo API calls: 5 (POST /rest/v1/leads.json: 3, GET /rest/v1/leads/describe.json: 1, GET /rest/v1/companies/describe.json: 1).',
    );
  });

  it('writes 301 companies in 2 calls and 601 cars in 3, each object in its own batches', async () => {
    const tokens = countTokenCalls();
    const input = new Input();
    for (let i = 0; i < 601; i++) {
      if (i < 301) input.row('companies', { externalCompanyId: `C-${i}`, company: `Company ${i}` });
      input.row('car_c', { vin: `VIN${i}`, year: 2000 + (i % 25) });
    }
    const result = await write(sandbox, ['companies', 'car_c'], input.text());
    expect(result.exitCode, outcome(result)).to.equal(0);
    expect(sandbox.counters.byEndpoint()).to.deep.equal({
      'GET /rest/v1/companies/describe.json': 1,
      'GET /rest/v1/customobjects.json': 1,
      'GET /rest/v1/customobjects/car_c/describe.json': 1,
      'POST /rest/v1/companies.json': 2,
      'POST /rest/v1/customobjects/car_c.json': 3,
    });
    expect(tokens()).to.equal(1);
    expect(
      sandbox
        .writeLog()
        .map((w) => `${w.object} ${w.records}`)
        .sort(),
    ).to.deep.equal(['car_c 1', 'car_c 300', 'car_c 300', 'companies 1', 'companies 300']);
    expect(sandbox.companies().map((c) => [c.externalCompanyId, c.company])).to.deep.equal(
      input.records.filter((r) => r.stream === 'companies').map((r) => [r.data.externalCompanyId, r.data.company]),
    );
    expect(sandbox.customObjects('car_c').map((c) => [c.vin, c.year])).to.deep.equal(
      input.records.filter((r) => r.stream === 'car_c').map((r) => [r.data.vin, r.data.year]),
    );
  });
});

describe('destination-marketo against the sandbox: batches in flight together', function () {
  this.timeout(120_000);
  let sandbox: Sandbox;
  startsSandbox({ seed: 13, leadCount: 10, activityCount: 100, latencyMs: 20 }, (s) => (sandbox = s));

  it('a later batch with the same keys waits for the slow earlier one (last row wins); a batch of other keys does not wait', async () => {
    const input = new Input();
    for (const row of leadRows(300)) input.row('leads', { ...row, title: 'first' }); // batch A: slow
    for (const row of leadRows(300)) input.row('leads', { ...row, title: 'second' }); // batch B: the same keys
    for (const row of leadRows(300, 300)) input.row('leads', { ...row, title: 'other' }); // batch C: other keys
    input.state('leads', 'end');
    sandbox.faults.inject({ kind: 'slow', ms: 600, path: /^\/rest\/v1\/leads\.json$/ }); // the first Sync Leads call: batch A
    const result = await write(sandbox, ['leads'], input.text());
    expect(result.exitCode, outcome(result)).to.equal(0);

    // C was written while A was slow; B only after A.
    expect(sandbox.writeLog().map((w) => [w.records, w.created, w.updated])).to.deep.equal([
      [300, 300, 0],
      [300, 300, 0],
      [300, 0, 300],
    ]);
    const titles = new Map(sandbox.leads().map((l) => [l.email, l.title]));
    expect(leadRows(300).filter((r) => titles.get(r.email as string) !== 'second')).to.deep.equal([]);
    expect(leadRows(300, 300).filter((r) => titles.get(r.email as string) !== 'other')).to.deep.equal([]);
    expect(sandbox.leads().length).to.equal(10 + 600); // no key created twice
    expect(echoedStates(result)).to.deep.equal([{ stream: 'leads', cursor: 'end', recordCount: 900, rejectedRecordCount: 0 }]);
  });
});

describe('destination-marketo against the sandbox: a write stopped mid-stream', function () {
  this.timeout(120_000);
  let sandbox: Sandbox;
  // Every call takes 100 ms, so the kill lands while batches are still being written.
  startsSandbox({ seed: 6, leadCount: 10, activityCount: 100, latencyMs: 100 }, (s) => (sandbox = s));

  it("SIGKILL after the third echoed state: every echoed state's rows are in Marketo, none echoed before its rows", async () => {
    const input = windowedLeads(8, 150);
    const problems: string[] = [];
    // Two batches in flight at a time, so that most windows are still to be written when the kill lands.
    const result = await write(sandbox, ['leads'], input.text(), {
      config: { max_concurrent_calls: 2 },
      killAfter: statesOnlyAfterTheirRows(sandbox, input, problems, (states) => states === 3),
    });
    expect(result.killed).to.equal(true);
    expect(problems).to.deep.equal([]);
    expect(echoedStates(result)).to.deep.equal(input.expectedStates().slice(0, 3));
    // Afterwards too: all rows of the three windows (the rows after the last echoed state may or may not be written).
    const leads = leadsByEmail(sandbox);
    expect(input.records.slice(0, 450).filter((r) => !holds(leads, r.data)).length).to.equal(0);
    expect(input.records.filter((r) => holds(leads, r.data)).length, 'rows written when killed').to.be.below(1200);
  });

  it('stdin closed in the middle of a window: the states read are echoed after their rows, the rest is written without a state', async () => {
    const input = windowedLeads(4, 150);
    const cut = input.lines.indexOf(stateLine('leads', 3)) + 76; // window 4 half read
    async function* closedEarly(): AsyncGenerator<string> {
      for (const line of input.lines.slice(0, cut)) yield line + '\n';
    }
    const problems: string[] = [];
    const result = await write(sandbox, ['leads'], closedEarly(), { killAfter: statesOnlyAfterTheirRows(sandbox, input, problems) });
    expect(result.exitCode, outcome(result)).to.equal(0);
    expect(problems).to.deep.equal([]);
    expect(echoedStates(result)).to.deep.equal(input.expectedStates().slice(0, 3));
    const leads = leadsByEmail(sandbox);
    expect(input.records.filter((r) => r.line < cut && !holds(leads, r.data))).to.deep.equal([]);
    expect(input.records.filter((r) => r.line >= cut && holds(leads, r.data))).to.deep.equal([]);
  });
});

describe('destination-marketo against the sandbox: malformed input and catalogs', function () {
  this.timeout(120_000);
  let sandbox: Sandbox;
  startsSandbox({ seed: 8, leadCount: 10, activityCount: 100 }, (s) => (sandbox = s), 'once');

  /** Runs `lines` into `leads` (+ car_c): the run must fail with exactly `message`, after writing the rows before the bad line. */
  async function failsAt(lines: string[], bad: number, message: string, failureType: string): Promise<RunResult> {
    const result = await write(sandbox, ['leads', 'car_c'], lines.join('\n') + '\n');
    expect(result.exitCode).to.equal(1);
    const errors = result.traces('ERROR');
    expect(errors.map((t: any) => [t.error.message, t.error.failure_type])).to.deep.equal([[message, failureType]]);
    const leads = leadsByEmail(sandbox);
    lines.forEach((line, i) => {
      const message = parsed(line);
      if (message?.type !== 'RECORD' || message.record.stream !== 'leads' || !message.record.data.email) return;
      expect(holds(leads, message.record.data), `line ${i + 1} written`).to.equal(i < bad);
    });
    return result;
  }

  it('a line that is not JSON: the rows before it are written and their state echoed, then the run stops naming the line', async () => {
    const rows = leadRows(6, 0, 'json.example.com').map((r) => recordLine('leads', r));
    const lines = [...rows.slice(0, 3), stateLine('leads', 1), ...rows.slice(3, 5), '{"type": "RECORD", oops', rows[5]];
    const result = await failsAt(lines, 6, 'Input line 7 is not JSON. Every line on stdin must be one Airbyte message.', 'system_error');
    expect(echoedStates(result)).to.deep.equal([{ stream: 'leads', cursor: 1, recordCount: 3, rejectedRecordCount: 0 }]);
    expect(JSON.stringify(result.messages)).not.to.contain('oops');
  });

  it('a RECORD of a stream outside the catalog', async () => {
    const rows = leadRows(3, 0, 'stream.example.com').map((r) => recordLine('leads', r));
    const lines = [rows[0], stateLine('leads', 1), rows[1], recordLine('contacts', { email: 'x@stream.example.com' }), rows[2]];
    const result = await failsAt(
      lines,
      3,
      "Input line 4 is a RECORD for stream 'contacts', which is not in the configured catalog (streams: 'leads', 'car_c').",
      'system_error',
    );
    expect(echoedStates(result)).to.deep.equal([{ stream: 'leads', cursor: 1, recordCount: 1, rejectedRecordCount: 0 }]);
  });

  it('a lead row without its lookup field, and a car without its dedupe field: rejected alone, the rest written, the states echoed', async () => {
    const rows = leadRows(3, 0, 'key.example.com');
    const input = new Input()
      .row('leads', rows[0])
      .row('leads', rows[1])
      .state('leads', 1)
      .row('leads', { firstName: 'Nokey', email: '  ' }, { rejected: true })
      .row('car_c', { vin: 'V-1', make: 'Fiat' })
      .row('car_c', { make: 'Opel' }, { rejected: true })
      .state('car_c', 1)
      .row('leads', rows[2])
      .state('leads', 2);
    const result = await write(sandbox, ['leads', 'car_c'], input.text(), { config: { rejected_row_threshold: 0.5 } });
    expect(result.exitCode, outcome(result)).to.equal(0);
    const leads = leadsByEmail(sandbox);
    expect(rows.map((r) => holds(leads, r))).to.deep.equal([true, true, true]);
    expect(sandbox.leads().filter((l) => l.firstName === 'Nokey')).to.deep.equal([]);
    expect(sandbox.customObjects('car_c').map((c) => [c.vin, c.make])).to.deep.equal([['V-1', 'Fiat']]);
    expect(echoedStates(result)).to.deep.equal(input.expectedStates());
    expect(echoedStates(result).map((s) => s.rejectedRecordCount)).to.deep.equal([0, 1, 1]);
    expect(result.logMessages('WARN')).to.deep.equal([
      "Stream 'leads', input line 4, row 3: rejected: no value for 'email', the lead_lookup_field; a row needs it to be matched to a Marketo record (fix the source data or the mapping).",
      "Stream 'car_c', input line 6, row 2: rejected: no value for 'vin', the dedupe field of custom object 'car_c'; a row needs it to be matched to a Marketo record (fix the source data or the mapping).",
    ]);
  });

  it('a catalog stream that is no Marketo object fails at once, naming it and listing what exists', async () => {
    const writesBefore = sandbox.writeLog().length;
    const result = await run(
      DESTINATION,
      ['write', '--config', writeJsonTemp(destinationConfig(sandbox)), '--catalog', writeJsonTemp(catalog('leads', 'cars', 'car_c'))],
      {
        stdin:
          leadRows(3, 0, 'catalog.example.com')
            .map((r) => recordLine('leads', r))
            .join('\n') + '\n',
      },
    );
    expect(result.exitCode).to.equal(1);
    expect(result.traces('ERROR').map((t: any) => [t.error.message, t.error.failure_type])).to.deep.equal([
      [
        "Stream 'cars' matches no Marketo object. This destination writes 'leads', 'companies' and streams named like a custom object's API name; this subscription's custom objects: 'car_c'.",
        'config_error',
      ],
    ]);
    expect(sandbox.writeLog().length).to.equal(writesBefore);
    expect(result.states()).to.deep.equal([]);
  });
});

describe('destination-marketo against the sandbox: whole-request faults during a write', function () {
  this.timeout(120_000);
  let sandbox: Sandbox;
  startsSandbox({ seed: 9, leadCount: 10, activityCount: 100 }, (s) => (sandbox = s));

  const syncCalls = () => sandbox.writeLog().filter((w) => w.object === 'leads' && w.operation === 'sync');

  /** The input up to its first STATE; once that window is in Marketo, `meanwhile` (faults for what follows); then the rest. */
  async function* afterTheFirstWindow(input: Input, meanwhile: () => void): AsyncGenerator<string> {
    const firstState = input.lines.indexOf(stateLine('leads', 1));
    for (const line of input.lines.slice(0, firstState + 1)) yield line + '\n';
    await waitFor(() => syncCalls().length === 1, 'the first batch');
    meanwhile();
    for (const line of input.lines.slice(firstState + 1)) yield line + '\n';
  }

  it('606, 615, 502, a dropped connection and an expired token on a batch: retried, and the result is exact', async () => {
    const input = windowedLeads(3, 300);
    // Once the first batch is written, the next calls to Sync Leads meet every fault in turn, then an expired token.
    const faulty = afterTheFirstWindow(input, () => {
      sandbox.faults.inject({ kind: 'error', code: '606', path: /^\/rest\/v1\/leads\.json$/ });
      sandbox.faults.inject({ kind: 'error', code: '615', path: /^\/rest\/v1\/leads\.json$/ });
      sandbox.faults.inject({ kind: 'http', status: 502, path: /^\/rest\/v1\/leads\.json$/ });
      sandbox.faults.inject({ kind: 'drop', path: /^\/rest\/v1\/leads\.json$/ });
      sandbox.expireAllTokens();
    });
    const problems: string[] = [];
    const result = await write(sandbox, ['leads'], faulty, { killAfter: statesOnlyAfterTheirRows(sandbox, input, problems) });
    expect(result.exitCode, outcome(result)).to.equal(0);
    expect(problems).to.deep.equal([]);
    expect(sandbox.faults.pending()).to.deep.equal([]);

    const leads = leadsByEmail(sandbox);
    expect(input.records.filter((r) => !holds(leads, r.data))).to.deep.equal([]);
    expect(sandbox.leads().length).to.equal(10 + 900);
    expect(echoedStates(result)).to.deep.equal(input.expectedStates());
    // Each batch reached Sync Leads exactly once: the faulted attempts never got to it.
    expect(syncCalls().map((w) => [w.records, w.created, w.error ?? null])).to.deep.equal([
      [300, 300, null],
      [300, 300, null],
      [300, 300, null],
    ]);
    // Windows 2 and 3 are written concurrently: the faults fall on either batch, in any order.
    const leadCalls = sandbox.counters.calls().filter((c) => c.path === '/rest/v1/leads.json');
    const outcomes = leadCalls.map((c) => String(c.code ?? c.status));
    expect(outcomes.filter((o) => o !== '602')).to.have.members(['200', '606', '615', '502', '0', '200', '200']);
    expect(outcomes.filter((o) => o === '602').length).to.be.within(1, 2); // each batch in flight meets the expired token at most once
    const retries = result.logMessages('WARN').filter((m) => m.startsWith('Marketo: '));
    expect(retries.map((m) => m.replace(/; retry \d in [\d.]+ s\.$/, ''))).to.have.members([
      "Marketo: 606 Max rate limit '100' exceeded with in '20' secs on POST /rest/v1/leads.json",
      'Marketo: 615 Concurrent access limit reached on POST /rest/v1/leads.json',
      'Marketo: HTTP 502 on POST /rest/v1/leads.json',
      'Marketo: network error: UND_ERR_SOCKET (other side closed) on POST /rest/v1/leads.json',
    ]);
  });

  it('a batch failing after every retry: the run fails, no state after it is echoed, and a rerun from the last echoed state is exact', async () => {
    const input = windowedLeads(3, 300);
    // Every call after the first batch fails: whichever batch is in flight exhausts its 8 attempts.
    const failing = afterTheFirstWindow(input, () => sandbox.faults.inject({ kind: 'http', status: 502, times: 1000, path: /^\/rest\/v1\/leads\.json$/ }));
    const problems: string[] = [];
    const failed = await write(sandbox, ['leads'], failing, { killAfter: statesOnlyAfterTheirRows(sandbox, input, problems) });
    expect(failed.exitCode).to.equal(1);
    expect(problems).to.deep.equal([]);
    expect(failed.traces('ERROR').map((t: any) => [t.error.message, t.error.failure_type])).to.deep.equal([
      ['Marketo kept failing on POST /rest/v1/leads.json after 8 attempts (last: HTTP 502). The next sync resumes from the saved state.', 'transient_error'],
    ]);
    const echoed = echoedStates(failed);
    expect(echoed).to.deep.equal(input.expectedStates().slice(0, 1));

    expect(syncCalls().length).to.equal(1);

    // Airbyte starts the next sync from the last echoed state: the source sends what came after it.
    sandbox.faults.clear();
    const rerun = await write(sandbox, ['leads'], input.lines.slice(input.lines.indexOf(stateLine('leads', 1)) + 1).join('\n') + '\n');
    expect(rerun.exitCode, outcome(rerun)).to.equal(0);
    expect(echoedStates(rerun)).to.deep.equal(input.expectedStates().slice(1));
    const leads = leadsByEmail(sandbox);
    expect(input.records.filter((r) => !holds(leads, r.data))).to.deep.equal([]);
    expect(sandbox.leads().length).to.equal(10 + 900);
  });
});

describe('destination-marketo against the sandbox: deletes', function () {
  this.timeout(120_000);
  let sandbox: Sandbox;
  startsSandbox({ seed: 10, leadCount: 12, activityCount: 100 }, (s) => (sandbox = s), 'once');
  before(() => {
    // The warehouse's primary key, held in a custom lead field: the usual lead_lookup_field.
    sandbox.addLeadField({ name: 'warehouseId', displayName: 'Warehouse Id', dataType: 'string', length: 64 });
    for (const id of [5, 6, 7]) sandbox.updateLead(id, { warehouseId: `W-${id}` });
    for (const id of [8, 9]) sandbox.updateLead(id, { warehouseId: 'W-89' }); // a value two leads share
  });

  it('deletes leads by lead_lookup_field, companies and cars by their keys; the last row of a key wins; deletes of what is gone are not rejections', async () => {
    const input = new Input()
      .row('companies', { externalCompanyId: 'C-1', company: 'One' })
      .row('companies', { externalCompanyId: 'C-2', company: 'Two' })
      .row('car_c', { vin: 'V-1', make: 'Audi' })
      .row('car_c', { vin: 'V-2', make: 'BMW' })
      .state('car_c', 1)
      .row('leads', { warehouseId: 'W-5', ...DELETED })
      .row('leads', { warehouseId: 'W-89', ...DELETED })
      .row('leads', { warehouseId: 'W-404', ...DELETED })
      .row('leads', { warehouseId: 'W-6', title: 'Kept' })
      .row('leads', { warehouseId: 'W-7', title: 'Upserted, then deleted' })
      .row('leads', { warehouseId: 'W-7', ...DELETED })
      .row('leads', { warehouseId: 'W-NEW', ...DELETED })
      .row('leads', { warehouseId: 'W-NEW', email: 'new@example.com', firstName: 'Newton' })
      .row('companies', { externalCompanyId: 'C-1', ...DELETED })
      .row('companies', { externalCompanyId: 'C-3', ...DELETED })
      .row('car_c', { vin: 'V-2', ...DELETED })
      .row('car_c', { vin: 'V-3', ...DELETED })
      .state('car_c', 2);
    const result = await write(sandbox, ['leads', 'companies', 'car_c'], input.text(), { config: { lead_lookup_field: 'warehouseId' } });
    expect(result.exitCode, outcome(result)).to.equal(0);

    expect(sandbox.leads().map((l) => l.id)).to.deep.equal([1, 2, 3, 4, 6, 10, 11, 12, sandbox.leads().at(-1)!.id]);
    expect(sandbox.lead(6)?.title).to.equal('Kept');
    expect(leadValues(sandbox.leads().at(-1))).to.deep.equal({ warehouseId: 'W-NEW', email: 'new@example.com', firstName: 'Newton', mktoName: 'Newton' });
    expect(sandbox.companies().map((c) => c.externalCompanyId)).to.deep.equal(['C-2']);
    expect(sandbox.customObjects('car_c').map((c) => c.vin)).to.deep.equal(['V-1']);
    // Deleted leads are Delete Lead activities, as when deleted in Marketo.
    expect(
      [...sandbox.activities()]
        .filter((a) => a.activityTypeId === 37)
        .map((a) => a.leadId)
        .filter((id) => id <= 12)
        .sort(),
    ).to.deep.equal([5, 7, 8, 9]);

    expect(echoedStates(result)).to.deep.equal(input.expectedStates());
    expect(result.logMessages('INFO')).to.include.members([
      "Stream 'leads', warehouseId=W-89: 2 Marketo leads hold this warehouseId; all of them are deleted.",
      "Stream 'leads': 8 records: 1 created, 1 updated, 3 deleted, 1 delete of records Marketo did not have, 0 rejected, 2 replaced by a later row with the same key.",
      "Stream 'companies': 4 records: 2 created, 0 updated, 1 deleted, 1 delete of records Marketo did not have, 0 rejected, 0 replaced by a later row with the same key.",
      "Stream 'car_c': 4 records: 2 created, 0 updated, 1 deleted, 1 delete of records Marketo did not have, 0 rejected, 0 replaced by a later row with the same key.",
    ]);
    expect(result.logMessages('WARN')).to.deep.equal([]);
  });
});

describe('destination-marketo against the sandbox: check', function () {
  let sandbox: Sandbox;
  startsSandbox({ seed: 12, leadCount: 5, activityCount: 50 }, (s) => (sandbox = s), 'once');

  const check = (config: Record<string, unknown>) => run(DESTINATION, ['check', '--config', writeJsonTemp(config)]);

  it('succeeds with good credentials', async () => {
    const result = await check(destinationConfig(sandbox));
    expect(result.exitCode).to.equal(0);
    expect(checkConnection(result.messages, 'succeed')).to.deep.equal([]);
  });

  const failures: Array<[string, Record<string, unknown>, string]> = [
    [
      'a wrong client secret',
      { client_secret: 'not-the-secret-4711' },
      'Marketo refused the client id and secret (Bad client credentials). Check them in Admin > LaunchPoint > View Details, and that the API user is active.',
    ],
    [
      'a lead_lookup_field Marketo does not know',
      { lead_lookup_field: 'warehouse_key' },
      "'lead_lookup_field' is 'warehouse_key', which is not a lead field Marketo's REST API knows (Describe Lead). Use email or the REST name of a custom field.",
    ],
  ];
  for (const [label, extra, message] of failures) {
    it(`answers FAILED with a clear message for ${label}, and never prints the secret`, async () => {
      const config = destinationConfig(sandbox, extra);
      const result = await check(config);
      expect(result.exitCode).to.equal(0);
      expect(checkConnection(result.messages, 'failed')).to.deep.equal([]);
      expect(result.messages.find((m) => m.type === 'CONNECTION_STATUS').connectionStatus.message).to.equal(message);
      expect(result.stdoutLines.join('\n') + result.stderr).not.to.contain(String(config.client_secret));
    });
  }
});

describe('destination-marketo against the sandbox: lead partitions', function () {
  this.timeout(120_000);
  let sandbox: Sandbox;
  const partitions = [
    { id: 1, name: 'Default', description: 'Initial system lead partition' },
    { id: 2, name: 'Mexico', description: 'Leads that live in Mexico' },
  ];
  startsSandbox({ seed: 14, leadCount: 10, activityCount: 100, leadPartitions: partitions }, (s) => (sandbox = s));

  const rowsOf = (existing: Lead) => [
    { email: 'nuevo@example.com', firstName: 'Nuevo' },
    { email: existing.email, title: 'Updated' },
  ];

  it('without lead_partition_name, Marketo refuses each new lead (1009): rejected with the setting to set, existing leads updated', async () => {
    const existing = sandbox.leads()[0];
    const input = new Input().row('leads', rowsOf(existing)[0], { rejected: true }).row('leads', rowsOf(existing)[1]).state('leads', 1);
    const result = await write(sandbox, ['leads'], input.text(), { config: { rejected_row_threshold: 1 } });
    expect(result.exitCode, outcome(result)).to.equal(0);
    expect(sandbox.leads().filter((l) => l.email === 'nuevo@example.com')).to.deep.equal([]);
    expect(sandbox.lead(existing.id)?.title).to.equal('Updated');
    expect(echoedStates(result)).to.deep.equal(input.expectedStates());
    expect(result.logMessages('WARN')).to.deep.equal([
      "Stream 'leads', input line 1, email=nuevo@example.com: rejected: 1009 Partition name must be specified (this Marketo instance has several lead partitions: set lead_partition_name to the one new leads belong in).",
    ]);
  });

  it('with lead_partition_name, new leads are created in that partition; a lead of another partition is refused (1010)', async () => {
    const existing = sandbox.leads()[0];
    sandbox.counters.reset();
    const input = new Input().row('leads', rowsOf(existing)[0]).row('leads', rowsOf(existing)[1], { rejected: true }).state('leads', 1);
    const result = await write(sandbox, ['leads'], input.text(), { config: { lead_partition_name: 'Mexico', rejected_row_threshold: 1 } });
    expect(result.exitCode, outcome(result)).to.equal(0);
    const created = sandbox.leads().find((l) => l.email === 'nuevo@example.com')!;
    expect(created.firstName).to.equal('Nuevo');
    expect(sandbox.leadPartitionOf(created.id)).to.deep.equal(partitions[1]);
    expect(sandbox.lead(existing.id)?.title).to.not.equal('Updated');
    expect(echoedStates(result)).to.deep.equal(input.expectedStates());
    expect(result.logMessages('WARN')).to.deep.equal([
      `Stream 'leads', input line 2, email=${String(existing.email)}: rejected: 1010 Partition update not allowed (the lead lives in another partition than lead_partition_name).`,
    ]);
    // The setting costs one Get Lead Partitions per sync.
    expect(sandbox.counters.byEndpoint()).to.deep.equal({
      'GET /rest/v1/leads/describe.json': 1,
      'GET /rest/v1/leads/partitions.json': 1,
      'GET /rest/v1/companies/describe.json': 1,
      'POST /rest/v1/leads.json': 1,
    });
  });

  it('a lead_partition_name the instance does not have: the write stops before any row, and check fails, naming the partitions there are', async () => {
    const before = sandbox.writeLog().length;
    const message = "'lead_partition_name' is 'Atlantis', which is not a lead partition of this Marketo instance. Its partitions: 'Default', 'Mexico'.";
    const result = await write(sandbox, ['leads'], new Input().row('leads', { email: 'x@example.com' }).state('leads', 1).text(), {
      config: { lead_partition_name: 'Atlantis' },
    });
    expect(result.exitCode).to.equal(1);
    expect(result.traces('ERROR').map((t: any) => [t.error.message, t.error.failure_type])).to.deep.equal([[message, 'config_error']]);
    expect(sandbox.writeLog()).to.have.length(before);

    const checked = await run(DESTINATION, ['check', '--config', writeJsonTemp(destinationConfig(sandbox, { lead_partition_name: 'Atlantis' }))]);
    expect(checked.messages.find((m) => m.type === 'CONNECTION_STATUS').connectionStatus).to.deep.equal({ status: 'FAILED', message });

    const unset = await run(DESTINATION, ['check', '--config', writeJsonTemp(destinationConfig(sandbox))]);
    expect(unset.messages.find((m) => m.type === 'CONNECTION_STATUS').connectionStatus).to.deep.equal({ status: 'SUCCEEDED' });
    expect(unset.logMessages('WARN')).to.deep.equal([
      "This Marketo instance has 2 lead partitions ('Default', 'Mexico'): Marketo refuses to create a lead without a partition name (1009). Set lead_partition_name to the one new leads belong in.",
    ]);
  });
});
