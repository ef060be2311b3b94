import { expect } from 'chai';
import { startSandbox, type Activity, type Sandbox, type SandboxOptions } from '../../sandbox';
import { textOf } from '../../protocol/text';
import { COMPANY_FIELD_NAMES } from '../harness/marketo-objects';
import { describedField, type Json, SandboxClient } from '../harness/sandbox-client';

// The sandbox's lead database beyond activities: Get Leads, Sync / Delete / Merge Leads, field
// drift, companies and their link to leads, custom objects, deleted-lead pruning, and the
// in-process / admin helpers that act "in the Marketo UI".

const T0 = Date.parse('2026-02-01T10:00:00Z');
const DAY = 86_400_000;
const REQUEST_ID = /^[0-9a-f]{1,5}#[0-9a-f]{11}$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** A sandbox on a clock the test moves; limits off so a frozen clock does not throttle. */
async function sandboxAt(clock: { now: number }, extra: SandboxOptions = {}): Promise<Sandbox> {
  return startSandbox({
    now: () => clock.now,
    rateLimit: null,
    dailyQuota: null,
    tokenTtlSeconds: 10 * 365 * 86400,
    leadCount: 40,
    activityCount: 400,
    ...extra,
  });
}

/**
 * The sandbox of a describe's tests and a client connected to it, on a clock the tests move (from
 * T0): started before the tests and closed after them, or with `each`, fresh for every test.
 */
