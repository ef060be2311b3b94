import { expect } from 'chai';
import { startSandbox, Sandbox } from '../../sandbox';
import { checkRecords } from '../harness/acceptance';
import { RunResult } from '../harness/run-connector';
import { catalogFor, committedRecords, discover, nextState, read, sourceConfig } from './support';

const PROGRAMS = 12;
const HOUR = 3600_000;
/** A sandbox without seeded programs: the tests create the one they read. */
const ONE_NEW_PROGRAM = { activityCount: 100, programCount: 0, rateLimit: null };
const MEMBERS = /^GET \/rest\/v1\/programs\/\d+\/members\.json$/;

function emitted(result: RunResult): Record<string, unknown>[] {
  expect(result.exitCode, result.stderr).to.equal(0);
  return result.records('program_members').map((r: any) => r.data);
}

const key = (r: Record<string, unknown>) => `${Number(r.programId)}:${Number(r.leadId)}`;

function calls(sandbox: Sandbox, endpoint: string | RegExp): number {
  return Object.entries(sandbox.counters.byEndpoint())
    .filter(([k]) => (typeof endpoint === 'string' ? k === endpoint : endpoint.test(k)))
    .reduce((sum, [, v]) => sum + v, 0);
}

describe('source-marketo program_members: membership read per program, incrementally on updatedAt', function () {
  this.timeout(180_000);
  let sandbox: Sandbox;
  let discovered: any;
  let columns: string[];
  // A sandbox clock a little behind ours (well inside the 5-minute overlap the cursor keeps), so
  // that what the test changes is stamped before the next sync starts, whatever the second.
  const skewMs = 20_000;

  before(async () => {
    sandbox = await startSandbox({
      seed: 46,
      leadCount: 320,
      activityCount: 200,
      programCount: PROGRAMS,
      rateLimit: null,
      now: () => Date.now() - skewMs,
    });
    discovered = await discover(sourceConfig(sandbox));
    columns = Object.keys(discovered.streams.find((s: any) => s.name === 'program_members').json_schema.properties);
  });
  after(() => sandbox.close());

  const programIds = () => sandbox.assets.programs().map((p) => p.id as number);
  /** Every membership as the stream must emit it: every described column, absent values null. */
  function marketo(): Map<string, Record<string, unknown>> {
    const rows = programIds().flatMap((id) => sandbox.programMembers.list(id));
    return new Map(rows.map((m) => [key(m), Object.fromEntries(columns.map((c) => [c, m[c] ?? null]))]));
  }
  const byKey = (records: Record<string, unknown>[]) => new Map(records.map((r) => [key(r), r]));

  it('discover: keyed by (programId, leadId), cursor updatedAt, the columns of Describe Program Member, custom fields included', () => {
    const stream = discovered.streams.find((s: any) => s.name === 'program_members');
    expect(stream.source_defined_primary_key).to.deep.equal([['programId'], ['leadId']]);
    expect(stream.default_cursor_field).to.deep.equal(['updatedAt']);
    expect(stream.supported_sync_modes).to.deep.equal(['full_refresh', 'incremental']);
    expect(columns).to.include.members([
      'programId',
      'leadId',
      'statusName',
      'reachedSuccess',
      'membershipDate',
      'updatedAt',
      'registrationCode',
      'webinarUrl',
    ]);
    expect(stream.json_schema.properties.programId.type).to.equal('integer');
    expect(stream.json_schema.properties.registrationCode.type).to.deep.equal(['null', 'string']);
  });

  it('full read, then an incremental read that asks Marketo only for what changed: exact memberships, exact calls', async () => {
    // One program with more members than a page holds (joined before the overlap the next sync re-reads).
    const everyone = sandbox.leads().map((l) => l.id);
    sandbox.clock.advance(-HOUR);
    sandbox.programMembers.setStatus(1201, everyone, 'Invited');
    sandbox.clock.advance(HOUR);
    expect(sandbox.programMembers.list(1201).length).to.be.greaterThan(300);
    const catalog = catalogFor(discovered, ['program_members']);

    sandbox.counters.reset();
    const full = await read(sourceConfig(sandbox), catalog);
    expect(checkRecords(full.messages, catalog)).to.deep.equal([]);
    expect(byKey(emitted(full))).to.deep.equal(marketo());
    // Describe, one Get Programs page, then one call per program, two for the one with 320 members.
    expect(sandbox.counters.byEndpoint()['GET /rest/v1/programs/members/describe.json']).to.equal(1);
    expect(calls(sandbox, 'GET /rest/asset/v1/programs.json')).to.equal(1);
    expect(calls(sandbox, MEMBERS)).to.equal(PROGRAMS + 1);
    const stats = full.states('program_members').map((s: any) => s.sourceStats?.recordCount ?? 0);
    expect(stats.reduce((a: number, b: number) => a + b, 0)).to.equal(marketo().size);

    sandbox.counters.reset();
    const idle = await read(sourceConfig(sandbox), catalog, nextState(full));
    expect(emitted(idle)).to.deep.equal([]);
    expect(calls(sandbox, MEMBERS)).to.equal(PROGRAMS); // one updatedAt range per program

    const a = sandbox.programMembers.list(1203).find((m) => m.statusName !== 'Attended')!.leadId as number;
    const b = sandbox.programMembers.list(1203).find((m) => m.leadId !== a)!.leadId as number;
    const outsider = everyone.find((id) => !sandbox.programMembers.list(1204).some((m) => m.leadId === id))!;
    expect(sandbox.programMembers.setStatus(1203, [a], 'Attended')).to.deep.equal([a]);
    sandbox.programMembers.updateData(1203, b, { registrationCode: 'VIP-1' });
    sandbox.programMembers.setStatus(1204, [outsider], 'Registered');
    sandbox.counters.reset();
    const incremental = await read(sourceConfig(sandbox), catalog, nextState(idle));
    const now = marketo();
    expect(byKey(emitted(incremental))).to.deep.equal(new Map([`1203:${a}`, `1203:${b}`, `1204:${outsider}`].map((k) => [k, now.get(k)])));
    expect(now.get(`1203:${a}`)).to.include({ statusName: 'Attended', reachedSuccess: true });
    expect(now.get(`1203:${b}`)).to.include({ registrationCode: 'VIP-1' });
    expect(calls(sandbox, MEMBERS)).to.equal(PROGRAMS);
  });

  it('a sync killed between programs resumes after the last program it saved, reading each remaining program once', async () => {
    const catalog = catalogFor(discovered, ['program_members']);
    // Two programs at a time: a STATE after every second program.
    const config = sourceConfig(sandbox, { max_concurrent_calls: 2 });
    let states = 0;
    const killed = await read(config, catalog, undefined, {
      killAfter: (m) => m.type === 'STATE' && m.state.stream?.stream_descriptor?.name === 'program_members' && ++states === 2,
    });
    expect(killed.killed).to.equal(true);
    const saved = nextState(killed) as any[];
    expect(saved[0].stream.stream_state.pass.nextProgramId).to.equal(programIds()[3] + 1);

    sandbox.counters.reset();
    const resumed = await read(config, catalog, saved);
    expect(calls(sandbox, MEMBERS)).to.equal(PROGRAMS - 4); // none of 1201 (two pages) to 1204 again
    const table = byKey([...committedRecords(killed, 'program_members').map((r) => r.data), ...emitted(resumed)]);
    expect(table).to.deep.equal(marketo());
    expect((nextState(resumed) as any[])[0].stream.stream_state).to.have.keys(['updatedAt']);
  });

  it('a user without Read-Only Lead: program_members fails alone with a config error naming the permission', async () => {
    sandbox.faults.inject({ kind: 'error', code: '603', message: 'Access denied', times: 100, path: /\/rest\/v1\/programs\/\d+\/members/ });
    const result = await read(sourceConfig(sandbox), catalogFor(discovered, ['program_members', 'activity_types'], 'full_refresh'));
    sandbox.faults.clear();
    const errors = result.traces('ERROR').map((t: any) => t.error);
    expect(errors.map((e: any) => [e.stream_descriptor?.name, e.failure_type])).to.deep.equal([['program_members', 'config_error']]);
    expect(errors[0].message).to.contain("'Read-Only Lead' permission");
    expect(result.records('activity_types').length).to.be.greaterThan(0);
  });
});

