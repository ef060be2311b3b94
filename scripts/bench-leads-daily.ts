import { runConnectorProcess, writeTemp } from './run-process';
import { startSandboxProcess, SandboxProcess } from './sandbox-process';
import { TYPE_CHANGE_LEAD_PARTITION, TYPE_CHANGE_SEGMENT } from '../sandbox/marketo-facts';

/**
 * The bench's `leads-daily` scenario: what the lead streams cost in calls, by endpoint, on a
 * subscription of 20,000 leads. A first sync of `leads`, `lead_changes` and `deleted_leads`;
 * then a day of 50,000 activities (web and email traffic, field changes, score changes, segment and
 * partition moves, new leads, and leads deleted and merged in the UI); then the next daily sync of
 * the three streams together, of each alone, and an hourly one. Figures, not tests; the docs quote them.
 *
 * The connector takes "now" from its own clock, so the day is laid before the first sync's state
 * rather than after it: the day's activities are dated over the 24 hours before the first sync
 * ended, and each cursor of its state is moved a day back (an hour back for the hourly sync). The
 * walks then read exactly the activities a sync a day (an hour) later would read. The history
 * before the day ends days earlier, so no walk reads it again.
 */

const LEADS = Number(process.env.BENCH_LEADS_DAILY_LEADS ?? 20_000);
const DAY_ACTIVITIES = Number(process.env.BENCH_LEADS_DAILY_ACTIVITIES ?? 50_000);
/** Leads deleted and merged in the UI during the day (Delete Lead and Merge Leads activities of real leads). */
const UI_DELETIONS_PER_HOUR = 6;
const UI_MERGES_PER_HOUR = 3;
/** Segment and partition moves of the day (rare types Get Lead Changes does not return). */
const MOVES_PER_HOUR = 5;
/** The history before the day: 3,000 activities three days back (New Lead among them), read by the first sync only. */
const HISTORY_ACTIVITIES = 3_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const STREAMS = ['leads', 'lead_changes', 'deleted_leads'];
/** No Marketo limits: this scenario counts calls, and its syncs take seconds instead of minutes. */
const NO_LIMITS = ['--rate-limit', 'none', '--concurrency', 'none', '--daily-quota', 'none', '--latency', '0', '--bulk-step-ms', '1000'];

const isoSecond = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

async function post(sandbox: SandboxProcess, route: string, body: unknown, method = 'POST'): Promise<void> {
  const response = await fetch(`${sandbox.url}/__sandbox/${route}`, { method, body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });
  if (!response.ok) throw new Error(`${method} /__sandbox/${route}: ${response.status} ${await response.text()}`);
}

/**
 * The day, hour by hour in date order (so activity ids grow with dates, as Marketo logs them): the
 * hour's share of generated activities, then its segment and partition moves, UI deletions and
 * merges, dated after them. Returns the activities logged.
 */
async function addDay(sandbox: SandboxProcess, dayStart: number): Promise<number> {
  const before = ((await (await fetch(`${sandbox.url}/__sandbox/counters`)).json()) as { activityCount: number }).activityCount;
  const special = 24 * (2 * MOVES_PER_HOUR + UI_DELETIONS_PER_HOUR + UI_MERGES_PER_HOUR * 2);
  const perHour = Math.floor((DAY_ACTIVITIES - special) / 24);
  const leads = (await (await fetch(`${sandbox.url}/__sandbox/leads`)).json()) as Array<{ id: number }>;
  // Leads the UI deletes or merges: distinct, taken from the whole database, never touched twice.
  const ids = leads.map((l) => l.id).filter((id) => id % 7 === 3);
  let next = 0;
  for (let hour = 0; hour < 24; hour++) {
    const at = dayStart + hour * HOUR_MS;
    await post(sandbox, 'activities', { n: perHour + (hour === 23 ? DAY_ACTIVITIES - special - 24 * perHour : 0), at: isoSecond(at) });
    // The generator logs about 1.2 activities a second: the hour's traffic ends before its 45th minute.
    let second = at + 45 * 60_000;
    const dated = () => `at=${isoSecond((second += 1000))}`;
    await post(sandbox, 'activities', { n: MOVES_PER_HOUR, at: isoSecond((second += 1000)), typeIds: [TYPE_CHANGE_SEGMENT] });
    await post(sandbox, 'activities', { n: MOVES_PER_HOUR, at: isoSecond((second += 60_000)), typeIds: [TYPE_CHANGE_LEAD_PARTITION] });
    second += 60_000;
    for (let k = 0; k < UI_DELETIONS_PER_HOUR; k++) await post(sandbox, `leads/${ids[next++]}?${dated()}`, {}, 'DELETE');
    for (let k = 0; k < UI_MERGES_PER_HOUR; k++) {
      const winner = ids[next++];
      await post(sandbox, `leads/${winner}/merge?${dated()}`, { leadIds: [ids[next++]] });
    }
  }
  const after = ((await (await fetch(`${sandbox.url}/__sandbox/counters`)).json()) as { activityCount: number }).activityCount;
  return after - before;
}

