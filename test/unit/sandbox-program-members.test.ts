import { expect } from 'chai';
import { startSandbox, type Sandbox } from '../../sandbox';

type Json = Record<string, any>;

describe('sandbox: Describe Program Member and Get Program Members', function () {
  let sb: Sandbox;
  let token: string;
  const clock = { ms: Date.parse('2026-03-01T12:00:00Z') };

  before(async () => {
    sb = await startSandbox({ seed: 7, leadCount: 120, activityCount: 50, programCount: 3, rateLimit: null, programMemberQueryLimit: 40, now: () => clock.ms });
    const res = await fetch(`${sb.url}/identity/oauth/token?grant_type=client_credentials&client_id=${sb.clientId}&client_secret=${sb.clientSecret}`);
    token = ((await res.json()) as Json).access_token as string;
  });
  after(() => sb.close());

  async function get(path: string): Promise<Json> {
    const res = await fetch(sb.url + path, { headers: { Authorization: `Bearer ${token}` } });
    return (await res.json()) as Json;
  }

  const members = (programId: number, query: string) => get(`/rest/v1/programs/${programId}/members.json?${query}`);
  const errorOf = (body: Json) => [body.success, body.errors?.[0]?.code];

  it('describes the standard and custom fields, the dedupe fields and the searchable fields', async () => {
    const body = await get('/rest/v1/programs/members/describe.json');
    const d = body.result[0];
    expect(d.name).to.equal('API Program Membership');
    expect(d.dedupeFields).to.deep.equal(['leadId', 'programId']);
    expect(d.searchableFields).to.deep.equal([['leadId'], ['registrationCode'], ['reachedSuccess'], ['statusName']]);
    const names = d.fields.map((f: Json) => f.name);
    expect(names).to.include.members(['leadId', 'programId', 'statusName', 'updatedAt', 'membershipDate', 'registrationCode', 'webinarUrl']);
    expect(d.fields.find((f: Json) => f.name === 'registrationCode')).to.include({ dataType: 'string', length: 100, updateable: true });
  });

  it('pages a filter by reachedSuccess with position tokens; default fields; records carry seq', async () => {
    const id = [1201, 1202, 1203].find((p) => sb.programMembers.list(p).length > 10 && sb.programMembers.list(p).length <= 40)!;
    const all = sb.programMembers.list(id);
    const first = await members(id, 'filterType=reachedSuccess&filterValues=true,false&batchSize=10');
    expect(first.moreResult).to.equal(true);
    expect(Object.keys(first.result[0]).sort()).to.deep.equal(['acquiredBy', 'leadId', 'membershipDate', 'programId', 'reachedSuccess', 'seq']);
    const leads: number[] = first.result.map((m: Json) => m.leadId);
    let next = first.nextPageToken as string | undefined;
    while (next) {
      const page = await members(id, `filterType=reachedSuccess&filterValues=true,false&batchSize=10&nextPageToken=${next}`);
      leads.push(...page.result.map((m: Json) => m.leadId));
      next = page.moreResult ? page.nextPageToken : undefined;
    }
    expect(leads).to.deep.equal(all.map((m) => m.leadId));
  });

  it('refuses what Marketo refuses: no filterType or filterValues, unknown or unsearchable fields, unknown programs', async () => {
    expect(errorOf(await members(1201, 'filterValues=1'))).to.deep.equal([false, '1002']);
    expect(errorOf(await members(1201, 'filterType=leadId'))).to.deep.equal([false, '1002']);
    expect(errorOf(await members(1201, 'filterType=nope&filterValues=1'))).to.deep.equal([false, '1006']);
    expect(errorOf(await members(1201, 'filterType=membershipDate&filterValues=1'))).to.deep.equal([false, '1011']);
    expect(errorOf(await members(1201, 'filterType=leadId&filterValues=1&fields=nope'))).to.deep.equal([false, '1006']);
    expect(errorOf(await members(9999, 'filterType=leadId&filterValues=1'))).to.deep.equal([false, '1013']);
  });

  it('updatedAt: a range of at most 7 days, exclusive bounds, no milliseconds; filterValues still required', async () => {
    clock.ms = Date.parse('2026-03-01T12:30:00Z');
    const lead = sb.leads().find((l) => !sb.programMembers.list(1201).some((m) => m.leadId === l.id))!.id;
    expect(sb.programMembers.setStatus(1201, [lead], 'Registered')).to.deep.equal([lead]);
    const range = (from: string, to: string) => `filterType=updatedAt&filterValues=x&startAt=${from}&endAt=${to}&fields=leadId,statusName,updatedAt`;
    const hit = await members(1201, range('2026-03-01T12:00:00Z', '2026-03-01T13:00:00Z'));
    expect(hit.result.map((m: Json) => [m.leadId, m.statusName, m.updatedAt])).to.deep.equal([[lead, 'Registered', '2026-03-01T12:30:00Z']]);
    expect((await members(1201, range('2026-03-01T12:30:00Z', '2026-03-01T13:00:00Z'))).result).to.deep.equal([]);
    expect(errorOf(await members(1201, range('2026-02-20T00:00:00Z', '2026-03-01T13:00:00Z')))).to.deep.equal([false, '1003']);
    expect(errorOf(await members(1201, range('2026-03-01T12:00:00.000Z', '2026-03-01T13:00:00Z')))).to.deep.equal([false, '1001']);
    expect(errorOf(await members(1201, 'filterType=updatedAt&startAt=2026-03-01T12:00:00Z&endAt=2026-03-01T13:00:00Z'))).to.deep.equal([false, '1002']);
    const logged = [...sb.activities()].filter((a) => a.activityTypeId === 104 && a.leadId === lead);
    expect(logged.map((a) => a.primaryAttributeValueId)).to.deep.equal([1201]);
  });

  it('answers 1003 past the membership ceiling, except by leadId', async () => {
    const big = [1201, 1202, 1203].find((id) => sb.programMembers.list(id).length > 40);
    const id = big ?? 1201;
    if (!big)
      sb.programMembers.setStatus(
        id,
        sb
          .leads()
          .map((l) => l.id)
          .slice(0, 60),
        'Invited',
      );
    const body = await members(id, 'filterType=reachedSuccess&filterValues=true,false');
    expect(errorOf(body)).to.deep.equal([false, '1003']);
    expect(body.errors[0].message).to.match(/^Matching membership size: \d+ exceeds the limit allowed \(40\) for this api$/);
    const some = sb.programMembers
      .list(id)
      .slice(0, 2)
      .map((m) => m.leadId);
    expect((await members(id, `filterType=leadId&filterValues=${some.join(',')}`)).result.map((m: Json) => m.leadId)).to.deep.equal(some);
  });

  it('Sync Program Member Status makes leads members or moves them, Delete Program Members removes them; both are in the write log', async () => {
    const post = async (path: string, body: unknown): Promise<Json> => {
      const res = await fetch(sb.url + path, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      return (await res.json()) as Json;
    };
    const inProgram = new Set(sb.programMembers.list(1203).map((m) => m.leadId as number));
    const outsider = sb.leads().find((l) => !inProgram.has(l.id))!.id;
    const member = sb.programMembers.list(1203).find((m) => m.statusName !== 'No Show')!;
    const status = await post('/rest/v1/programs/1203/members/status.json', {
      statusName: 'No Show',
      input: [{ leadId: outsider }, { leadId: member.leadId }, { leadId: 99999 }],
    });
    expect(status.result.map((r: Json) => [r.seq, r.status, r.reasons?.[0]?.code])).to.deep.equal([
      [0, 'created', undefined],
      [1, 'updated', undefined],
      [2, 'skipped', '1004'],
    ]);
    const again = await post('/rest/v1/programs/1203/members/status.json', { statusName: 'No Show', input: [{ leadId: outsider }] });
    expect(again.result[0]).to.include({ status: 'skipped' });
    expect(errorOf(await post('/rest/v1/programs/1203/members/status.json', { statusName: 'Partying', input: [{ leadId: outsider }] }))).to.deep.equal([
      false,
      '1003',
    ]);
    const now = sb.programMembers.list(1203).find((m) => m.leadId === outsider)!;
    expect(now).to.include({ statusName: 'No Show', updatedAt: '2026-03-01T12:30:00Z' });
    const deleted = await post('/rest/v1/programs/1203/members/delete.json', { input: [{ leadId: outsider }, { leadId: outsider }] });
    expect(deleted.result.map((r: Json) => [r.status, r.reasons?.[0]?.code])).to.deep.equal([
      ['deleted', undefined],
      ['skipped', '1037'],
    ]);
    expect(
      sb
        .writeLog()
        .slice(-4)
        .map((w) => [w.object, w.operation, w.created, w.updated, w.deleted, w.skipped, w.error]),
    ).to.deep.equal([
      ['program 1203 members', 'sync', 1, 1, 0, 1, undefined],
      ['program 1203 members', 'sync', 0, 0, 0, 1, undefined],
      ['program 1203 members', 'sync', 0, 0, 0, 0, '1003'],
      ['program 1203 members', 'delete', 0, 0, 1, 1, undefined],
    ]);
  });

  it('removed members and members of deleted leads are gone', async () => {
    const [a, b] = sb.programMembers.list(1203).map((m) => m.leadId as number);
    expect(sb.programMembers.remove(1203, [a])).to.deep.equal([a]);
    sb.deleteLead(b);
    const left = (await members(1203, `filterType=leadId&filterValues=${a},${b}`)).result;
    expect(left).to.deep.equal([]);
  });
});
