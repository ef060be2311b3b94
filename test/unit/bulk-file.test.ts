import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import * as sinon from 'sinon';
import { BulkExportEndpoints, isEnded } from '../../marketo/bulk-export';
import { BulkFileRow, readBulkFile } from '../../marketo/bulk-file';
import { MarketoClient } from '../../marketo/client';
import { parseConnection } from '../../marketo/config';
import { MarketoTransientError } from '../../marketo/errors';
import { activityFromRow, activityIdentity } from '../../source-marketo/streams/bulk-backfill';

// The bulk file reader: CSV as Marketo writes it, streamed, with byte offsets a ranged download
// resumes from. Fixtures live in the repository (test/fixtures/bulk): the documented activity row
// of Bulk Activity Extract with rows around it, and job records recorded from a live Marketo.

const FIXTURES = resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'bulk');
const DOCUMENTED = readFileSync(resolve(FIXTURES, 'activities-documented.csv'));

/** A body delivered in chunks of `size` bytes (so that rows, quotes and UTF-8 characters are cut between chunks). */
function body(bytes: Buffer, size = bytes.length): Readable {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return Readable.from(chunks);
}

async function rows(input: Readable, opts: Parameters<typeof readBulkFile>[1] = {}): Promise<BulkFileRow[]> {
  const out: BulkFileRow[] = [];
  for await (const r of readBulkFile(input, opts)) out.push(r);
  return out;
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a failure');
}