describe('source-marketo program_members: programs past the ceiling of one query', function () {
  this.timeout(120_000);
  let sandbox: Sandbox;

  before(async () => {
    sandbox = await startSandbox({ ...ONE_NEW_PROGRAM, seed: 47, leadCount: 90, programMemberQueryLimit: 25 });
  });
  after(() => sandbox.close());

  function marketo(programId: number): Set<string> {
    return new Set(sandbox.programMembers.list(programId).map(key));
  }

  it('a program with more members than a query may match is read by updatedAt ranges, halved until each fits', async () => {
    // A program created four hours ago; 60 leads join it in three batches an hour apart.
    sandbox.clock.advance(-4 * HOUR);
    const program = sandbox.assets.createProgram('Big Webinar').id as number;
    const leads = sandbox.leads().map((l) => l.id);
    for (const batch of [0, 1, 2]) {
      sandbox.clock.advance(HOUR);
      sandbox.programMembers.setStatus(program, leads.slice(batch * 20, batch * 20 + 20), 'Invited');
    }
    sandbox.clock.advance(HOUR);
    const discovered = await discover(sourceConfig(sandbox));
    const catalog = catalogFor(discovered, ['program_members']);

    sandbox.counters.reset();
    const full = await read(sourceConfig(sandbox), catalog);
    expect(new Set(emitted(full).map(key))).to.deep.equal(marketo(program));
    expect(marketo(program).size).to.equal(60);
    // The reachedSuccess query and the first range are refused (60 > 25), then the halves are read.
    expect(sandbox.counters.errorsByCode()['1003']).to.be.at.least(2);
    expect(full.traces('ERROR')).to.deep.equal([]);

    // 30 status changes since the cursor (five minutes before the full read began), 100 s apart:
    // the range since the cursor is halved too.
    sandbox.clock.advance(-200_000);
    sandbox.programMembers.setStatus(program, leads.slice(0, 15), 'Registered');
    sandbox.clock.advance(100_000);
    sandbox.programMembers.setStatus(program, leads.slice(15, 30), 'Registered');
    sandbox.clock.advance(100_000);
    sandbox.counters.reset();
    const incremental = await read(sourceConfig(sandbox), catalog, nextState(full));
    expect(new Set(emitted(incremental).map(key))).to.deep.equal(new Set(leads.slice(0, 30).map((l) => `${program}:${l}`)));
    expect(emitted(incremental).every((r) => r.statusName === 'Registered')).to.equal(true);
    expect(sandbox.counters.errorsByCode()['1003']).to.be.at.least(1);
  });
});

