import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../sandbox';
import { type Json, SandboxClient } from '../harness/sandbox-client';

// The sandbox's Bulk Extract: life cycle, queue limits, the daily export allowance, 1029 in its
// three forms, 1035, 31-day ranges, files as Marketo writes them, Range downloads and expiry.

const STEP_MS = 60_000;

class Clock {
  constructor(public ms: number) {}
  now = (): number => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
}

/** The shared test client, with Bulk Extract's endpoints by name. */
class BulkClient extends SandboxClient {
  call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Json> {
    return method === 'GET' ? this.get(path) : this.post(path, body);
  }

  create(object: 'activities' | 'leads', body: unknown): Promise<Json> {
    return this.call('POST', `/bulk/v1/${object}/export/create.json`, body);
  }

  async createAndEnqueue(object: 'activities' | 'leads', body: unknown): Promise<string> {
    const created = await this.create(object, body);
    expect(created.success, JSON.stringify(created)).to.equal(true);
    const id = created.result[0].exportId;
    const queued = await this.call('POST', `/bulk/v1/${object}/export/${id}/enqueue.json`);
    expect(queued.success, JSON.stringify(queued)).to.equal(true);
    return id;
  }

  async status(object: 'activities' | 'leads', id: string): Promise<Json> {
    const body = await this.call('GET', `/bulk/v1/${object}/export/${id}/status.json`);
    expect(body.success, JSON.stringify(body)).to.equal(true);
    return body.result[0];
  }

  file(object: 'activities' | 'leads', id: string, range?: string): Promise<Response> {
    return this.raw(`/bulk/v1/${object}/export/${id}/file.json`, { headers: range ? { Range: range } : {} });
  }
}

const JANUARY = { createdAt: { startAt: '2026-01-01T00:00:00Z', endAt: '2026-01-31T23:59:59Z' } };