/** The state of a sync with every walk's cursor moved `ms` back, as a later sync would find it. */
function aged(states: any[], ms: number): any[] {
  const copy = JSON.parse(JSON.stringify(states)) as any[];
  const back = (iso: string) => isoSecond(Date.parse(iso) - ms);
  for (const state of copy) {
    const s = state.stream.stream_state;
    if (typeof s.activityDate === 'string') s.activityDate = back(s.activityDate);
    for (const partition of Object.values<any>(s.partitions ?? {})) {
      partition.activityDate = back(partition.activityDate);
      partition.marketoGUIDs = [];
      if (partition.recentGUIDs) partition.recentGUIDs = {};
      delete partition.floor;
    }
  }
  return copy;
}

interface SyncCost {
  calls: string;
  total: number;
  records: string;
  /** What `leads` said of its full read (the Get Leads calls it planned), when it made one. */
  fullRead?: string;
  exitCode: number | null;
  states: any[];
}

/** One read of `streams` from `state`, its calls by endpoint (the sandbox's counters) and records by stream. */
async function sync(sandbox: SandboxProcess, streams: string[], state?: any[]): Promise<SyncCost> {
  const config = writeTemp('config.json', {
    domain_url: sandbox.url,
    client_id: sandbox.clientId,
    client_secret: sandbox.clientSecret,
    start_date: isoSecond(Date.now() - 4 * DAY_MS),
  });
  const catalog = writeTemp('catalog.json', {
    streams: streams.map((name) => ({
      stream: { name, json_schema: {}, supported_sync_modes: ['incremental'] },
      sync_mode: 'incremental',
      destination_sync_mode: 'append_dedup',
    })),
  });
  const args = ['read', '--config', config, '--catalog', catalog];
  if (state)
    args.push(
      '--state',
      writeTemp(
        'state.json',
        state.filter((s) => streams.includes(s.stream.stream_descriptor.name)),
      ),
    );
  await fetch(`${sandbox.url}/__sandbox/reset-counters`, { method: 'POST' });
  // The connector's throttle opened up and bulk jobs polled every half second (the sandbox steps them every second): calls are counted, not waited for.
  const run = await runConnectorProcess('source-marketo', args, undefined, { MARKETO_RATE_WINDOW_MS: '1', MARKETO_BULK_POLL_MS: '500' });
  const counters = (await (await fetch(`${sandbox.url}/__sandbox/counters`)).json()) as { total: number; byEndpoint: Record<string, number> };
  const records: Record<string, number> = {};
  const last = new Map<string, any>();
  for (const m of run.messages) {
    if (m.type === 'RECORD') records[m.record.stream] = (records[m.record.stream] ?? 0) + 1;
    if (m.type === 'STATE') last.set(m.state.stream.stream_descriptor.name, m.state);
  }
  return {
    total: counters.total,
    calls: Object.entries(counters.byEndpoint)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k.replace(/^GET \/rest\/v1\//, '').replace(/\/export\/[0-9a-f-]{36}\//, '/export/{id}/')} ${v}`)
      .join(', '),
    records: streams.map((s) => `${s} ${records[s] ?? 0}`).join(', '),
    fullRead: run.messages.find((m) => m.type === 'LOG' && /^leads: full read/.test(m.log.message))?.log.message,
    exitCode: run.code,
    states: [...last.values()],
  };
}

/** What each later sync reads: the three lead streams (the scenario's subject), each alone, and all four with `activities`. */
const SELECTIONS: Array<[string, string[]]> = [
  ['lead_streams', STREAMS],
  ...STREAMS.map((s): [string, string[]] => [`${s}_alone`, [s]]),
  ['activities_alone', ['activities']],
  ['all_four', ['activities', ...STREAMS]],
];

export async function leadsDaily(): Promise<Record<string, unknown>> {
  const started = Date.now();
  const historyStart = isoSecond(started - 3 * DAY_MS);
  const sandbox = await startSandboxProcess(['--leads', String(LEADS), '--activities', String(HISTORY_ACTIVITIES), '--start-date', historyStart, ...NO_LIMITS]);
  try {
    const first = await sync(sandbox, STREAMS);
    // `activities` alone, for its state only: its first sync reads the history, which is not this scenario's subject.
    const firstActivities = await sync(sandbox, ['activities']);
    const firstStates = [...first.states, ...firstActivities.states];
    const day = await addDay(sandbox, Date.now() - DAY_MS);
    const out: Record<string, unknown> = {
      scenario: `source leads, lead_changes and deleted_leads: ${LEADS} leads, then a day of ${day} activities`,
      first_sync_calls: first.total,
      first_sync_by_endpoint: first.calls,
      first_sync_records: first.records,
      first_sync_full_read: first.fullRead,
    };
    const exitCodes = [first.exitCode, firstActivities.exitCode];
    for (const [period, ms] of [
      ['daily', DAY_MS],
      ['hourly', HOUR_MS],
    ] as const) {
      for (const [name, streams] of SELECTIONS) {
        const cost = await sync(sandbox, streams, aged(firstStates, ms));
        out[`${period}_${name}_calls`] = cost.total;
        out[`${period}_${name}_by_endpoint`] = cost.calls;
        out[`${period}_${name}_records`] = cost.records;
        exitCodes.push(cost.exitCode);
      }
    }
    out.exit_codes = exitCodes.join(', ');
    out.seconds = Math.round((Date.now() - started) / 100) / 10;
    return out;
  } finally {
    await sandbox.stop();
  }
}