describe('source-marketo program_members: an instance where reachedSuccess is not searchable', function () {
  this.timeout(120_000);
  let sandbox: Sandbox;

  before(async () => {
    sandbox = await startSandbox({ ...ONE_NEW_PROGRAM, seed: 48, leadCount: 40, programMemberSearchableFields: ['leadId', 'statusName'] });
  });
  after(() => sandbox.close());

  it('the first sync reads each program by updatedAt ranges from its creation, without trying the reachedSuccess query', async () => {
    sandbox.clock.advance(-10 * 86_400_000); // a program created ten days ago: two 7-day ranges to now
    const program = sandbox.assets.createProgram('Spring Event').id as number;
    sandbox.clock.advance(86_400_000);
    sandbox.programMembers.setStatus(program, [1, 2, 3], 'Invited');
    sandbox.clock.advance(8 * 86_400_000);
    sandbox.programMembers.setStatus(program, [4, 5], 'Registered');
    sandbox.clock.advance(86_400_000 - 60_000);
    const catalog = catalogFor(await discover(sourceConfig(sandbox)), ['program_members']);
    sandbox.counters.reset();
    const full = await read(sourceConfig(sandbox), catalog);
    expect(emitted(full).map((r) => [r.leadId, r.statusName])).to.have.deep.members([
      [1, 'Invited'],
      [2, 'Invited'],
      [3, 'Invited'],
      [4, 'Registered'],
      [5, 'Registered'],
    ]);
    expect(calls(sandbox, MEMBERS)).to.equal(2);
    expect(sandbox.counters.errorsByCode()['1011'] ?? 0).to.equal(0);
  });
});