describe('bulk file reader', () => {
  /** Rows as the reader gives them: the header's names, each row's values in that order. */
  const table = (header: string[], ...values: Array<Array<string | null>>) => values.map((row) => Object.fromEntries(header.map((name, i) => [name, row[i]])));
  const cases: Array<{ name: string; csv: string; want: Array<Record<string, string | null>> }> = [
    { name: 'plain values', csv: 'id,email\n1,a@x.com\n2,b@x.com\n', want: table(['id', 'email'], ['1', 'a@x.com'], ['2', 'b@x.com']) },
    { name: 'a quoted comma', csv: 'id,company\n1,"Acme, Inc."\n', want: [{ id: '1', company: 'Acme, Inc.' }] },
    { name: 'doubled quotes', csv: 'id,title\n1,"The ""Best"" Title"\n', want: [{ id: '1', title: 'The "Best" Title' }] },
    {
      name: 'an embedded line break',
      csv: 'id,address\n1,"1 Main St\nSuite 2"\n2,x\n',
      want: table(['id', 'address'], ['1', '1 Main St\nSuite 2'], ['2', 'x']),
    },
    { name: 'an embedded CRLF', csv: 'id,address\n1,"a\r\nb"\n', want: [{ id: '1', address: 'a\r\nb' }] },
    { name: 'CRLF line ends', csv: 'id,email\r\n1,a@x.com\r\n2,null\r\n', want: table(['id', 'email'], ['1', 'a@x.com'], ['2', null]) },
    { name: 'empty values: the literal null and an empty cell', csv: 'id,a,b,c\n1,null,,"null"\n', want: [{ id: '1', a: null, b: null, c: null }] },
    { name: 'a byte order mark before the header', csv: '\ufeffid,email\n1,a@x.com\n', want: [{ id: '1', email: 'a@x.com' }] },
    { name: 'blank lines between rows', csv: 'id,email\n1,a\n\n2,b\n', want: table(['id', 'email'], ['1', 'a'], ['2', 'b']) },
    { name: 'no line break after the last row', csv: 'id,email\n1,a\n2,b', want: table(['id', 'email'], ['1', 'a'], ['2', 'b']) },
    { name: 'a header only', csv: 'id,email\n', want: [] },
    { name: 'an empty file', csv: '', want: [] },
  ];
  for (const c of cases) {
    it(`reads ${c.name}, in one chunk or byte by byte`, async () => {
      const bytes = Buffer.from(c.csv, 'utf8');
      for (const size of [bytes.length || 1, 1, 7]) {
        const got = await rows(body(bytes, size));
        expect(
          got.map((r) => r.row),
          `chunks of ${size}`,
        ).to.deep.equal(c.want);
        if (got.length > 0) expect(got[got.length - 1].endOffset, 'the last row ends the file').to.equal(bytes.length);
      }
    });
  }

  it('gives byte offsets (not characters) after each row, whatever the chunks cut', async () => {
    const bytes = Buffer.from('id,name\n1,"Île-de-France, ""Paris"""\n2,😀 emoji\n3,plain\n', 'utf8');
    for (const size of [1, 3, 5, bytes.length]) {
      const got = await rows(body(bytes, size));
      expect(got.map((r) => r.row.name)).to.deep.equal(['Île-de-France, "Paris"', '😀 emoji', 'plain']);
      const ends = got.map((r) => r.endOffset);
      expect(ends).to.deep.equal([bytes.indexOf('\n2,') + 1, bytes.indexOf('\n3,') + 1, bytes.length]);
    }
  });

  it('the documented activity row and its neighbours: attributes JSON (escapes, a line break), empty values, typed as Get Lead Activities types them', async () => {
    const got = await rows(body(DOCUMENTED, 64));
    expect(got).to.have.length(5);
    const activities = got.map((r) => activityFromRow(r.row, new Map()));
    expect(activities[0]).to.deep.equal({
      id: 783957693,
      marketoGUID: '783957693',
      leadId: 5414087,
      activityDate: '2022-02-13T14:06:20Z',
      activityTypeId: 104,
      campaignId: 8497,
      primaryAttributeValueId: 1670,
      primaryAttributeValue: 'MembershipTest1',
      attributes: [
        { name: 'Reason', value: 'Changed by Smart Campaign MembershipTest1.Add to program' },
        { name: 'Program Member ID', value: 3240303 },
        { name: 'Acquired By', value: true },
        { name: 'Old Status', value: 'Not in Program' },
        { name: 'New Status ID', value: 21 },
        { name: 'Success', value: false },
        { name: 'New Status', value: 'On List' },
        { name: 'Old Status ID', value: 20 },
      ],
    });
    expect(activities[1]).to.deep.include({ primaryAttributeValue: 'https://example.com/pricing?a=1,b=2', attributes: [] });
    expect(activities[1]).to.not.have.any.keys('campaignId', 'primaryAttributeValueId');
    expect(activities[2]?.primaryAttributeValue).to.equal('Contact "Us" form');
    expect(activities[2]?.attributes).to.deep.include({ name: 'Form Fields', value: 'a:1:{s:7:"Comment";s:10:"line1\nline2";}' });
    expect(activities[3]?.primaryAttributeValue).to.equal('Job\nTitle');
    expect(activities[3]?.attributes).to.deep.equal([
      { name: 'New Value', value: 'Chef de projet, Île-de-France' },
      { name: 'Old Value', value: null },
      { name: 'Reason', value: 'Form fill:\ntwo lines' },
      { name: 'Source', value: 'Web form fillout' },
    ]);
    expect(activities[4]).to.deep.equal({
      id: 783957698,
      marketoGUID: '783957698',
      leadId: 5414091,
      activityDate: '2022-02-13T14:06:23Z',
      activityTypeId: 6,
      campaignId: 8497,
      attributes: [],
    });
    expect(got.map((r) => activityIdentity(r.row))).to.deep.equal(
      activities.map((a) => ({ key: a?.marketoGUID, position: Date.parse(String(a?.activityDate)), seq: a?.id })),
    );
  });

  describe('a download cut short', () => {
    const whole = 'id,email,note\n1,a@x.com,first\n2,b@x.com,"second, quoted"\n3,c@x.com,third\n';
    /** `rows`: the whole rows before the cut. */
    const cases: Array<{ name: string; cut: string; rows: string[] }> = [
      { name: 'in the middle of an unquoted value (the cut row looks whole)', cut: whole.slice(0, whole.indexOf('thi') + 2), rows: ['1', '2'] },
      { name: 'inside a quoted value', cut: whole.slice(0, whole.indexOf('quoted')), rows: ['1'] },
      { name: 'at a row boundary', cut: whole.slice(0, whole.indexOf('3,')), rows: ['1', '2'] },
      { name: 'with a short last row', cut: whole.slice(0, whole.indexOf(',thi')), rows: ['1', '2'] },
    ];
    for (const c of cases) {
      it(`${c.name}: the whole rows come, then a transient failure naming the bytes (the read resumes after them)`, async () => {
        const seen: string[] = [];
        const err = await failure(
          (async () => {
            for await (const r of readBulkFile(body(Buffer.from(c.cut), 1), { size: Buffer.byteLength(whole) })) seen.push(String(r.row.id));
          })(),
        );
        // Whole rows only (those the parser held when the cut surfaced are read again after the resume).
        expect(seen).to.deep.equal(c.rows.slice(0, seen.length));
        expect(err).to.be.instanceOf(MarketoTransientError);
        expect(err.message).to.equal(
          `The bulk file ended at byte ${Buffer.byteLength(c.cut)} of ${Buffer.byteLength(whole)}: the download was cut; the next read resumes after the last whole row.`,
        );
      });
    }

    it('a file of the expected size is read whole', async () => {
      const got = await rows(body(Buffer.from(whole), 5), { size: Buffer.byteLength(whole) });
      expect(got.map((r) => r.row.id)).to.deep.equal(['1', '2', '3']);
    });

    it('a malformed file (not a cut one) fails as it is', async () => {
      const bad = 'id,email\n1,a,extra\n';
      const err = await failure(rows(body(Buffer.from(bad)), { size: Buffer.byteLength(bad) }));
      expect(err).to.not.be.instanceOf(MarketoTransientError);
      expect(err.message).to.match(/Invalid Record Length/);
    });
  });

  describe('Range resume', () => {
    it('from every row boundary, the tail read with the header gives the rest of the rows and the same offsets', async () => {
      const all = await rows(body(DOCUMENTED));
      for (let k = 0; k < all.length; k++) {
        const start = all[k].endOffset;
        const tail = await rows(body(DOCUMENTED.subarray(start), 9), { startOffset: start, columns: Object.keys(all[0].row) });
        expect(tail, `after row ${k + 1}`).to.deep.equal(all.slice(k + 1));
      }
    });

    it('needs the header columns to resume in the middle', async () => {
      const err = await failure(rows(body(DOCUMENTED.subarray(10)), { startOffset: 10 }));
      expect(err.message).to.match(/needs its header columns/);
    });

    it('through the client: asks for bytes from the offset and reads the 206 tail; a 200 answer to a Range fails rather than read the file twice', async () => {
      const all = await rows(body(DOCUMENTED));
      const start = all[1].endOffset;
      const stub = sinon.stub();
      let honourRange = true;
      stub.callsFake(async (url: URL, init: { headers: Record<string, string> }) => {
        if (String(url).includes('/identity/oauth/token')) {
          return new Response(JSON.stringify({ access_token: 't:a', token_type: 'bearer', expires_in: 3599, scope: 's' }), {
            headers: { 'Content-Type': 'application/json' },
          });
        }
        const range = /^bytes=(\d+)-$/.exec(init.headers.Range ?? '');
        if (range && honourRange) {
          const from = Number(range[1]);
          return new Response(DOCUMENTED.subarray(from), {
            status: 206,
            headers: { 'Content-Type': 'text/csv', 'Content-Range': `bytes ${from}-${DOCUMENTED.length - 1}/${DOCUMENTED.length}` },
          });
        }
        return new Response(DOCUMENTED, { status: 200, headers: { 'Content-Type': 'text/csv' } });
      });
      const connection = parseConnection({ domain_url: 'https://123-ABC-456.mktorest.com', client_id: 'id', client_secret: 'secret' });
      const endpoints = new BulkExportEndpoints(
        new MarketoClient(connection, { fetchFn: stub as unknown as typeof fetch, retry: { baseDelayMs: 1, maxDelayMs: 2 } }),
      );
      const file = await endpoints.file('activities', 'ce45a7a1-f19d-4ce2-882c-a3c795940a7d', start);
      const tail = await rows(file!, { startOffset: start, columns: Object.keys(all[0].row), size: DOCUMENTED.length });
      expect(tail).to.deep.equal(all.slice(2));
      const fileCall = stub.getCalls().find((c) => String(c.args[0]).includes('/file.json'))!;
      expect(String(fileCall.args[0])).to.equal('https://123-abc-456.mktorest.com/bulk/v1/activities/export/ce45a7a1-f19d-4ce2-882c-a3c795940a7d/file.json');
      expect(fileCall.args[1].headers.Range).to.equal(`bytes=${start}-`);

      honourRange = false;
      const err = await failure(endpoints.file('activities', 'ce45a7a1-f19d-4ce2-882c-a3c795940a7d', start));
      expect(err.message).to.match(/ignored the Range/);
    });
  });

  describe('recorded job records (a live Marketo, through a public client library)', () => {
    const recorded = JSON.parse(readFileSync(resolve(FIXTURES, 'recorded-jobs.json'), 'utf8')) as {
      exchanges: Array<{ name: string; request: string; response: { result: Array<{ exportId: string; status: string }> } }>;
    };
    for (const exchange of recorded.exchanges) {
      it(`${exchange.name}: read as a job, ${exchange.response.result[0].status}`, async () => {
        const stub = sinon.stub();
        stub.callsFake(async (url: URL) => {
          const answer = String(url).includes('/identity/oauth/token')
            ? { access_token: 't:a', token_type: 'bearer', expires_in: 3599, scope: 's' }
            : exchange.response;
          return new Response(JSON.stringify(answer), { headers: { 'Content-Type': 'application/json;charset=UTF-8' } });
        });
        const connection = parseConnection({ domain_url: 'https://123-ABC-456.mktorest.com', client_id: 'id', client_secret: 'secret' });
        const endpoints = new BulkExportEndpoints(new MarketoClient(connection, { fetchFn: stub as unknown as typeof fetch }));
        const object = exchange.request.includes('/leads/') ? 'leads' : 'activities';
        const id = exchange.response.result[0].exportId;
        const job = /create/.test(exchange.name)
          ? await endpoints.createActivityExport({ createdAt: { startAt: '2023-01-07T00:00:00Z', endAt: '2023-01-08T00:00:00Z' }, activityTypeIds: [1] })
          : /enqueue/.test(exchange.name)
            ? await endpoints.enqueue(object, id)
            : /cancel/.test(exchange.name)
              ? await endpoints.cancel(object, id)
              : await endpoints.status(object, id);
        expect(job).to.deep.equal(exchange.response.result[0]);
        expect(isEnded(job.status)).to.equal(job.status === 'Cancelled');
      });
    }
  });
});
