import { expect } from 'chai';
import addFormats from 'ajv-formats';
import { startSandbox, type Sandbox } from '../../sandbox';
import { newDraft07Ajv, formatAjvError } from '../harness/ajv-setup';
import { RunResult } from '../harness/run-connector';
import { catalogFor, discover, guids, nextState, read, recent, sourceConfig, uniqueSorted } from './support';

// Per-type activity streams (activities_<type>): the records `activities` holds, split by type,
// with typed attribute columns, read through the same walks at the same cost.

const ACTIVITIES_CALL = 'GET /rest/v1/activities.json';
const DAY_S = 86_400;

/** A custom type with an attribute of every dataType Get Activity Types may list. */
const EVERY_DATA_TYPE = [
  'string',
  'text',
  'email',
  'phone',
  'url',
  'link',
  'reference',
  'integer',
  'score',
  'float',
  'currency',
  'percent',
  'boolean',
  'date',
  'datetime',
];
const WHITEPAPER = {
  name: 'Downloaded Whitepaper',
  apiName: 'downloadedWhitepaper',
  primaryAttribute: { name: 'Whitepaper ID', apiName: 'whitepaperId', dataType: 'integer' },
  attributes: EVERY_DATA_TYPE.map((dataType) => ({ name: `Field ${dataType}`, apiName: `field_${dataType}`, dataType })),
};

function activitiesCalls(sandbox: Sandbox): number {
  return sandbox.counters.byEndpoint()[ACTIVITIES_CALL] ?? 0;
}

function logText(result: RunResult): string {
  return result
    .logs()
    .map((l: any) => `${l.level} ${l.message}`)
    .join('\n');
}

function statuses(result: RunResult, stream: string): string[] {
  return result
    .traces('STREAM_STATUS')
    .filter((t: any) => t.stream_status.stream_descriptor.name === stream)
    .map((t: any) => t.stream_status.status);
}

/** GUIDs of `activities` records by type id. */
function guidsByType(result: RunResult): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const r of result.records('activities')) out.set(r.data.activityTypeId, [...(out.get(r.data.activityTypeId) ?? []), r.data.marketoGUID]);
  return out;
}

function streamOf(discovered: any, name: string): any {
  const stream = discovered.streams.find((s: any) => s.name === name);
  expect(stream, name).to.not.equal(undefined);
  return stream;
}