/** A minimal RFC 4180 reader for checking files (the connector uses a real streaming parser). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  return rows;
}

describe('sandbox: bulk extract', function () {
  this.timeout(20_000);
  let sb: Sandbox;
  let clock: Clock;
  let client: BulkClient;

  async function start(opts: SandboxOptions = {}): Promise<void> {
    clock = new Clock(Date.parse('2026-03-01T00:00:00Z'));
    sb = await startSandbox({ activityCount: 3000, startDate: '2026-01-05T00:00:00Z', now: clock.now, deletedLeadsRetentionDays: null, ...opts });
    client = await BulkClient.connect(sb);
  }

  afterEach(async () => {
    await sb?.close();
  });

  it('walks a job through Created, Queued, Processing and Completed, a step at a time, and serves a file equal to what Get Lead Activities serves', async () => {
    await start();
    const created = await client.create('activities', { format: 'CSV', filter: { ...JANUARY, activityTypeIds: [1, 13] } });
    expect(created.result[0]).to.include({ status: 'Created', format: 'CSV' });
    const id = created.result[0].exportId;
    expect(id).to.match(/^[0-9a-f-]{36}$/);
    expect((await client.file('activities', id)).status).to.equal(404);
    await client.call('POST', `/bulk/v1/activities/export/${id}/enqueue.json`);
    expect((await client.status('activities', id)).status).to.equal('Queued');
    clock.advance(STEP_MS - 1);
    expect((await client.status('activities', id)).status).to.equal('Queued');
    clock.advance(1);
    expect((await client.status('activities', id)).status).to.equal('Processing');
    const notReady = await client.file('activities', id);
    expect(notReady.status).to.equal(404);
    expect(notReady.headers.get('content-type')).to.match(/text\/plain/);
    clock.advance(STEP_MS);
    const done = await client.status('activities', id);
    expect(done).to.include({ status: 'Completed' });
    expect(done).to.have.keys(
      'exportId',
      'format',
      'status',
      'createdAt',
      'queuedAt',
      'startedAt',
      'finishedAt',
      'numberOfRecords',
      'fileSize',
      'fileChecksum',
    );

    const res = await client.file('activities', id);
    expect(res.status).to.equal(200);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.length).to.equal(done.fileSize);
    expect(`sha256:${createHash('sha256').update(bytes).digest('hex')}`).to.equal(done.fileChecksum);

    const rows = parseCsv(bytes.toString('utf8'));
    expect(rows[0].join(',')).to.equal('marketoGUID,leadId,activityDate,activityTypeId,campaignId,primaryAttributeValueId,primaryAttributeValue,attributes');
    const expected = [...sb.activities()].filter(
      (a) => [1, 13].includes(a.activityTypeId) && a.activityDate >= '2026-01-01' && a.activityDate <= '2026-01-31T23:59:59Z',
    );
    expect(rows.length - 1)
      .to.equal(expected.length)
      .and.to.equal(done.numberOfRecords);
    expect(expected.length).to.be.greaterThan(50);
    rows.slice(1).forEach((row, i) => {
      const a = expected[i];
      expect(row[0]).to.equal(a.marketoGUID);
      expect(Number(row[1])).to.equal(a.leadId);
      expect(row[2]).to.equal(a.activityDate);
      expect(row[4]).to.equal(a.campaignId === undefined ? 'null' : String(a.campaignId));
      expect(JSON.parse(row[7])).to.deep.equal(Object.fromEntries(a.attributes.map((x) => [x.name, x.value])));
    });
  });

  it('serves byte ranges with 206 and Content-Range', async () => {
    await start();
    const id = await client.createAndEnqueue('activities', { filter: JANUARY });
    clock.advance(2 * STEP_MS);
    const { fileSize } = await client.status('activities', id);
    const whole = Buffer.from(await (await client.file('activities', id)).arrayBuffer());
    const part = await client.file('activities', id, 'bytes=100-');
    expect(part.status).to.equal(206);
    expect(part.headers.get('content-range')).to.equal(`bytes 100-${fileSize - 1}/${fileSize}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(whole.subarray(100))).to.equal(true);
    expect(sb.bulkExports.jobs()[0].downloads).to.equal(2);
  });

  it('runs two jobs at once and queues ten, answering 1029 "Too many jobs in queue" beyond, and "Job already queued" to a second enqueue', async () => {
    await start();
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push(await client.createAndEnqueue('activities', { filter: JANUARY }));
    const eleventh = await client.create('activities', { filter: JANUARY });
    const refused = await client.call('POST', `/bulk/v1/activities/export/${eleventh.result[0].exportId}/enqueue.json`);
    expect(refused).to.deep.include({ success: false, errors: [{ code: '1029', message: 'Too many jobs in queue' }] });
    const again = await client.call('POST', `/bulk/v1/activities/export/${ids[0]}/enqueue.json`);
    expect(again.errors).to.deep.equal([{ code: '1029', message: 'Job already queued' }]);
    // Lead jobs share the queue.
    const lead = await client.create('leads', { fields: ['id'], filter: JANUARY });
    expect((await client.call('POST', `/bulk/v1/leads/export/${lead.result[0].exportId}/enqueue.json`)).errors[0].code).to.equal('1029');

    clock.advance(STEP_MS);
    const statuses = async () => Promise.all(ids.map(async (id) => (await client.status('activities', id)).status));
    expect(await statuses()).to.deep.equal(['Processing', 'Processing', ...Array(8).fill('Queued')]);
    clock.advance(STEP_MS);
    expect(await statuses()).to.deep.equal(['Completed', 'Completed', 'Processing', 'Processing', ...Array(6).fill('Queued')]);
    // A cancelled job frees its place at once.
    const cancelled = await client.call('POST', `/bulk/v1/activities/export/${ids[9]}/cancel.json`);
    expect(cancelled.result[0].status).to.equal('Cancelled');
    clock.advance(10 * STEP_MS);
    expect(await statuses()).to.deep.equal([...Array(9).fill('Completed'), 'Cancelled']);
  });

  it('meters file bytes against the daily export allowance: 1029 "Export daily quota 500MB exceeded." for create and enqueue until US Central midnight', async () => {
    await start({ bulkExportDailyQuotaMb: 1 });
    const id = await client.createAndEnqueue('activities', { filter: JANUARY });
    clock.advance(2 * STEP_MS);
    const { fileSize } = await client.status('activities', id);
    expect(sb.bulkExports.exportedBytesToday()).to.equal(fileSize);
    sb.bulkExports.setExportedBytesToday(1024 * 1024);
    expect((await client.create('activities', { filter: JANUARY })).errors).to.deep.equal([{ code: '1029', message: 'Export daily quota 1MB exceeded.' }]);
    // The next day (US Central) the allowance is back.
    clock.advance(24 * 3600_000);
    client = await BulkClient.connect(sb);
    expect((await client.create('activities', { filter: JANUARY })).success).to.equal(true);
  });

  it('enforces 31-day ranges, refuses Delete Lead, and answers 1035 for the updatedAt lead filter where it is not enabled', async () => {
    await start({ bulkLeadUpdatedAtFilter: false });
    const tooLong = await client.create('activities', { filter: { createdAt: { startAt: '2026-01-01T00:00:00Z', endAt: '2026-02-01T00:00:01Z' } } });
    expect(tooLong.errors[0].code).to.equal('1003');
    const exactly = await client.create('activities', { filter: { createdAt: { startAt: '2026-01-01T00:00:00Z', endAt: '2026-02-01T00:00:00Z' } } });
    expect(exactly.success).to.equal(true);
    expect((await client.create('activities', { filter: { ...JANUARY, activityTypeIds: [37] } })).errors[0].code).to.equal('1003');
    expect((await client.create('activities', {})).errors[0].code).to.equal('1002');
    const updated = await client.create('leads', { fields: ['id'], filter: { updatedAt: JANUARY.createdAt } });
    expect(updated.errors).to.deep.equal([{ code: '1035', message: 'Unsupported filter type for target subscription' }]);
    expect((await client.create('leads', { fields: ['id', 'nope'], filter: JANUARY })).errors[0].code).to.equal('1006');
  });

  it('writes lead files with null for empty values and quoted line breaks, filtered on the last change for updatedAt', async () => {
    await start({ leadCount: 20 });
    const lead = sb.createLead({ email: 'multi@example.com', firstName: 'Line\nBreak "quoted", too' });
    const id = await client.createAndEnqueue('leads', {
      fields: ['id', 'email', 'firstName', 'company'],
      filter: { updatedAt: { startAt: '2026-02-28T00:00:00Z', endAt: '2026-03-01T00:00:00Z' } },
    });
    clock.advance(2 * STEP_MS);
    const text = await (await client.file('leads', id)).text();
    expect(text).to.equal(`id,email,firstName,company\n${lead.id},multi@example.com,"Line\nBreak ""quoted"", too",null\n`);
  });

  it('the updatedAt lead filter finds a lead whose only change is a custom field, though its visible updatedAt stays', async () => {
    await start({ leadCount: 20 });
    const lead = sb.leads()[0];
    const before = lead.updatedAt;
    sb.updateLead(lead.id, { integer_field: 4711 }); // at the clock's now, 2026-03-01T00:00:00Z
    expect(sb.lead(lead.id)?.updatedAt).to.equal(before);
    expect(sb.leadLastChangedAt(lead.id)).to.equal('2026-03-01T00:00:00Z');
    const id = await client.createAndEnqueue('leads', {
      fields: ['id', 'integer_field', 'updatedAt'],
      filter: { updatedAt: { startAt: '2026-02-28T00:00:00Z', endAt: '2026-03-01T00:00:00Z' } },
    });
    clock.advance(2 * STEP_MS);
    const text = await (await client.file('leads', id)).text();
    expect(text).to.equal(`id,integer_field,updatedAt\n${lead.id},4711,${String(before)}\n`);
  });

  it("a change through source 'unlogged' logs no activity (no Change Data Value for Get Lead Changes), and only the updatedAt lead filter finds it", async () => {
    await start({ leadCount: 20 });
    const lead = sb.leads()[1];
    const activities = sb.activityCount();
    const changes = [...sb.leadChanges()].length;
    expect(sb.updateLead(lead.id, { integer_field: 815 }, { source: 'unlogged' })).to.deep.equal(['integer_field']);
    expect(sb.lead(lead.id)?.integer_field).to.equal(815);
    expect([sb.activityCount(), [...sb.leadChanges()].length]).to.deep.equal([activities, changes]);
    expect(sb.leadLastChangedAt(lead.id)).to.equal('2026-03-01T00:00:00Z');
    const id = await client.createAndEnqueue('leads', {
      fields: ['id', 'integer_field'],
      filter: { updatedAt: { startAt: '2026-02-28T00:00:00Z', endAt: '2026-03-01T00:00:00Z' } },
    });
    clock.advance(2 * STEP_MS);
    expect(await (await client.file('leads', id)).text()).to.equal(`id,integer_field\n${lead.id},815\n`);
  });

  it('fails jobs on demand and expires files after the retention period', async () => {
    await start();
    sb.bulkExports.failNext();
    const failed = await client.createAndEnqueue('activities', { filter: JANUARY });
    const kept = await client.createAndEnqueue('activities', { filter: JANUARY });
    clock.advance(2 * STEP_MS);
    expect(await client.status('activities', failed)).to.include({ status: 'Failed' });
    expect((await client.status('activities', failed)).errorMsg).to.be.a('string');
    expect((await client.file('activities', kept)).status).to.equal(200);
    clock.advance(7 * 24 * 3600_000 + 1);
    client = await BulkClient.connect(sb);
    expect((await client.status('activities', kept)).status).to.equal('Completed');
    const expired = await client.file('activities', kept);
    expect(expired.status).to.equal(404);
    expect(await expired.text()).to.equal('File has expired');
  });
});