function sandboxFixture(options: SandboxOptions = {}, { each = false } = {}): { clock: { now: number }; sb: Sandbox; client: SandboxClient } {
  // sb and client are set by the hook, before any test reads them.
  const env = { clock: { now: T0 } } as { clock: { now: number }; sb: Sandbox; client: SandboxClient };
  (each ? beforeEach : before)(async () => {
    env.clock.now = T0;
    env.sb = await sandboxAt(env.clock, options);
    env.client = await SandboxClient.connect(env.sb);
  });
  (each ? afterEach : after)(async () => env.sb.close());
  return env;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

function activitiesOf(sb: Sandbox, leadId: number, typeId?: number): Activity[] {
  return [...sb.activities()].filter((a) => a.leadId === leadId && (typeId === undefined || a.activityTypeId === typeId));
}

function attributes(a: Activity | Json): Record<string, unknown> {
  return Object.fromEntries((a.attributes as Array<{ name: string; value: unknown }>).map((x) => [x.name, x.value]));
}

function skipped(code: string, message: string): Json {
  return { status: 'skipped', reasons: [{ code, message }] };
}

/** The highest lead id anything has used so far (live leads, generated deletions and merges). */
function highestLeadIdUsed(sb: Sandbox): number {
  let max = Math.max(0, ...sb.leads().map((l) => l.id));
  for (const a of sb.activities()) {
    max = Math.max(max, a.leadId);
    const merged = a.attributes.find((x) => x.name === 'Merge IDs');
    if (merged) for (const id of JSON.parse(String(merged.value)) as number[]) max = Math.max(max, id);
  }
  return max;
}

// ---------------------------------------------------------------------------------------------

describe('sandbox lead database', function () {
  this.timeout(60_000);

  describe('Get Leads by Filter Type and Get Lead by Id', () => {
    const env = sandboxFixture();

    it('answers the default fields in the recorded order, ascending ids, unknown ids left out', async () => {
      const body = await env.client.get('/rest/v1/leads.json?filterType=id&filterValues=3,1,2,99999');
      expect(body).to.have.all.keys('requestId', 'success', 'result');
      expect(body.requestId).to.match(REQUEST_ID);
      const result = body.result as Json[];
      expect(result.map((l) => l.id)).to.deep.equal([1, 2, 3]);
      for (const lead of result) {
        expect(Object.keys(lead)).to.deep.equal(['id', 'firstName', 'lastName', 'email', 'updatedAt', 'createdAt']);
        const stored = env.sb.lead(lead.id) as Json;
        for (const k of Object.keys(lead)) expect(lead[k], k).to.equal(stored[k] ?? null);
        expect(lead.updatedAt).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      }
    });

    it('answers an empty result when nothing matches', async () => {
      const body = await env.client.get('/rest/v1/leads.json?filterType=email&filterValues=nobody@example.com');
      expect(body).to.have.all.keys('requestId', 'success', 'result');
      expect(body.result).to.deep.equal([]);
    });

    it('always returns id, sends explicit null for empty fields and false for an unset boolean', async () => {
      const lead = env.sb.createLead({ email: 'nulls@example.com', firstName: 'Nora' });
      const [got] = await env.client.leads(`filterType=email&filterValues=nulls@example.com&fields=email,lastName,textarea_field,boolean_field,integer_field`);
      expect(got).to.deep.equal({ id: lead.id, email: 'nulls@example.com', lastName: null, textarea_field: null, boolean_field: false, integer_field: null });
    });

    it('matches emails case-insensitively and several values at once', async () => {
      const a = env.sb.lead(4) as Json;
      const b = env.sb.lead(6) as Json;
      const result = await env.client.leads(
        `filterType=email&filterValues=${encodeURIComponent(String(a.email).toUpperCase())},${encodeURIComponent(b.email)}`,
      );
      expect(result.map((l) => l.id)).to.deep.equal([4, 6]);
    });

    it('filters on custom string and integer fields', async () => {
      env.sb.updateLead(7, { integer_field: 424242, email_field: 'custom@example.com' });
      expect((await env.client.leads('filterType=integer_field&filterValues=424242')).map((l) => l.id)).to.deep.equal([7]);
      expect((await env.client.leads('filterType=email_field&filterValues=custom@example.com')).map((l) => l.id)).to.deep.equal([7]);
    });

    it('refuses fields that are not searchable (1011), unknown names (1006), and more than 300 values (1003)', async () => {
      for (const name of ['createdAt', 'updatedAt', 'firstName', 'boolean_field']) {
        const body = await env.client.get(`/rest/v1/leads.json?filterType=${name}&filterValues=x`);
        expect(body, name).to.deep.include({ success: false, errors: [{ code: '1011', message: `Field '${name}' not supported` }] });
      }
      const unknown = await env.client.get('/rest/v1/leads.json?filterType=shoeSize&filterValues=x');
      expect(unknown.errors).to.deep.equal([{ code: '1006', message: "Field 'shoeSize' not found" }]);
      const tooMany = await env.client.get(`/rest/v1/leads.json?filterType=id&filterValues=${Array.from({ length: 301 }, (_, i) => i + 1).join(',')}`);
      expect(tooMany.errors[0].code).to.equal('1003');
      const missing = await env.client.get('/rest/v1/leads.json?filterValues=1');
      expect(missing.errors).to.deep.equal([{ code: '1002', message: "Missing value for required parameter 'filterType'" }]);
      const notInteger = await env.client.get('/rest/v1/leads.json?filterType=id&filterValues=abc');
      expect(notInteger.errors[0].code).to.equal('1001');
    });

    it('answers 1006 at response level for an unknown name in fields', async () => {
      const body = await env.client.get('/rest/v1/leads.json?filterType=id&filterValues=1&fields=email,noSuchField');
      expect(body).to.deep.include({ success: false, errors: [{ code: '1006', message: "Field 'noSuchField' not found" }] });
      expect(body).to.not.have.property('result');
    });

    it('pages with moreResult and nextPageToken when more leads match than batchSize', async () => {
      const pages = await env.client.pages('/rest/v1/leads.json?filterType=id&filterValues=1,2,3,4,5&batchSize=2&fields=email');
      expect(pages.map((p) => (p.result as Json[]).map((l) => l.id))).to.deep.equal([[1, 2], [3, 4], [5]]);
      expect(pages.map((p) => p.moreResult)).to.deep.equal([true, true, undefined]);
      expect(pages[0]?.nextPageToken).to.match(/^[A-Z2-7]+=*$/);
      expect(pages[2]).to.not.have.any.keys('nextPageToken', 'moreResult');
      const bad = await env.client.get('/rest/v1/leads.json?filterType=id&filterValues=1&nextPageToken=garbage');
      expect(bad.errors[0].code).to.equal('1001');
    });

    it('serves values as Marketo gives them: booleans, numbers, YYYY-MM-DD dates, second-resolution UTC datetimes', async () => {
      const res = await env.client.sync([
        {
          email: 'typed@example.com',
          boolean_field: 'true',
          integer_field: '5',
          float_field: 5.4,
          currency_field: '34.66',
          percent_field: 99,
          dateOfBirth: '2020-08-30',
          datetime_field: '2020-08-30T07:49:48.000+02:00',
          textarea_field: 'text is here',
        },
      ]);
      const id = res.result[0].id as number;
      const [lead] = await env.client.leads(
        `filterType=id&filterValues=${id}&fields=boolean_field,integer_field,float_field,currency_field,percent_field,dateOfBirth,datetime_field,textarea_field`,
      );
      expect(lead).to.deep.equal({
        id,
        boolean_field: true,
        integer_field: 5,
        float_field: 5.4,
        currency_field: 34.66,
        percent_field: 99,
        dateOfBirth: '2020-08-30',
        datetime_field: '2020-08-30T05:49:48Z',
        textarea_field: 'text is here',
      });
    });

    it('answers 1003 "Too many results match the filter" beyond 1000 matches', async () => {
      const big = await startSandbox({ leadCount: 1005, activityCount: 10, rateLimit: null });
      try {
        big.addLeadField({ name: 'segment', displayName: 'Segment', dataType: 'string', length: 255 });
        for (const lead of big.leads()) big.updateLead(lead.id, { segment: 'all' });
        const c = await SandboxClient.connect(big);
        const body = await c.get('/rest/v1/leads.json?filterType=segment&filterValues=all');
        expect(body).to.deep.include({ success: false, errors: [{ code: '1003', message: 'Too many results match the filter' }] });
        big.updateLead(1, { segment: 'other' });
        big.updateLead(2, { segment: 'other' });
        big.updateLead(3, { segment: 'other' });
        big.updateLead(4, { segment: 'other' });
        big.updateLead(5, { segment: 'other' });
        const pages = await c.pages('/rest/v1/leads.json?filterType=segment&filterValues=all&fields=id');
        expect(pages.map((p) => (p.result as Json[]).length)).to.deep.equal([300, 300, 300, 100]);
      } finally {
        await big.close();
      }
    });

    it('takes a long query as POST _method=GET (form body), where the GET URI answers 414', async () => {
      const fields = env.sb.leadFields().flatMap((f) => (f.rest ? [f.rest.name] : []));
      const ids = Array.from({ length: 300 }, (_, i) => i + 1).join(',');
      const query = `filterType=id&filterValues=${ids}&fields=${Array.from({ length: 8 }, () => fields)
        .flat()
        .join(',')}`;
      expect(query.length).to.be.greaterThan(8192);
      expect((await env.client.raw(`/rest/v1/leads.json?${query}`)).status).to.equal(414);
      const inQuery = await env.client.postForm('/rest/v1/leads.json?_method=GET', query);
      expect(inQuery.success, JSON.stringify(inQuery.errors)).to.equal(true);
      const inBody = await env.client.postForm('/rest/v1/leads.json', `${query}&_method=GET`);
      expect(inBody.result).to.deep.equal(inQuery.result);
      const result = inQuery.result as Json[];
      expect(result.map((l) => l.id)).to.deep.equal(
        env.sb
          .leads()
          .filter((l) => l.id <= 300)
          .map((l) => l.id),
      );
      expect(Object.keys(result[0])).to.deep.equal(['id', ...fields.filter((f) => f !== 'id')]);
      expect(env.sb.counters.byEndpoint()['GET /rest/v1/leads.json']).to.be.at.least(2);
    });

    it('Get Lead by Id: default fields, chosen fields, empty result for an unknown id', async () => {
      const one = await env.client.get('/rest/v1/lead/5.json');
      expect(one.result).to.have.length(1);
      expect(Object.keys(one.result[0])).to.deep.equal(['id', 'firstName', 'lastName', 'email', 'updatedAt', 'createdAt']);
      const chosen = await env.client.get('/rest/v1/lead/5.json?fields=email,lastName');
      expect(chosen.result).to.deep.equal([{ id: 5, email: env.sb.lead(5)?.email, lastName: env.sb.lead(5)?.lastName ?? null }]);
      expect((await env.client.get('/rest/v1/lead/999999.json')).result).to.deep.equal([]);
      expect((await env.client.get('/rest/v1/lead/5.json?fields=nope')).errors[0].code).to.equal('1006');
    });
  });

  describe('Sync Leads', () => {
    // Deletions kept, so that every lead id ever used shows in the activities.
    const env = sandboxFixture({ deletedLeadsRetentionDays: null }, { each: true });

    it('creates leads with the next ids, createdAt = updatedAt = now, and one New Lead activity each', async () => {
      const next = highestLeadIdUsed(env.sb) + 1;
      const res = await env.client.sync([
        { email: 'ann@example.com', firstName: 'Ann', leadSource: 'Webinar' },
        { email: 'bob@example.com' },
        { email: 'cy@example.com' },
      ]);
      expect(res).to.have.all.keys('requestId', 'success', 'result');
      expect(res.result).to.deep.equal([
        { id: next, status: 'created' },
        { id: next + 1, status: 'created' },
        { id: next + 2, status: 'created' },
      ]);
      expect(env.sb.lead(next)).to.deep.include({ email: 'ann@example.com', firstName: 'Ann', createdAt: iso(T0), updatedAt: iso(T0), mktoName: 'Ann' });
      const [created] = activitiesOf(env.sb, next);
      expect(activitiesOf(env.sb, next)).to.have.length(1);
      expect(created).to.deep.include({ activityTypeId: 12, activityDate: iso(T0), primaryAttributeValueId: next, primaryAttributeValue: 'Ann' });
      expect(attributes(created)).to.deep.equal({ 'Created Date': '2026-02-01', 'Lead Source': 'Webinar', 'Source Type': 'Web service API' });
      const changes = await env.client.walkSince('/rest/v1/activities/leadchanges.json', iso(T0 - 1000), '&fields=email');
      expect(changes.filter((c) => c.activityTypeId === 12).map((c) => c.leadId)).to.deep.equal([next, next + 1, next + 2]);
    });

    it('updates: one Change Data Value per changed field with the API attributes, updatedAt only when something changed', async () => {
      const id = (await env.client.sync([{ email: 'ann@example.com', firstName: 'Ann', title: 'CTO' }])).result[0].id as number;
      env.clock.now = T0 + 60_000;
      const res = await env.client.sync([{ email: 'ann@example.com', firstName: 'Anna', title: 'CTO', textarea_field: 'note' }]);
      expect(res.result).to.deep.equal([{ id, status: 'updated' }]);
      const changes = activitiesOf(env.sb, id, 13);
      expect(changes.map((a) => a.primaryAttributeValue)).to.deep.equal(['First Name', 'textarea_field']);
      const [first] = changes as [Activity];
      expect(first).to.deep.include({ activityDate: iso(T0 + 60_000), primaryAttributeValueId: 53 });
      expect(first.attributes).to.deep.equal([
        { name: 'Api Method Name', value: 'syncLead' },
        { name: 'Modifying User', value: env.sb.apiUser },
        { name: 'New Value', value: 'Anna' },
        { name: 'Old Value', value: 'Ann' },
        { name: 'Reason', value: 'Web service API' },
        { name: 'Request Id', value: res.requestId },
        { name: 'Source', value: 'Web service API' },
      ]);
      // A first set has no Old Value (empty values are left out).
      expect(attributes(changes[1])).to.not.have.property('Old Value');
      expect(env.sb.lead(id)).to.deep.include({ firstName: 'Anna', mktoName: 'Anna', updatedAt: iso(T0 + 60_000), createdAt: iso(T0) });

      // Same values again: "updated", but no activity and updatedAt stays.
      env.clock.now = T0 + 120_000;
      const again = await env.client.sync([{ email: 'ann@example.com', firstName: 'Anna', title: 'CTO', textarea_field: 'note' }]);
      expect(again.result).to.deep.equal([{ id, status: 'updated' }]);
      expect(activitiesOf(env.sb, id, 13)).to.have.length(2);
      expect(env.sb.lead(id)?.updatedAt).to.equal(iso(T0 + 60_000));

      // Get Lead Changes serves the written change with its field.
      const items = await env.client.walkSince('/rest/v1/activities/leadchanges.json', iso(T0 - 1000), '&fields=firstName');
      expect(items.filter((c) => c.activityTypeId === 13)).to.deep.equal([
        {
          id: first.id,
          marketoGUID: first.marketoGUID,
          leadId: id,
          activityDate: iso(T0 + 60_000),
          activityTypeId: 13,
          fields: [{ id: 53, name: 'firstName', newValue: 'Anna', oldValue: 'Ann' }],
          attributes: first.attributes,
        },
      ]);
    });

    it("lead partitions: Get Lead Partitions lists them; with several, a create needs partitionName (1009), an update must name the lead's own", async () => {
      expect((await env.client.get('/rest/v1/leads/partitions.json')).result).to.deep.equal([
        { id: 1, name: 'Default', description: 'Initial system lead partition' },
      ]);
      // One partition: partitionName may be left out.
      const single = await env.client.sync([{ email: 'one@example.com' }]);
      expect(single.result[0].status).to.equal('created');
      expect(env.sb.leadPartitionOf(single.result[0].id).name).to.equal('Default');
      await env.sb.close();

      const partitions = [
        { id: 1, name: 'Default', description: 'Initial system lead partition' },
        { id: 2, name: 'Mexico', description: 'Leads that live in Mexico' },
      ];
      env.sb = await sandboxAt(env.clock, { deletedLeadsRetentionDays: null, leadPartitions: partitions });
      env.client = await SandboxClient.connect(env.sb);
      const listed = await env.client.get('/rest/v1/leads/partitions.json');
      expect(listed).to.have.all.keys('requestId', 'success', 'result');
      expect(listed.result).to.deep.equal(partitions);
      expect(env.sb.leadPartitions()).to.deep.equal(partitions);

      const existing = env.sb.leads()[0];
      const before = env.sb.leads().length;
      const none = await env.client.sync([{ email: 'ann@example.com' }, { email: existing.email, title: 'Updated without a partition' }]);
      expect(none.success).to.equal(true);
      expect(none.result).to.deep.equal([
        { status: 'skipped', reasons: [{ code: '1009', message: 'Partition name must be specified' }] },
        { id: existing.id, status: 'updated' },
      ]);
      expect(env.sb.leads()).to.have.length(before);

      const named = await env.client.sync([{ email: 'ann@example.com', firstName: 'Ann' }, { email: 'bob@example.com' }], { partitionName: 'Mexico' });
      expect(named.result.map((r: Json) => r.status)).to.deep.equal(['created', 'created']);
      expect(env.sb.leadPartitionOf(named.result[0].id)).to.deep.equal(partitions[1]);
      expect(env.sb.leadPartitionOf(existing.id)).to.deep.equal(partitions[0]);

      // createOrUpdate with a partitionName updates leads of that partition only; updateOnly ignores it.
      const update = await env.client.sync(
        [
          { email: 'ann@example.com', firstName: 'Anna' },
          { email: existing.email, title: 'Moved?' },
        ],
        { partitionName: 'Mexico' },
      );
      expect(update.result).to.deep.equal([
        { id: named.result[0].id, status: 'updated' },
        { status: 'skipped', reasons: [{ code: '1010', message: 'Partition update not allowed' }] },
      ]);
      const updateOnly = await env.client.sync([{ email: existing.email, title: 'Updated' }], { action: 'updateOnly', partitionName: 'Mexico' });
      expect(updateOnly.result).to.deep.equal([{ id: existing.id, status: 'updated' }]);
      const unknown = await env.client.sync([{ email: 'cy@example.com' }], { partitionName: 'Atlantis' });
      expect(unknown.result).to.deep.equal([{ status: 'skipped', reasons: [{ code: '1008', message: "Access denied to partition 'Atlantis'" }] }]);
    });

    it("a custom field's change leaves updatedAt (it tracks standard fields) and moves only the time of the last change", async () => {
      const id = (await env.client.sync([{ email: 'cf@example.com', firstName: 'Cy' }])).result[0].id as number;
      expect(env.sb.leadLastChangedAt(id)).to.equal(iso(T0));
      env.clock.now = T0 + 60_000;
      await env.client.sync([{ email: 'cf@example.com', integer_field: 7, textarea_field: 'note' }]);
      expect(activitiesOf(env.sb, id, 13)).to.have.length(2);
      expect(env.sb.lead(id)).to.deep.include({ integer_field: 7, updatedAt: iso(T0) });
      expect((await env.client.leads(`filterType=id&filterValues=${id}&fields=updatedAt`))[0].updatedAt).to.equal(iso(T0));
      expect(env.sb.leadLastChangedAt(id)).to.equal(iso(T0 + 60_000));
      // "In the UI" alike; a standard field moves both.
      env.clock.now = T0 + 120_000;
      env.sb.updateLead(id, { boolean_field: true });
      expect([env.sb.lead(id)?.updatedAt, env.sb.leadLastChangedAt(id)]).to.deep.equal([iso(T0), iso(T0 + 120_000)]);
      env.clock.now = T0 + 180_000;
      env.sb.updateLead(id, { title: 'CTO' });
      expect([env.sb.lead(id)?.updatedAt, env.sb.leadLastChangedAt(id)]).to.deep.equal([iso(T0 + 180_000), iso(T0 + 180_000)]);
      expect(env.sb.leadLastChangedAt(999_999)).to.equal(undefined);
      // Generated custom-field changes keep the rule: no lead's updatedAt is later than its last change.
      for (const lead of env.sb.leads())
        expect(Date.parse(String(lead.updatedAt)) <= Date.parse(env.sb.leadLastChangedAt(lead.id)!), `lead ${lead.id}`).to.equal(true);
    });

    it('stores null for null and "": the change has an Old Value and no New Value', async () => {
      const id = (await env.client.sync([{ email: 'n@example.com', title: 'CTO', textarea_field: 'x' }])).result[0].id as number;
      await env.client.sync([{ email: 'n@example.com', title: null, textarea_field: '' }]);
      expect(env.sb.lead(id)).to.not.have.any.keys('title', 'textarea_field');
      const cleared = activitiesOf(env.sb, id, 13).map(attributes);
      expect(cleared.map((a) => [a['Old Value'], a['New Value']])).to.deep.equal([
        ['CTO', undefined],
        ['x', undefined],
      ]);
      const [lead] = await env.client.leads(`filterType=id&filterValues=${id}&fields=title,textarea_field`);
      expect(lead).to.deep.equal({ id, title: null, textarea_field: null });
    });

    it('skips invalid values with the recorded 1003 message, per data type, keeping the order of results', async () => {
      const id = (await env.client.sync([{ email: 'v@example.com' }])).result[0].id as number;
      const cases: Array<[string, unknown]> = [
        ['integer_field', 14.1],
        ['integer_field', 'ten'],
        ['float_field', '14c'],
        ['currency_field', '14c'],
        ['percent_field', '100%'],
        ['boolean_field', 'other'],
        ['email_field', 'bademail'],
        ['email', 'jürgen@example.de'],
        ['dateOfBirth', '30/08/2020'],
        ['dateOfBirth', '2020-02-31'],
        ['datetime_field', 'yesterday'],
      ];
      const byEmail = await env.client.sync(cases.map(([field, value]) => ({ email: 'v@example.com', [field]: value })));
      expect(byEmail.result).to.deep.equal(cases.map(([field, value]) => skipped('1003', `Invalid value for field '${field}' and value '${String(value)}'`)));
      expect(activitiesOf(env.sb, id, 13)).to.have.length(0);
    });

    it('answers the documented record-level reasons: 1004, 1005, 1006, 1007, missing lookup value, id in a create', async () => {
      const existing = env.sb.lead(3) as Json;
      const dupe = { email: 'twice@example.com' };
      const dupes = await env.client.sync([dupe, dupe], { action: 'createDuplicate' });
      expect(dupes.result.map((r: Json) => r.status)).to.deep.equal(['created', 'created']);

      expect((await env.client.sync([{ email: 'nobody@example.com' }], { action: 'updateOnly' })).result).to.deep.equal([skipped('1004', 'Lead not found')]);
      expect((await env.client.sync([{ email: existing.email }], { action: 'createOnly' })).result).to.deep.equal([skipped('1005', 'Lead already exists')]);
      expect((await env.client.sync([{ email: existing.email, shoeSize: 42 }])).result).to.deep.equal([skipped('1006', "Field 'shoeSize' not found")]);
      expect((await env.client.sync([{ email: 'twice@example.com', firstName: 'T' }])).result).to.deep.equal([
        skipped('1007', 'Multiple lead match lookup criteria'),
      ]);
      expect((await env.client.sync([{ firstName: 'No Email' }])).result).to.deep.equal([skipped('1003', "Value for lookup field 'email' missing")]);
      expect((await env.client.sync([{ id: 3, email: existing.email }])).result).to.deep.equal([skipped('1003', "Invalid value for field 'id' and value '3'")]);
      expect((await env.client.sync([{ id: 99999, firstName: 'X' }], { lookupField: 'id', action: 'updateOnly' })).result).to.deep.equal([
        skipped('1004', 'Lead not found'),
      ]);
      // The skipped records carry no id (seen in recorded Marketo responses); the mixed answer keeps input order.
      const mixed = await env.client.sync([
        { email: existing.email, firstName: 'Sam' },
        { email: 'm@example.com', email_field: 'bademail' },
      ]);
      expect(mixed.result).to.deep.equal([{ id: 3, status: 'updated' }, skipped('1003', "Invalid value for field 'email_field' and value 'bademail'")]);
    });

    it('updates by id with updateOnly (email changes too) and refuses lookupField id with other actions', async () => {
      const res = await env.client.sync([{ id: 5, email: 'changed@example.com', firstName: 'Changed' }], { lookupField: 'id', action: 'updateOnly' });
      expect(res.result).to.deep.equal([{ id: 5, status: 'updated' }]);
      expect(env.sb.lead(5)).to.deep.include({ email: 'changed@example.com', firstName: 'Changed' });
      const refused = await env.client.sync([{ id: 5 }], { lookupField: 'id' });
      expect(refused).to.deep.include({ success: false });
      expect(refused.errors[0].code).to.equal('1003');
      expect((await env.client.sync([{ firstName: 'x' }], { lookupField: 'firstName' })).errors).to.deep.equal([
        { code: '1011', message: "Field 'firstName' not supported" },
      ]);
      expect((await env.client.sync([{ firstName: 'x' }], { lookupField: 'shoeSize' })).errors[0].code).to.equal('1006');
      expect((await env.client.sync([{ firstName: 'x' }], { action: 'upsert' })).errors[0].code).to.equal('1003');
    });

    it('ignores read-only fields (the write log names them) and writes the rest', async () => {
      const res = await env.client.sync([{ email: 'ro@example.com', firstName: 'Ro', mktoName: 'Someone Else', createdAt: '2020-01-01T00:00:00Z' }]);
      expect(res.result[0].status).to.equal('created');
      expect(env.sb.lead(res.result[0].id)).to.deep.include({ firstName: 'Ro', mktoName: 'Ro', createdAt: iso(T0) });
      expect(env.sb.writeLog().pop()?.ignoredFields).to.deep.equal(['mktoName', 'createdAt']);
    });

    it('validates the request: 612 without JSON, 609 for bad JSON, 1002 without input, 1003 beyond 300 records', async () => {
      const form = await env.client.raw('/rest/v1/leads.json', { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: '{"input":[]}' });
      expect(((await form.json()) as Json).errors[0].code).to.equal('612');
      const bad = await env.client.raw('/rest/v1/leads.json', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"input":[' });
      expect(((await bad.json()) as Json).errors).to.deep.equal([{ code: '609', message: 'Invalid JSON' }]);
      expect((await env.client.post('/rest/v1/leads.json', { action: 'createOnly' })).errors).to.deep.equal([
        { code: '1002', message: "Missing value for required parameter 'input'" },
      ]);
      const tooMany = await env.client.sync(Array.from({ length: 301 }, (_, i) => ({ email: `x${i}@example.com` })));
      expect(tooMany.errors[0].code).to.equal('1003');
      expect(env.sb.leads().some((l) => l.email === 'x0@example.com')).to.equal(false);
      // Get-only paths answer 605 to a GET of their write form.
      expect((await env.client.get('/rest/v1/leads/delete.json')).errors[0].code).to.equal('605');
    });

    it('writes N records in ceil(N/300) calls: the write log and the counters agree', async () => {
      const rows = Array.from({ length: 700 }, (_, i) => ({ email: `bulk${i}@example.com`, firstName: `B${i}` }));
      env.sb.counters.reset();
      for (let i = 0; i < rows.length; i += 300) await env.client.sync(rows.slice(i, i + 300));
      const log = env.sb.writeLog().filter((w) => w.object === 'leads');
      expect(log.map((w) => [w.operation, w.action, w.records, w.created, w.skipped])).to.deep.equal([
        ['sync', 'createOrUpdate', 300, 300, 0],
        ['sync', 'createOrUpdate', 300, 300, 0],
        ['sync', 'createOrUpdate', 100, 100, 0],
      ]);
      expect(env.sb.counters.byEndpoint()['POST /rest/v1/leads.json']).to.equal(3);
    });

    it('applies limits and faults to write calls like any other call', async () => {
      env.sb.faults.inject({ kind: 'error', code: '606', path: /\/leads\.json$/ });
      const throttled = await env.client.sync([{ email: 'f@example.com' }]);
      expect(throttled.errors[0].code).to.equal('606');
      expect(env.sb.writeLog()).to.have.length(0);
      expect(env.sb.leads().some((l) => l.email === 'f@example.com')).to.equal(false);
      expect((await env.client.sync([{ email: 'f@example.com' }])).result[0].status).to.equal('created');
    });
  });

  describe('companies and leads linked to them', () => {
    const env = sandboxFixture();

    it('describes the Company object', async () => {
      const body = await env.client.get('/rest/v1/companies/describe.json');
      const [company] = body.result as [Json];
      expect(company).to.deep.include({
        name: 'Company',
        idField: 'id',
        dedupeFields: ['externalCompanyId'],
        searchableFields: [['externalCompanyId'], ['id'], ['company']],
      });
      expect((company.fields as Json[]).map((f) => f.name)).to.deep.equal(COMPANY_FIELD_NAMES);
      expect((company.fields as Json[]).find((f) => f.name === 'annualRevenue')).to.deep.equal({
        name: 'annualRevenue',
        displayName: 'Annual Revenue',
        dataType: 'currency',
        updateable: true,
      });
      expect((company.fields as Json[]).filter((f) => !f.updateable).map((f) => f.name)).to.deep.equal(['externalCompanyId', 'id', 'createdAt', 'updatedAt']);
    });

    it('syncs companies with seq on every result: created, updated, and the documented skips', async () => {
      const res = await env.client.post('/rest/v1/companies.json', {
        action: 'createOrUpdate',
        dedupeBy: 'dedupeFields',
        input: [
          { externalCompanyId: 'C-1', company: 'Acme', annualRevenue: 1000000, numberOfEmployees: 50, industry: 'Manufacturing' },
          { externalCompanyId: 'C-2', company: 'Globex' },
          { externalCompanyId: 'C-1', company: 'Acme again' },
          { company: 'No key' },
          { externalCompanyId: 'C-3', numberOfEmployees: 12.5 },
          { externalCompanyId: 'C-4', shoeSize: 1 },
        ],
      });
      expect(res.result).to.deep.equal([
        { seq: 0, id: 1, status: 'created' },
        { seq: 1, id: 2, status: 'created' },
        { seq: 2, ...skipped('1036', 'Duplicate object found in input') },
        { seq: 3, ...skipped('1003', "Value for dedupe field 'externalCompanyId' missing") },
        { seq: 4, ...skipped('1003', "Invalid value for field 'numberOfEmployees' and value '12.5'") },
        { seq: 5, ...skipped('1006', "Field 'shoeSize' not found") },
      ]);
      env.clock.now = T0 + 1000;
      const again = await env.client.post('/rest/v1/companies.json', { input: [{ externalCompanyId: 'C-2', website: 'https://globex.example' }] });
      expect(again.result).to.deep.equal([{ seq: 0, id: 2, status: 'updated' }]);
      expect((await env.client.post('/rest/v1/companies.json', { action: 'createOnly', input: [{ externalCompanyId: 'C-2' }] })).result).to.deep.equal([
        { seq: 0, ...skipped('1017', 'Object already exists') },
      ]);
      expect((await env.client.post('/rest/v1/companies.json', { action: 'updateOnly', input: [{ externalCompanyId: 'C-9' }] })).result).to.deep.equal([
        { seq: 0, ...skipped('1013', 'Record not found') },
      ]);
      const byId = await env.client.post('/rest/v1/companies.json', { action: 'updateOnly', dedupeBy: 'idField', input: [{ id: 1, sicCode: '3599' }] });
      expect(byId.result).to.deep.equal([{ seq: 0, id: 1, status: 'updated' }]);
      expect((await env.client.post('/rest/v1/companies.json', { action: 'createOnly', dedupeBy: 'idField', input: [{ id: 1 }] })).errors[0].code).to.equal(
        '1003',
      );
      expect(env.sb.companies()).to.deep.equal([
        {
          id: 1,
          externalCompanyId: 'C-1',
          company: 'Acme',
          annualRevenue: 1000000,
          numberOfEmployees: 50,
          industry: 'Manufacturing',
          sicCode: '3599',
          createdAt: iso(T0),
          updatedAt: iso(T0 + 1000),
        },
        { id: 2, externalCompanyId: 'C-2', company: 'Globex', website: 'https://globex.example', createdAt: iso(T0), updatedAt: iso(T0 + 1000) },
      ]);
    });

    it('gets companies by externalCompanyId, id or company, in filter order with seq, absent values left out', async () => {
      const body = await env.client.get('/rest/v1/companies.json?filterType=externalCompanyId&filterValues=C-2,C-1,C-404');
      expect(body.result).to.deep.equal([
        { seq: 0, id: 2, externalCompanyId: 'C-2', updatedAt: iso(T0 + 1000), createdAt: iso(T0) },
        { seq: 1, id: 1, externalCompanyId: 'C-1', updatedAt: iso(T0 + 1000), createdAt: iso(T0) },
      ]);
      expect((await env.client.get('/rest/v1/companies.json?filterType=company&filterValues=Globex&fields=company,industry')).result).to.deep.equal([
        { seq: 0, id: 2, company: 'Globex' },
      ]);
      expect((await env.client.get('/rest/v1/companies.json?filterType=id&filterValues=1&fields=industry')).result).to.deep.equal([
        { seq: 0, id: 1, industry: 'Manufacturing' },
      ]);
      expect((await env.client.get('/rest/v1/companies.json?filterType=dedupeFields&filterValues=C-1&fields=company')).result).to.deep.equal([
        { seq: 0, id: 1, company: 'Acme' },
      ]);
      expect((await env.client.get('/rest/v1/companies.json?filterType=industry&filterValues=x')).errors[0].code).to.equal('1011');
      expect((await env.client.get('/rest/v1/companies.json?filterType=shoeSize&filterValues=x')).errors[0].code).to.equal('1006');
      expect((await env.client.get('/rest/v1/companies.json?filterType=id&filterValues=1&fields=shoeSize')).errors[0].code).to.equal('1006');
    });

    it('a lead linked by externalCompanyId reads its company fields from the company; Sync Leads may not change them (1021)', async () => {
      const res = await env.client.sync([
        { email: 'emp@acme.example', firstName: 'Emp', externalCompanyId: 'C-1' },
        { email: 'emp2@acme.example', externalCompanyId: 'C-1', company: 'Not Acme' },
        { email: 'free@example.com', company: 'Own Company', externalCompanyId: 'C-nowhere' },
      ]);
      const id = res.result[0].id as number;
      expect(res.result.slice(1)).to.deep.equal([skipped('1021', 'Company update not allowed'), { id: id + 1, status: 'created' }]);
      const [lead] = await env.client.leads(`filterType=id&filterValues=${id}&fields=company,annualRevenue,industry,externalCompanyId,website`);
      expect(lead).to.deep.equal({ id, company: 'Acme', annualRevenue: 1000000, industry: 'Manufacturing', externalCompanyId: 'C-1', website: null });
      expect((await env.client.sync([{ email: 'emp@acme.example', industry: 'Retail' }])).result).to.deep.equal([
        skipped('1021', 'Company update not allowed'),
      ]);
      // Fields that are not company fields stay writable; a company change shows on the lead.
      expect((await env.client.sync([{ email: 'emp@acme.example', title: 'Engineer' }])).result).to.deep.equal([{ id, status: 'updated' }]);
      await env.client.post('/rest/v1/companies.json', { input: [{ externalCompanyId: 'C-1', industry: 'Aerospace' }] });
      expect((await env.client.leads(`filterType=id&filterValues=${id}&fields=industry,title`))[0]).to.deep.equal({
        id,
        industry: 'Aerospace',
        title: 'Engineer',
      });
      // A lead whose externalCompanyId names no company keeps its own values.
      expect((await env.client.leads(`filterType=id&filterValues=${id + 1}&fields=company`))[0]).to.deep.equal({ id: id + 1, company: 'Own Company' });
    });

    it('deletes companies by dedupe fields or id; unknown ones are skipped with 1013 "Record not found"', async () => {
      const res = await env.client.post('/rest/v1/companies/delete.json', {
        deleteBy: 'dedupeFields',
        input: [{ externalCompanyId: 'C-2' }, { externalCompanyId: 'C-404' }],
      });
      expect(res.result).to.deep.equal([
        { seq: 0, id: 2, status: 'deleted' },
        { seq: 1, ...skipped('1013', 'Record not found') },
      ]);
      const byId = await env.client.post('/rest/v1/companies/delete.json', { deleteBy: 'idField', input: [{ id: 1 }] });
      expect(byId.result).to.deep.equal([{ seq: 0, id: 1, status: 'deleted' }]);
      expect(env.sb.companies()).to.deep.equal([]);
      expect((await env.client.get('/rest/v1/companies/delete.json')).errors[0].code).to.equal('605');
      expect(
        env.sb
          .writeLog()
          .filter((w) => w.object === 'companies')
          .map((w) => [w.operation, w.deleted]),
      ).to.deep.include.members([['delete', 1]]);
    });
  });

  describe('custom objects', () => {
    const env = sandboxFixture({
      customObjects: [
        {
          name: 'car_c',
          displayName: 'Car',
          dedupeFields: ['vin'],
          fields: [
            { name: 'vin', dataType: 'string', length: 255 },
            { name: 'make', dataType: 'string' },
            { name: 'year', dataType: 'integer' },
            { name: 'price', dataType: 'currency' },
            { name: 'purchasedAt', dataType: 'datetime' },
            { name: 'leadId', dataType: 'link' },
          ],
          relationships: [{ field: 'leadId', type: 'parent', relatedTo: { name: 'Lead', field: 'id' } }],
        },
        {
          name: 'subscription_c',
          dedupeFields: ['leadId', 'plan'],
          fields: [
            { name: 'leadId', dataType: 'link' },
            { name: 'plan', dataType: 'string' },
            { name: 'seats', dataType: 'integer' },
          ],
          relationships: [{ field: 'leadId', type: 'parent', relatedTo: { name: 'Lead', field: 'id' } }],
        },
      ],
    });

    it('the default subscription has car_c', async () => {
      const plain = await startSandbox({ activityCount: 10, leadCount: 5 });
      try {
        const c = await SandboxClient.connect(plain);
        const body = await c.get('/rest/v1/customobjects/car_c/describe.json');
        expect((body.result[0].fields as Json[]).map((f) => [f.name, f.dataType, f.updateable])).to.deep.equal([
          ['marketoGUID', 'string', false],
          ['vin', 'string', false],
          ['make', 'string', true],
          ['model', 'string', true],
          ['year', 'integer', true],
          ['price', 'currency', true],
          ['purchasedAt', 'datetime', true],
          ['leadId', 'link', true],
          ['createdAt', 'datetime', false],
          ['updatedAt', 'datetime', false],
        ]);
      } finally {
        await plain.close();
      }
    });

    it('lists the types keyed by name, without fields; names= filters', async () => {
      const all = await env.client.get('/rest/v1/customobjects.json');
      expect((all.result as Json[]).map((t) => t.name)).to.deep.equal(['car_c', 'subscription_c']);
      expect(all.result[0]).to.deep.equal({
        name: 'car_c',
        displayName: 'Car',
        description: 'Car',
        createdAt: all.result[0].createdAt,
        updatedAt: all.result[0].updatedAt,
        idField: 'marketoGUID',
        dedupeFields: ['vin'],
        searchableFields: [['vin'], ['marketoGUID'], ['leadId']],
        relationships: [{ field: 'leadId', type: 'parent', relatedTo: { name: 'Lead', field: 'id' } }],
      });
      expect((await env.client.get('/rest/v1/customobjects.json?names=subscription_c,nope')).result.map((t: Json) => t.name)).to.deep.equal(['subscription_c']);
      expect((await env.client.get('/rest/v1/customobjects/nope_c/describe.json')).errors).to.deep.equal([{ code: '1013', message: 'Object not found' }]);
      expect((await env.client.get('/rest/v1/customobjects/nope_c.json?filterType=vin&filterValues=x')).errors[0].code).to.equal('1013');
    });

    it('syncs records: created with a GUID, updated by dedupe key, skipped for bad values, missing keys, duplicates, unknown leads', async () => {
      const res = await env.client.post('/rest/v1/customobjects/car_c.json', {
        input: [
          { vin: 'V1', make: 'VW', year: 2020, price: 19999.5, purchasedAt: '2025-03-01T12:00:00Z', leadId: 3 },
          { vin: 'V2', make: 'BMW', leadId: 4 },
          { vin: 'V1', make: 'Audi' },
          { make: 'No VIN' },
          { vin: 'V3', year: 'new' },
          { vin: 'V4', leadId: 999999 },
          { vin: 'V5', colour: 'red' },
        ],
      });
      const [first, second, ...rest] = res.result as Json[];
      expect(first).to.have.all.keys('seq', 'marketoGUID', 'status');
      expect(first?.marketoGUID).to.match(GUID);
      expect([first?.status, second?.status]).to.deep.equal(['created', 'created']);
      expect(rest).to.deep.equal([
        { seq: 2, ...skipped('1036', 'Duplicate object found in input') },
        { seq: 3, ...skipped('1003', "Value for dedupe field 'vin' missing") },
        { seq: 4, ...skipped('1003', "Invalid value for field 'year' and value 'new'") },
        { seq: 5, ...skipped('1003', "Invalid value for field 'leadId' and value '999999'") },
        { seq: 6, ...skipped('1006', "Field 'colour' not found") },
      ]);
      env.clock.now = T0 + 5000;
      const update = await env.client.post('/rest/v1/customobjects/car_c.json', {
        action: 'updateOnly',
        input: [{ vin: 'V1', make: 'Volkswagen' }, { vin: 'V9' }],
      });
      expect(update.result).to.deep.equal([
        { seq: 0, marketoGUID: first?.marketoGUID, status: 'updated' },
        { seq: 1, ...skipped('1013', 'Object not found') },
      ]);
      const byGuid = await env.client.post('/rest/v1/customobjects/car_c.json', {
        action: 'updateOnly',
        dedupeBy: 'idField',
        input: [{ marketoGUID: second?.marketoGUID, year: 2019 }],
      });
      expect(byGuid.result).to.deep.equal([{ seq: 0, marketoGUID: second?.marketoGUID, status: 'updated' }]);
      expect((await env.client.post('/rest/v1/customobjects/car_c.json', { dedupeBy: 'idField', input: [{ marketoGUID: 'x' }] })).errors[0].code).to.equal(
        '1003',
      );
      expect(env.sb.customObjects('car_c')).to.deep.equal([
        {
          marketoGUID: first?.marketoGUID,
          vin: 'V1',
          make: 'Volkswagen',
          year: 2020,
          price: 19999.5,
          purchasedAt: '2025-03-01T12:00:00Z',
          leadId: 3,
          createdAt: iso(T0),
          updatedAt: iso(T0 + 5000),
        },
        { marketoGUID: second?.marketoGUID, vin: 'V2', make: 'BMW', leadId: 4, createdAt: iso(T0), updatedAt: iso(T0 + 5000), year: 2019 },
      ]);
    });

    it('gets records by dedupe field, idField, a link field, and a compound key through POST _method=GET', async () => {
      const [v1, v2] = env.sb.customObjects('car_c') as [Json, Json];
      expect((await env.client.get('/rest/v1/customobjects/car_c.json?filterType=vin&filterValues=V2,V1')).result).to.deep.equal([
        { seq: 0, marketoGUID: v2.marketoGUID, vin: 'V2', updatedAt: v2.updatedAt, createdAt: v2.createdAt },
        { seq: 1, marketoGUID: v1.marketoGUID, vin: 'V1', updatedAt: v1.updatedAt, createdAt: v1.createdAt },
      ]);
      expect(
        (await env.client.get(`/rest/v1/customobjects/car_c.json?filterType=idField&filterValues=${v1.marketoGUID}&fields=make,year`)).result,
      ).to.deep.equal([{ seq: 0, marketoGUID: v1.marketoGUID, make: 'Volkswagen', year: 2020 }]);
      expect((await env.client.get('/rest/v1/customobjects/car_c.json?filterType=leadId&filterValues=4&fields=vin')).result).to.deep.equal([
        { seq: 0, marketoGUID: v2.marketoGUID, vin: 'V2' },
      ]);
      expect((await env.client.get('/rest/v1/customobjects/car_c.json?filterType=make&filterValues=BMW')).errors[0].code).to.equal('1011');
      expect((await env.client.get('/rest/v1/customobjects/car_c.json?filterType=vin&filterValues=none')).result).to.deep.equal([]);

      const subs = await env.client.post('/rest/v1/customobjects/subscription_c.json', {
        input: [
          { leadId: 3, plan: 'pro', seats: 5 },
          { leadId: 3, plan: 'team', seats: 2 },
        ],
      });
      expect(subs.result.map((r: Json) => r.status)).to.deep.equal(['created', 'created']);
      const compound = await env.client.post('/rest/v1/customobjects/subscription_c.json?_method=GET', {
        filterType: 'dedupeFields',
        fields: ['seats'],
        input: [
          { leadId: 3, plan: 'team' },
          { leadId: 3, plan: 'none' },
        ],
      });
      expect(compound.result).to.deep.equal([{ seq: 0, marketoGUID: subs.result[1].marketoGUID, seats: 2 }]);
    });

    it('deletes by dedupe fields or idField; unknown ones are skipped with 1013 "Object not found"', async () => {
      const [v1, v2] = env.sb.customObjects('car_c') as [Json, Json];
      const res = await env.client.post('/rest/v1/customobjects/car_c/delete.json', { deleteBy: 'dedupeFields', input: [{ vin: 'V1' }, { vin: 'V404' }] });
      expect(res.result).to.deep.equal([
        { seq: 0, marketoGUID: v1.marketoGUID, status: 'deleted' },
        { seq: 1, ...skipped('1013', 'Object not found') },
      ]);
      const byId = await env.client.post('/rest/v1/customobjects/car_c/delete.json', { deleteBy: 'idField', input: [{ marketoGUID: v2.marketoGUID }] });
      expect(byId.result).to.deep.equal([{ seq: 0, marketoGUID: v2.marketoGUID, status: 'deleted' }]);
      expect(env.sb.customObjects('car_c')).to.deep.equal([]);
      expect(() => env.sb.customObjects('nope')).to.throw(/no custom object type 'nope'/);
    });
  });

  describe('Delete Leads, Get Deleted Leads and pruning after 14 days', () => {
    const env = sandboxFixture({}, { each: true });

    it('deletes leads with a Delete Lead activity; an unknown id is skipped with 1004', async () => {
      const name = `${env.sb.lead(3)?.firstName} ${env.sb.lead(3)?.lastName}`;
      const res = await env.client.post('/rest/v1/leads/delete.json', { input: [{ id: 3 }, { id: 999999 }] });
      expect(res.result).to.deep.equal([
        { id: 3, status: 'deleted' },
        { id: 999999, ...skipped('1004', 'Lead not found') },
      ]);
      expect(env.sb.lead(3)).to.equal(undefined);
      expect(await env.client.leads('filterType=id&filterValues=3')).to.deep.equal([]);
      const deleted = await env.client.walkSince('/rest/v1/activities/deletedleads.json', iso(T0 - 1000));
      expect(deleted).to.have.length(1);
      expect(deleted[0]).to.deep.include({
        leadId: 3,
        activityTypeId: 37,
        activityDate: iso(T0),
        primaryAttributeValueId: 3,
        primaryAttributeValue: name,
        attributes: [],
      });
      // The id form in the query and the recorded legacy _method=DELETE work too.
      expect((await env.client.post('/rest/v1/leads/delete.json?id=4,5', undefined)).result).to.deep.equal([
        { id: 4, status: 'deleted' },
        { id: 5, status: 'deleted' },
      ]);
      expect((await env.client.post('/rest/v1/leads.json?_method=DELETE', { input: [{ id: 6 }] })).result).to.deep.equal([{ id: 6, status: 'deleted' }]);
      expect(env.sb.writeLog().map((w) => [w.operation, w.records, w.deleted, w.skipped])).to.deep.equal([
        ['delete', 2, 1, 1],
        ['delete', 2, 2, 0],
        ['delete', 1, 1, 0],
      ]);
      const tooMany = await env.client.post('/rest/v1/leads/delete.json', { input: Array.from({ length: 301 }, (_, i) => ({ id: i + 1 })) });
      expect(tooMany.errors[0].code).to.equal('1003');
    });

    it('prunes Delete Lead activities older than 14 days before now from Get Deleted Leads and Get Lead Activities', async () => {
      // The generated history (January) is already older than 14 days at T0 (February 1st).
      expect([...env.sb.activities()].filter((a) => a.activityTypeId === 37)).to.have.length(0);
      env.sb.deleteLead(7);
      env.clock.now = T0 + 13 * DAY;
      expect((await env.client.walkSince('/rest/v1/activities/deletedleads.json', '2026-01-01T00:00:00Z')).map((a) => a.leadId)).to.deep.equal([7]);
      expect((await env.client.walkSince('/rest/v1/activities.json', '2026-01-01T00:00:00Z', '&activityTypeIds=37')).map((a) => a.leadId)).to.deep.equal([7]);
      env.clock.now = T0 + 15 * DAY;
      env.sb.deleteLead(8);
      expect((await env.client.walkSince('/rest/v1/activities/deletedleads.json', '2026-01-01T00:00:00Z')).map((a) => a.leadId)).to.deep.equal([8]);
      expect((await env.client.walkSince('/rest/v1/activities.json', '2026-01-01T00:00:00Z', '&activityTypeIds=37')).map((a) => a.leadId)).to.deep.equal([8]);
      expect([...env.sb.activities()].filter((a) => a.activityTypeId === 37).map((a) => a.leadId)).to.deep.equal([8]);
    });

    it('keeps deletions with deletedLeadsRetentionDays null, and prunes on its own days', async () => {
      const keep = await sandboxAt(env.clock, { deletedLeadsRetentionDays: null });
      const short = await sandboxAt(env.clock, { deletedLeadsRetentionDays: 1 });
      try {
        const generated = (s: Sandbox): number => [...s.activities()].filter((a) => a.activityTypeId === 37).length;
        expect(generated(keep)).to.be.greaterThan(0);
        short.deleteLead(2);
        expect(generated(short)).to.equal(1);
        env.clock.now += 2 * DAY;
        expect(generated(short)).to.equal(0);
      } finally {
        await keep.close();
        await short.close();
      }
    });

    it('prunes nothing on the wall env.clock by default, so the generated history keeps its deletions', async () => {
      const wall = await startSandbox({ activityCount: 2000, leadCount: 100 });
      try {
        expect([...wall.activities()].filter((a) => a.activityTypeId === 37).length).to.be.greaterThan(0);
      } finally {
        await wall.close();
      }
    });
  });

  describe('Merge Leads', () => {
    const env = sandboxFixture({}, { each: true });

    it('keeps the winner id, fills its empty fields from the loser, deletes the loser, logs Merge Leads', async () => {
      const winner = env.sb.createLead({ email: 'w@example.com', firstName: 'Winner' });
      const loser = env.sb.createLead({ email: 'l@example.com', firstName: 'Loser', title: 'VP', integer_field: 7 });
      env.clock.now = T0 + 60_000;
      const res = await env.client.post(`/rest/v1/leads/${winner.id}/merge.json?leadId=${loser.id}`, undefined);
      expect(res).to.have.all.keys('requestId', 'success');
      expect(res.success).to.equal(true);
      expect(env.sb.lead(loser.id)).to.equal(undefined);
      expect(env.sb.lead(winner.id)).to.deep.include({
        email: 'w@example.com',
        firstName: 'Winner',
        title: 'VP',
        integer_field: 7,
        updatedAt: iso(T0 + 60_000),
      });
      const [merge] = activitiesOf(env.sb, winner.id, 32);
      expect(merge).to.deep.include({ activityDate: iso(T0 + 60_000), primaryAttributeValueId: winner.id, primaryAttributeValue: 'Winner' });
      expect(merge?.attributes).to.deep.equal([
        { name: 'Master Updated', value: true },
        { name: 'Merge IDs', value: `[${loser.id}]` },
        { name: 'Merge Source', value: 'Web service API' },
        { name: 'Merged in Sales', value: false },
      ]);
      // Not a lead change, not a deletion: read from Get Lead Activities.
      const changes = await env.client.walkSince('/rest/v1/activities/leadchanges.json', iso(T0 + 1000), '&fields=title,email');
      expect(changes).to.deep.equal([]);
      expect(await env.client.walkSince('/rest/v1/activities/deletedleads.json', iso(T0 - 1000))).to.deep.equal([]);
      const merges = await env.client.walkSince('/rest/v1/activities.json', iso(T0 - 1000), '&activityTypeIds=32');
      expect(merges.map((a) => a.leadId)).to.deep.equal([winner.id]);
      expect(await env.client.get(`/rest/v1/lead/${loser.id}.json`)).to.deep.include({ result: [] });
    });

    it('merges several with leadIds, validates ids, and answers 605 to GET', async () => {
      const [a, b, c] = [
        env.sb.createLead({ email: 'a@m.example' }),
        env.sb.createLead({ email: 'b@m.example' }),
        env.sb.createLead({ email: 'c@m.example' }),
      ] as const;
      expect((await env.client.post(`/rest/v1/leads/${a.id}/merge.json?leadIds=${b.id},${c.id}`, undefined)).success).to.equal(true);
      expect(attributes(activitiesOf(env.sb, a.id, 32)[0])['Merge IDs']).to.equal(`[${b.id},${c.id}]`);
      expect((await env.client.post(`/rest/v1/leads/${a.id}/merge.json?leadId=${b.id}`, undefined)).errors).to.deep.equal([
        { code: '1004', message: 'Lead not found' },
      ]);
      expect((await env.client.post(`/rest/v1/leads/${a.id}/merge.json`, undefined)).errors[0].code).to.equal('1002');
      const many = Array.from({ length: 26 }, (_, i) => i + 1).join(',');
      expect((await env.client.post(`/rest/v1/leads/${a.id}/merge.json?leadIds=${many}`, undefined)).errors[0].code).to.equal('1080');
      expect((await env.client.get(`/rest/v1/leads/${a.id}/merge.json?leadId=2`)).errors[0].code).to.equal('605');
      expect(
        env.sb
          .writeLog()
          .filter((w) => w.operation === 'merge')
          .map((w) => w.error ?? 'ok'),
      ).to.deep.equal(['ok', '1004', '1002', '1080']);
    });
  });

  describe('schema drift: adding and hiding lead fields', () => {
    const env = sandboxFixture();

    it('an added custom field is described, readable (null), writable and searchable', async () => {
      const before = await env.client.get('/rest/v1/leads/describe.json');
      const added = env.sb.addLeadField({ name: 'crm_id', displayName: 'CRM Id', dataType: 'string', length: 64 });
      expect(added).to.deep.equal(describedField(before.result, { name: 'crm_id', displayName: 'CRM Id', dataType: 'string', length: 64, readOnly: false }));
      const after = await env.client.get('/rest/v1/leads/describe.json');
      expect(after.result).to.have.length(102); // the recorded 100, the segmentation's field, this one
      expect(after.result[101]).to.deep.equal(added);
      expect(await env.client.leads('filterType=id&filterValues=1&fields=crm_id')).to.deep.equal([{ id: 1, crm_id: null }]);
      expect((await env.client.sync([{ id: 1, crm_id: 'X-1' }], { lookupField: 'id', action: 'updateOnly' })).result).to.deep.equal([
        { id: 1, status: 'updated' },
      ]);
      expect(await env.client.leads('filterType=crm_id&filterValues=X-1&fields=crm_id')).to.deep.equal([{ id: 1, crm_id: 'X-1' }]);
      expect((await env.client.sync([{ crm_id: 'X-1', firstName: 'ByCrm' }], { lookupField: 'crm_id' })).result).to.deep.equal([{ id: 1, status: 'updated' }]);
      const [change] = activitiesOf(env.sb, 1, 13).filter((a) => a.primaryAttributeValue === 'CRM Id');
      expect(change?.primaryAttributeValueId).to.equal(added.id);
    });

    it('a hidden field leaves Describe; reads, filters and writes of it answer 1006; showing it brings it back', async () => {
      env.sb.hideLeadField('crm_id');
      env.sb.hideLeadField('title');
      const described = ((await env.client.get('/rest/v1/leads/describe.json')).result as Json[]).map((f) => f.rest?.name);
      expect(described).to.not.include.members(['crm_id', 'title']);
      expect(described).to.have.length(100);
      expect((await env.client.get('/rest/v1/leads.json?filterType=id&filterValues=1&fields=title')).errors).to.deep.equal([
        { code: '1006', message: "Field 'title' not found" },
      ]);
      expect((await env.client.get('/rest/v1/leads.json?filterType=crm_id&filterValues=X-1')).errors[0].code).to.equal('1006');
      expect((await env.client.sync([{ email: env.sb.lead(1)?.email, title: 'x' }])).result).to.deep.equal([skipped('1006', "Field 'title' not found")]);
      env.sb.showLeadField('title');
      expect((await env.client.leads('filterType=id&filterValues=1&fields=title'))[0]).to.have.property('title');
    });
  });

  describe('acting "in the Marketo UI"', () => {
    const env = sandboxFixture({ apiUser: 'me@api.example' });

    it('createLead writes New Lead as a person would ("Source Type" "New lead") and marks the values as explicit', async () => {
      const lead = env.sb.createLead({ email: 'ui@example.com', firstName: 'Uma', lastName: 'Ives' });
      expect(lead).to.deep.include({ email: 'ui@example.com', mktoName: 'Uma Ives', createdAt: iso(T0), updatedAt: iso(T0) });
      const [created] = activitiesOf(env.sb, lead.id);
      expect(created).to.deep.include({ activityTypeId: 12, primaryAttributeValue: 'Uma Ives' });
      expect(attributes(created)).to.deep.equal({ 'Created Date': '2026-02-01', 'Source Type': 'New lead' });
      // Generated changes that later touch this lead start from its real values.
      env.sb.addActivities(300, { typeIds: [13] });
      let value: unknown = 'Uma';
      for (const a of activitiesOf(env.sb, lead.id, 13).filter((x) => x.primaryAttributeValue === 'First Name')) {
        expect(attributes(a)['Old Value']).to.equal(value);
        value = attributes(a)['New Value'];
      }
      expect(env.sb.lead(lead.id)?.firstName).to.equal(value);
      expect(() => env.sb.createLead({ shoeSize: 1 })).to.throw(/1006 Field 'shoeSize' not found/);
      expect(() => env.sb.createLead({ mktoName: 'x' })).to.throw(/read-only/);
    });

    it('updateLead logs UI, flow, form and API changes with their attributes; unchanged values log nothing', async () => {
      const id = env.sb.createLead({ email: 'upd@example.com', title: 'Analyst' }).id;
      env.clock.now = T0 + 1000;
      expect(env.sb.updateLead(id, { title: 'Head of Data' })).to.deep.equal(['title']);
      const ui = activitiesOf(env.sb, id, 13).pop() as Activity;
      expect(ui).to.deep.include({ activityDate: iso(T0 + 1000), primaryAttributeValueId: 60, primaryAttributeValue: 'Job Title' });
      expect(ui.attributes).to.deep.equal([
        { name: 'New Value', value: 'Head of Data' },
        { name: 'Old Value', value: 'Analyst' },
        { name: 'Reason', value: 'Changed in Marketo' },
        { name: 'Source', value: 'Person Detail Page' },
      ]);
      expect(env.sb.updateLead(id, { title: 'Head of Data' })).to.deep.equal([]);
      env.sb.updateLead(id, { title: 'CDO' }, { source: 'flow' });
      const flow = activitiesOf(env.sb, id, 13).pop() as Activity;
      expect(flow.campaignId).to.equal(3104);
      expect(attributes(flow)['Source']).to.equal('Marketo Flow Action');
      env.sb.updateLead(id, { title: 'CEO' }, { source: 'form' });
      expect(attributes(activitiesOf(env.sb, id, 13).pop() as Activity)['Source']).to.equal('Web form fillout');
      env.sb.updateLead(id, { title: 'Chair' }, { source: 'api' });
      const api = attributes(activitiesOf(env.sb, id, 13).pop() as Activity);
      expect(api).to.deep.include({
        'Api Method Name': 'syncLead',
        'Modifying User': 'me@api.example',
        Source: 'Web service API',
        'Old Value': 'CEO',
        'New Value': 'Chair',
      });
      expect(api['Request Id']).to.match(REQUEST_ID);
      env.sb.updateLead(id, { title: 'Ex-Chair' }, { source: 'api', apiUser: 'crm@api.example' });
      expect(attributes(activitiesOf(env.sb, id, 13).pop() as Activity)['Modifying User']).to.equal('crm@api.example');
      expect(env.sb.lead(id)?.updatedAt).to.equal(iso(T0 + 1000));
      expect(() => env.sb.updateLead(999999, { title: 'x' })).to.throw(/does not exist/);
    });

    it('deleteLead and mergeLeads write Delete Lead and Merge Leads ("Merge Source" "Marketo UI")', async () => {
      env.sb.deleteLead(10);
      expect(activitiesOf(env.sb, 10, 37)).to.have.length(1);
      env.sb.mergeLeads(11, [12]);
      expect(attributes(activitiesOf(env.sb, 11, 32)[0])).to.deep.include({ 'Merge IDs': '[12]', 'Merge Source': 'Marketo UI' });
      expect(env.sb.lead(12)).to.equal(undefined);
      expect(() => env.sb.deleteLead(10)).to.throw(/does not exist/);
      expect(env.sb.writeLog()).to.deep.equal([]);
    });

    it('does the same over the /__sandbox admin endpoints', async () => {
      const admin = async (method: string, path: string, body?: unknown): Promise<{ status: number; json: Json }> => {
        const res = await fetch(`${env.sb.url}/__sandbox${path}`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
        return { status: res.status, json: (await res.json()) as Json };
      };
      const created = await admin('POST', '/leads', { email: 'admin@example.com', firstName: 'Ada' });
      expect(created.status).to.equal(200);
      const id = created.json.id as number;
      expect((await admin('GET', `/leads/${id}`)).json).to.deep.include({ email: 'admin@example.com' });
      expect((await admin('POST', `/leads/${id}?source=api`, { firstName: 'Adah' })).json).to.deep.equal({ changed: ['firstName'] });
      expect(attributes(activitiesOf(env.sb, id, 13).pop() as Activity)['Modifying User']).to.equal('me@api.example');
      const other = (await admin('POST', '/leads', { email: 'other@example.com', title: 'COO' })).json.id as number;
      expect((await admin('POST', `/leads/${id}/merge`, { leadIds: [other] })).json).to.deep.equal({ ok: true });
      expect(env.sb.lead(id)?.title).to.equal('COO');
      expect((await admin('POST', '/lead-fields', { name: 'tier', displayName: 'Tier', dataType: 'integer' })).json).to.deep.include({
        dataType: 'integer',
        rest: { name: 'tier', readOnly: false },
      });
      expect(await env.client.leads(`filterType=tier&filterValues=1`)).to.deep.equal([]);
      expect((await admin('DELETE', '/lead-fields/tier')).json).to.deep.equal({ ok: true });
      expect((await env.client.get(`/rest/v1/leads.json?filterType=id&filterValues=1&fields=tier`)).errors[0].code).to.equal('1006');
      expect((await admin('DELETE', `/leads/${id}`)).json).to.deep.equal({ ok: true });
      expect((await admin('GET', `/leads/${id}`)).status).to.equal(404);
      expect((await admin('DELETE', `/leads/${id}`)).status).to.equal(400);
      expect((await admin('GET', '/companies')).json).to.deep.equal([]);
      expect((await admin('GET', '/customobjects/car_c')).json).to.deep.equal([]);
      await env.client.sync([{ email: 'logged@example.com' }]);
      expect(((await admin('GET', '/write-log')).json as Json[]).map((w) => w.created)).to.deep.equal([1]);
      expect((await admin('GET', '/')).json.endpoints).to.have.property('POST /__sandbox/leads');
    });
  });

  describe('leads and their change history', () => {
    it('stay consistent through API writes, UI edits and generated activities: replaying the changes ends at every current value', async () => {
      const clock = { now: T0 };
      const sb = await sandboxAt(clock, { leadCount: 60, activityCount: 1500 });
      try {
        const client = await SandboxClient.connect(sb);
        const fieldById = new Map(sb.leadFields().map((f) => [f.id, f.rest?.name ?? '']));
        for (let round = 0; round < 4; round++) {
          clock.now += 3_600_000;
          const input = Array.from({ length: 20 }, (_, i) => ({
            id: i + 1,
            firstName: `R${round}-${i}`,
            title: i % 2 ? `T${round}` : null,
            integer_field: round * 100 + i,
            leadScore: round + i,
          }));
          const res = await client.sync(input, { lookupField: 'id', action: 'updateOnly' });
          expect(res.result.every((r: Json) => r.status === 'updated')).to.equal(true);
          sb.updateLead(21 + round, { city: `City ${round}`, firstName: `Ui${round}` });
          sb.createLead({ email: `round${round}@example.com`, firstName: `New${round}` });
          sb.addActivities(300, { typeIds: [13, 22, 12], at: iso(clock.now + 1000) });
        }
        const last = new Map<string, string | null>();
        let chained = 0;
        for (const a of sb.activities()) {
          if (a.activityTypeId !== 13 && a.activityTypeId !== 22) continue;
          const field = fieldById.get(a.primaryAttributeValueId as number) as string;
          const attrs = attributes(a);
          const key = `${a.leadId}:${field}`;
          const oldValue = attrs['Old Value'] === undefined ? null : textOf(attrs['Old Value']);
          if (last.has(key)) {
            expect(oldValue, `${key} at activity ${a.id}`).to.equal(last.get(key));
            chained++;
          }
          last.set(key, attrs['New Value'] === undefined ? null : textOf(attrs['New Value']));
        }
        expect(chained).to.be.greaterThan(200);
        for (const [key, value] of last) {
          const [id, field] = key.split(':') as [string, string];
          const lead = sb.lead(Number(id));
          if (!lead) continue;
          const current = lead[field];
          expect(current === undefined || current === null ? null : String(current), key).to.equal(value);
        }
      } finally {
        await sb.close();
      }
    });
  });
});

describe('sandbox: what Marketo does to the lead mirror (field-changing activities, late commits, retention, sparse pages)', function () {
  this.timeout(60_000);
  const env = sandboxFixture({ startDate: iso(T0 - DAY) }, { each: true });

  it('Change Score, Change Segment and Change Lead Partition change the lead, move updatedAt, and are read from Get Lead Activities only', async () => {
    env.clock.now += 60_000;
    const before = env.sb.lead(3)!;
    expect(env.sb.changeScore(3, 15)).to.equal(Number(before.leadScore ?? 0) + 15);
    expect(env.sb.changeSegment(3, 'EMEA')).to.equal(true);
    expect(env.sb.changeSegment(3, 'EMEA')).to.equal(false); // already there: no activity
    expect(env.sb.changeLeadPartition(3, 2)).to.equal(true);
    const lead = (await env.client.leads('filterType=id&filterValues=3&fields=leadScore,segmentation_region,leadPartitionId,updatedAt'))[0];
    expect(lead).to.deep.equal({
      id: 3,
      leadScore: Number(before.leadScore ?? 0) + 15,
      segmentation_region: 'EMEA',
      leadPartitionId: 2,
      updatedAt: iso(env.clock.now),
    });
    const since = iso(env.clock.now - 1000);
    const items = await env.client.walkSince('/rest/v1/activities.json', since, '&activityTypeIds=22,100,108');
    expect(items.map((a) => [a.activityTypeId, a.leadId, a.primaryAttributeValue, attributes(a)])).to.deep.equal([
      [
        22,
        3,
        'Lead Score',
        { 'Change Value': '+15', 'New Value': Number(before.leadScore ?? 0) + 15, 'Old Value': Number(before.leadScore ?? 0), Reason: 'Visited pricing page' },
      ],
      [108, 3, 'Region', { 'New Segment ID': 2002 }],
      [100, 3, 'EMEA Partition', { Reason: 'Changed in Marketo' }],
    ]);
    expect(await env.client.walkSince('/rest/v1/activities/leadchanges.json', since, '&fields=leadScore,segmentation_region,leadPartitionId')).to.deep.equal(
      [],
    );
    // Generated moves agree with the leads too.
    const [generated] = env.sb.addActivities(1, { typeIds: [108] });
    expect(env.sb.lead(generated.leadId)!.segmentation_region).to.equal(sampleSegment(generated));
  });

  it('a change committed late is dated before it becomes readable: a token already past its date misses it', async () => {
    env.clock.now += 600_000;
    const token = (await env.client.get(`/rest/v1/activities/pagingtoken.json?sinceDatetime=${iso(env.clock.now - 60_000)}`)).nextPageToken as string;
    expect(env.sb.updateLead(4, { title: 'Late' }, { at: iso(env.clock.now - 300_000) })).to.deep.equal(['title']);
    const page = await env.client.get(`/rest/v1/activities/leadchanges.json?nextPageToken=${token}&fields=title`);
    expect(page.result).to.equal(undefined);
    const earlier = await env.client.walkSince('/rest/v1/activities/leadchanges.json', iso(env.clock.now - 400_000), '&fields=title');
    expect(earlier.map((a) => [a.leadId, a.activityDate])).to.deep.equal([[4, iso(env.clock.now - 300_000)]]);
    expect(env.sb.lead(4)!.updatedAt).to.equal(iso(env.clock.now)); // the lead changed at the commit
  });

  it('prunes the 90-day types after 90 days and deletions after 14 days of the sandbox env.clock, and keeps the others', async () => {
    env.clock.now += 60_000;
    env.sb.updateLead(5, { title: 'Then' });
    env.sb.changeScore(5, 3);
    env.sb.changeSegment(5, 'APAC');
    env.sb.deleteLead(6);
    const types = () =>
      [...env.sb.activities()]
        .filter((a) => a.activityDate >= iso(T0))
        .map((a) => a.activityTypeId)
        .sort((a, b) => a - b);
    expect(types()).to.deep.equal([13, 22, 37, 108]);
    env.sb.clock.advance(15 * DAY);
    expect(types()).to.deep.equal([13, 22, 108]);
    expect(await env.client.walkSince('/rest/v1/activities/deletedleads.json', iso(T0))).to.deep.equal([]);
    env.sb.clock.advance(76 * DAY);
    expect(types()).to.deep.equal([108]);
    expect(await env.client.walkSince('/rest/v1/activities/leadchanges.json', iso(T0), '&fields=title')).to.deep.equal([]);
    expect((await env.client.walkSince('/rest/v1/activities.json', iso(T0), '&activityTypeIds=13,22,108')).map((a) => a.activityTypeId)).to.deep.equal([108]);
  });

  it('answers walks over a rare type in blocks of 2,000 activities: one short page per block, with moreResult:true and a new token', async () => {
    env.sb.addActivities(9000);
    const want = [...env.sb.activities()].filter((a) => a.activityTypeId === 37).map((a) => a.marketoGUID);
    const start = await env.client.get(`/rest/v1/activities/pagingtoken.json?sinceDatetime=${iso(T0 - 2 * DAY)}`);
    let token = start.nextPageToken as string;
    const pages: Array<{ n: number; more: boolean; moved: boolean }> = [];
    const got: string[] = [];
    for (;;) {
      const body = await env.client.get(`/rest/v1/activities.json?nextPageToken=${token}&activityTypeIds=37`);
      const items = (body.result as Json[] | undefined) ?? [];
      got.push(...items.map((a) => a.marketoGUID as string));
      pages.push({ n: items.length, more: body.moreResult as boolean, moved: body.nextPageToken !== token });
      token = body.nextPageToken as string;
      if (!body.moreResult) break;
    }
    const stored = env.sb.activityCount();
    expect(pages).to.have.length(Math.ceil(stored / 2000));
    expect(pages.every((p) => p.moved && p.n < 300)).to.equal(true);
    expect(pages.slice(0, -1).every((p) => p.more)).to.equal(true);
    expect(got).to.deep.equal(want);
  });
});

/** The segment name a generated Change Segment activity names by its New Segment ID. */
function sampleSegment(activity: Activity): string {
  const id = attributes(activity)['New Segment ID'];
  return ({ 2001: 'Default', 2002: 'EMEA', 2003: 'Americas', 2004: 'APAC' } as Record<number, string>)[id as number];
}