describe('source-marketo: per-type activity streams', function () {
  this.timeout(180_000);
  let sandbox: Sandbox;

  afterEach(async () => {
    await sandbox?.close();
  });

  /** A sandbox whose `activities` stream was synced once: the config, the discovered catalog and that first read. */
  async function activitiesSynced(seed: number, activityCount: number): Promise<{ config: Record<string, unknown>; discovered: any; first: RunResult }> {
    sandbox = await startSandbox({ seed, activityCount, leadCount: 60, startDate: recent(3 * 3600) });
    const config = sourceConfig(sandbox);
    const discovered = await discover(config);
    const first = await read(config, catalogFor(discovered, ['activities']));
    expect(first.exitCode, first.stderr).to.equal(0);
    return { config, discovered, first };
  }

  it('discover lists one stream per activity type (custom ones too) with a typed column per attribute', async () => {
    sandbox = await startSandbox({ seed: 41, activityCount: 50, leadCount: 20, startDate: recent(3600) });
    sandbox.addActivityType(WHITEPAPER);
    const discovered = await discover(sourceConfig(sandbox));
    const names = discovered.streams.map((s: any) => s.name);
    const perType = names.filter((n: string) => n.startsWith('activities_'));
    expect(perType).to.have.length(sandbox.activityTypes().length);
    // Right after `activities`, in type id order.
    expect(names.slice(0, 3)).to.deep.equal(['activities', 'activities_visit_webpage', 'activities_fill_out_form']);
    expect(perType).to.include.members(['activities_change_data_value', 'activities_attended_webinar', 'activities_downloaded_whitepaper']);

    const stream = streamOf(discovered, 'activities_downloaded_whitepaper');
    expect(stream.source_defined_primary_key).to.deep.equal([['marketoGUID']]);
    expect(stream.default_cursor_field).to.deep.equal(['activityDate']);
    expect(stream.supported_sync_modes).to.deep.equal(['full_refresh', 'incremental']);
    const p = stream.json_schema.properties;
    expect(p.whitepaper_id.type).to.deep.equal(['null', 'integer']);
    expect(p.field_integer.type).to.deep.equal(['null', 'integer']);
    expect(p.field_score.type).to.deep.equal(['null', 'integer']);
    for (const t of ['float', 'currency', 'percent']) expect(p[`field_${t}`].type, t).to.deep.equal(['null', 'number']);
    expect(p.field_boolean.type).to.deep.equal(['null', 'boolean']);
    expect(p.field_date).to.include({ format: 'date' });
    expect(p.field_datetime).to.include({ format: 'date-time' });
    for (const t of ['string', 'text', 'email', 'phone', 'url', 'link', 'reference']) expect(p[`field_${t}`].type, t).to.deep.equal(['null', 'string']);
    const common = 'marketoGUID id leadId activityDate activityTypeId campaignId primaryAttributeValueId primaryAttributeValue';
    expect(Object.keys(p).slice(0, 8).join(' ')).to.equal(common);
    expect(Object.keys(streamOf(discovered, 'activities_visit_webpage').json_schema.properties)).to.include.members([
      'webpage_id',
      'webpage_url',
      'client_ip_address',
    ]);
  });

  it('hold exactly what activities holds for the same types, one type each, attributes as typed values, at the same Get Lead Activities calls', async () => {
    sandbox = await startSandbox({ seed: 42, activityCount: 2500, leadCount: 100, startDate: recent(6 * 3600) });
    const whitepaper = sandbox.addActivityType(WHITEPAPER);
    sandbox.addActivities(150, { typeIds: [whitepaper.id] });
    sandbox.addActivities(150, { typeIds: [10, 100001] });
    const config = sourceConfig(sandbox);
    const discovered = await discover(config);
    const names = new Map<string, any>(discovered.streams.filter((s: any) => s.name.startsWith('activities_')).map((s: any) => [s.name as string, s]));
    // Twelve types: two groups of ten and two, as `activities` restricted to them walks them.
    const typeIds = [1, 2, 6, 7, 8, 10, 11, 12, 13, 22, 100001, whitepaper.id];
    const typeNames = typeIds.map((id) => [...names.keys()].find((n) => names.get(n).json_schema.description.includes(`activity type ${id} `))!);
    expect(typeNames.every((n) => typeof n === 'string')).to.equal(true);

    sandbox.counters.reset();
    const perType = await read(config, catalogFor(discovered, typeNames));
    expect(perType.exitCode, perType.stderr).to.equal(0);
    const perTypeCalls = activitiesCalls(sandbox);

    sandbox.counters.reset();
    const restricted = await read({ ...config, activity_type_ids: typeIds }, catalogFor(discovered, ['activities']));
    expect(restricted.exitCode, restricted.stderr).to.equal(0);
    const activitiesAloneCalls = activitiesCalls(sandbox);
    expect(perTypeCalls).to.equal(activitiesAloneCalls);
    expect(perTypeCalls).to.be.greaterThan(2); // more than one page per group: the sharing is measured on real paging

    // The same GUIDs, split by type; each stream holds only its type.
    const expected = guidsByType(restricted);
    typeIds.forEach((id, i) => {
      const records = perType.records(typeNames[i]);
      expect(records.length, typeNames[i]).to.be.greaterThan(0);
      expect(
        records.every((r: any) => r.data.activityTypeId === id),
        typeNames[i],
      ).to.equal(true);
      expect(uniqueSorted(guids(perType, typeNames[i])), typeNames[i]).to.deep.equal([...(expected.get(id) ?? [])].sort());
    });

    // Every record matches its discovered schema, and the values are typed (the sandbox sends a third of the numbers and booleans as text).
    const ajv = newDraft07Ajv();
    addFormats(ajv);
    for (const name of typeNames) {
      const validate = ajv.compile(names.get(name).json_schema);
      for (const r of perType.records(name)) expect(validate(r.data), `${name}: ${(validate.errors ?? []).map(formatAjvError).join('; ')}`).to.equal(true);
    }
    const byGuid = new Map(restricted.records('activities').map((r: any) => [r.data.marketoGUID, r.data]));
    let textValues = 0;
    for (const r of perType.records('activities_downloaded_whitepaper')) {
      const raw = new Map(byGuid.get(r.data.marketoGUID).attributes.map((a: any) => [a.name, a.value]));
      expect(r.data.whitepaper_id).to.equal(byGuid.get(r.data.marketoGUID).primaryAttributeValueId);
      for (const t of ['integer', 'score', 'percent']) expect(r.data[`field_${t}`], t).to.equal(Number(raw.get(`Field ${t}`)));
      for (const t of ['float', 'currency']) expect(r.data[`field_${t}`], t).to.equal(Number(raw.get(`Field ${t}`)));
      expect(r.data.field_boolean).to.equal(String(raw.get('Field boolean')) === 'true');
      expect(typeof r.data.field_boolean).to.equal('boolean');
      expect(r.data.field_date).to.equal(raw.get('Field date'));
      expect(r.data.field_datetime).to.equal(raw.get('Field datetime'));
      expect(r.data.field_email).to.equal(raw.get('Field email'));
      textValues += [...raw.entries()].filter(([k, v]) => typeof v === 'string' && /integer|boolean|float/.test(String(k))).length;
    }
    expect(textValues).to.be.greaterThan(0);
    for (const r of perType.records('activities_open_email')) expect(typeof r.data.is_mobile_device).to.equal('boolean');
    for (const r of perType.records('activities_attended_webinar')) {
      expect(typeof r.data.rating).to.equal('number');
      expect(r.data.registration_date).to.match(/^\d{4}-\d{2}-\d{2}$/);
    }

    // `activities` (every type) and per-type streams together: the calls of `activities` alone, and `activities` unchanged.
    sandbox.counters.reset();
    const alone = await read(config, catalogFor(discovered, ['activities']));
    const aloneCalls = activitiesCalls(sandbox);
    sandbox.counters.reset();
    const both = await read(config, catalogFor(discovered, ['activities', ...typeNames]));
    expect(both.exitCode, both.stderr).to.equal(0);
    expect(activitiesCalls(sandbox)).to.equal(aloneCalls);
    expect(uniqueSorted(guids(both, 'activities'))).to.deep.equal(uniqueSorted(guids(alone, 'activities')));
    for (const name of typeNames) expect(uniqueSorted(guids(both, name))).to.deep.equal(uniqueSorted(guids(perType, name)));
    // Each stream has its own state, keyed by its own type.
    const states = nextState(both) as any[];
    const stateOf = (name: string) => states.find((s) => s.stream.stream_descriptor.name === name).stream.stream_state;
    expect(Object.keys(stateOf('activities').partitions)).to.have.length(sandbox.activityTypes().length);
    expect(Object.keys(stateOf('activities_visit_webpage').partitions)).to.deep.equal(['1']);
    expect(stateOf('activities_downloaded_whitepaper').partitions).to.have.keys(String(whitepaper.id));
  });

  it('an incremental sync emits only the new activities, each in its type stream, from each stream’s own state', async () => {
    sandbox = await startSandbox({ seed: 43, activityCount: 600, leadCount: 60, startDate: recent(3 * 3600) });
    const config = sourceConfig(sandbox);
    const discovered = await discover(config);
    const streams = ['activities_visit_webpage', 'activities_open_email', 'activities_attended_webinar'];
    const catalog = catalogFor(discovered, streams);
    const first = await read(config, catalog);
    expect(first.exitCode, first.stderr).to.equal(0);

    const quiet = await read(config, catalog, nextState(first));
    expect(quiet.exitCode, quiet.stderr).to.equal(0);
    expect(quiet.records()).to.deep.equal([]);

    const added = sandbox.addActivities(120, { at: recent(30), typeIds: [1, 10, 100001, 6] });
    sandbox.counters.reset();
    const next = await read(config, catalog, nextState(quiet));
    expect(next.exitCode, next.stderr).to.equal(0);
    expect(activitiesCalls(sandbox)).to.equal(1); // one group, one page
    const want = (typeId: number) => added.filter((a) => a.activityTypeId === typeId).map((a) => a.marketoGUID);
    expect(uniqueSorted(guids(next, 'activities_visit_webpage'))).to.deep.equal(want(1).sort());
    expect(uniqueSorted(guids(next, 'activities_open_email'))).to.deep.equal(want(10).sort());
    expect(uniqueSorted(guids(next, 'activities_attended_webinar'))).to.deep.equal(want(100001).sort());
    expect(next.records().map((r: any) => r.stream)).to.not.include('activities_send_email');
  });

  it('a quiet poll with every per-type stream added to activities, lead_changes, deleted_leads and leads costs the same calls, endpoint by endpoint', async () => {
    sandbox = await startSandbox({ seed: 47, activityCount: 1200, leadCount: 100, startDate: recent(3 * 3600) });
    const config = sourceConfig(sandbox);
    const discovered = await discover(config);
    const base = ['activities', 'lead_changes', 'deleted_leads', 'leads'];
    const perType = discovered.streams.map((s: any) => s.name).filter((n: string) => n.startsWith('activities_'));
    const calls: Array<Record<string, number>> = [];
    for (const streams of [base, [...base, ...perType]]) {
      const catalog = catalogFor(discovered, streams);
      const first = await read(config, catalog);
      expect(first.exitCode, first.stderr).to.equal(0);
      sandbox.counters.reset();
      const quiet = await read(config, catalog, nextState(first));
      expect(quiet.exitCode, quiet.stderr).to.equal(0);
      expect(quiet.records()).to.deep.equal([]);
      calls.push(sandbox.counters.byEndpoint());
    }
    expect(calls[1]).to.deep.equal(calls[0]);
    expect(calls[0][ACTIVITIES_CALL]).to.equal(2); // 20 types: two groups, one page each
  });

  it('a per-type stream added to a connection whose activities stream has a state reads its whole history, and activities nothing twice', async () => {
    const { config, discovered, first } = await activitiesSynced(48, 900);
    const added = sandbox.addActivities(40, { at: recent(30), typeIds: [1, 6] });
    const next = await read(config, catalogFor(discovered, ['activities', 'activities_visit_webpage']), nextState(first));
    expect(next.exitCode, next.stderr).to.equal(0);
    expect(uniqueSorted(guids(next, 'activities'))).to.deep.equal(added.map((a) => a.marketoGUID).sort());
    const visits = [...sandbox.activities()].filter((a) => a.activityTypeId === 1).map((a) => a.marketoGUID);
    expect(uniqueSorted(guids(next, 'activities_visit_webpage'))).to.deep.equal(visits.sort());
  });

  it('streams whose states come from different syncs (activities mid-way through time windows) are read in passes of their own, each exact', async () => {
    const { config, discovered, first } = await activitiesSynced(49, 600);
    // As a killed first sync split into two windows leaves it: the newer window still open.
    const [saved] = nextState(first) as any[];
    const state = saved.stream.stream_state;
    const windowed = { ...state, until: recent(3600), windows: [{ from: recent(3600), until: null, partitions: state.partitions }] };
    saved.stream.stream_state = windowed;
    const added = sandbox.addActivities(30, { at: recent(20), typeIds: [1, 10] });
    const next = await read(config, catalogFor(discovered, ['activities', 'activities_visit_webpage']), [saved]);
    expect(next.exitCode, next.stderr).to.equal(0);
    expect(logText(next)).to.include('so they are read in 2 passes');
    expect(uniqueSorted(guids(next, 'activities'))).to.deep.equal(added.map((a) => a.marketoGUID).sort());
    const visits = [...sandbox.activities()].filter((a) => a.activityTypeId === 1).map((a) => a.marketoGUID);
    expect(uniqueSorted(guids(next, 'activities_visit_webpage'))).to.deep.equal(visits.sort());
  });

  it('an attribute added to a type and a new type between discover and read: the sync succeeds and a LOG says what to re-discover', async () => {
    sandbox = await startSandbox({ seed: 44, activityCount: 300, leadCount: 40, startDate: recent(3 * 3600) });
    const config = sourceConfig(sandbox);
    const discovered = await discover(config);
    const catalog = catalogFor(discovered, ['activities_visit_webpage', 'activities_attended_webinar']);

    sandbox.addActivityAttribute(1, { name: 'Campaign Channel', dataType: 'string' });
    sandbox.addActivityAttribute(100001, { name: 'Questions Asked', apiName: 'questionsAsked', dataType: 'integer' });
    const whitepaper = sandbox.addActivityType(WHITEPAPER);
    const added = sandbox.addActivities(60, { at: recent(30), typeIds: [1, 100001, whitepaper.id] });

    const result = await read(config, catalog);
    expect(result.exitCode, result.stderr).to.equal(0);
    const log = logText(result);
    expect(log).to.include("activities_visit_webpage: activity type 'Visit Webpage' has attributes the configured catalog has no column for");
    expect(log).to.include("'Campaign Channel' (campaign_channel)");
    expect(log).to.include("'Questions Asked' (questions_asked)");
    expect(log).to.match(/activity type\(s\) have no stream in this catalog: .*activities_downloaded_whitepaper \('Downloaded Whitepaper'\)/);
    expect(log).to.include('refreshed');
    // The new column is left out (the catalog does not have it), the records are all there.
    expect(result.records('activities_visit_webpage').every((r: any) => !('campaign_channel' in r.data))).to.equal(true);
    const newVisits = added.filter((a) => a.activityTypeId === 1).map((a) => a.marketoGUID);
    expect(guids(result, 'activities_visit_webpage')).to.include.members(newVisits);

    // After a refresh: the new column and the new stream, with values.
    const refreshed = await discover(config);
    expect(streamOf(refreshed, 'activities_visit_webpage').json_schema.properties.campaign_channel.type).to.deep.equal(['null', 'string']);
    const again = await read(config, catalogFor(refreshed, ['activities_visit_webpage', 'activities_downloaded_whitepaper']));
    expect(again.exitCode, again.stderr).to.equal(0);
    const visits = again.records('activities_visit_webpage').filter((r: any) => newVisits.includes(r.data.marketoGUID));
    expect(visits).to.have.length(newVisits.length);
    expect(visits.every((r: any) => typeof r.data.campaign_channel === 'string')).to.equal(true);
    expect(uniqueSorted(guids(again, 'activities_downloaded_whitepaper'))).to.deep.equal(
      added
        .filter((a) => a.activityTypeId === whitepaper.id)
        .map((a) => a.marketoGUID)
        .sort(),
    );
  });

  it('a type in the catalog that Marketo no longer lists: a WARN, the stream emits nothing, the others are read', async () => {
    sandbox = await startSandbox({ seed: 45, activityCount: 200, leadCount: 30, startDate: recent(3 * 3600) });
    const config = sourceConfig(sandbox);
    const discovered = await discover(config);
    const catalog = catalogFor(discovered, ['activities_visit_webpage', 'activities_open_email']);
    catalog.streams[1].stream.name = 'activities_retired_type';
    const result = await read(config, catalog);
    expect(result.exitCode, result.stderr).to.equal(0);
    expect(logText(result)).to.include('WARN activities_retired_type: Marketo no longer lists an activity type of this name');
    expect(statuses(result, 'activities_retired_type')).to.deep.equal(['STARTED', 'RUNNING', 'COMPLETE']);
    expect(result.records('activities_retired_type')).to.deep.equal([]);
    expect(result.records('activities_visit_webpage').length).to.be.greaterThan(0);
    expect(result.traces('ERROR')).to.deep.equal([]);
  });

  it('through bulk exports: the same records per type as through REST, one export for all the streams', async () => {
    sandbox = await startSandbox({ seed: 46, activityCount: 0, leadCount: 80, startDate: recent(60 * DAY_S), rateLimit: null, bulkExportStepMs: 0 });
    for (let day = 50; day >= 5; day -= 15) sandbox.addActivities(300, { at: recent(day * DAY_S) });
    const start = recent(60 * DAY_S);
    const restConfig = sourceConfig(sandbox, { start_date: start, extraction_method: 'rest' });
    const streams = ['activities', 'activities_visit_webpage', 'activities_send_email', 'activities_attended_webinar'];
    const catalog = catalogFor(await discover(restConfig), streams);
    const rest = await read(restConfig, catalog);
    expect(rest.exitCode, rest.stderr).to.equal(0);
    const bulk = await read(sourceConfig(sandbox, { start_date: start, extraction_method: 'bulk' }), catalog, undefined, {
      env: { MARKETO_BULK_POLL_MS: '50' },
    });
    expect(bulk.exitCode, bulk.stderr).to.equal(0);
    expect(logText(bulk)).to.include('through bulk exports');
    for (const stream of streams) {
      const byGuid = (r: RunResult) => Object.fromEntries(r.records(stream).map((x: any) => [x.data.marketoGUID, x.data]));
      expect(bulk.records(stream).length, stream).to.be.greaterThan(0);
      expect(byGuid(bulk), stream).to.deep.equal(byGuid(rest));
    }
    // One job per window for the four streams together.
    const windows = sandbox.bulkExports.jobs().map((j) => j.filter.startAt);
    expect(new Set(windows).size).to.equal(windows.length);
  });
});
