import { byEndpointFamily } from './endpoint-families';
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

/** The day is laid in slots of five minutes, so that a sync of the last 5 or 15 minutes finds its share of it. */
const SLOT_MS = 5 * 60_000;
const SLOTS_PER_HOUR = HOUR_MS / SLOT_MS;

/**
 * The day before `dayEnd`, slot by slot in date order (so activity ids grow with dates, as Marketo
 * logs them): the slot's share of generated activities, then, four minutes in, its share of the
 * hour's segment and partition moves, UI deletions and merges. Returns the activities logged.
 */
async function addDay(sandbox: SandboxProcess, dayEnd: number): Promise<number> {
  const activityCount = async () => ((await (await fetch(`${sandbox.url}/__sandbox/counters`)).json()) as { activityCount: number }).activityCount;
  const before = await activityCount();
  const special = 24 * (2 * MOVES_PER_HOUR + UI_DELETIONS_PER_HOUR + UI_MERGES_PER_HOUR * 2);
  const slots = 24 * SLOTS_PER_HOUR;
  const perSlot = Math.floor((DAY_ACTIVITIES - special) / slots);
  const leads = (await (await fetch(`${sandbox.url}/__sandbox/leads`)).json()) as Array<{ id: number }>;
  // Leads the UI deletes or merges: distinct, taken from the whole database, never touched twice.
  const ids = leads.map((l) => l.id).filter((id) => id % 7 === 3);
  let next = 0;
  for (let slot = 0; slot < slots; slot++) {
    const at = dayEnd - DAY_MS + slot * SLOT_MS;
    const n = perSlot + (slot === slots - 1 ? DAY_ACTIVITIES - special - slots * perSlot : 0);
    await post(sandbox, 'activities', { n, at: isoSecond(at) });
    // The generator logs about 1.2 activities a second: the slot's traffic is over by its fourth minute.
    let second = at + 4 * 60_000;
    const dated = () => `at=${isoSecond((second += 1000))}`;
    const inHour = slot % SLOTS_PER_HOUR;
    if (inHour < 2 * MOVES_PER_HOUR)
      await post(sandbox, 'activities', {
        n: 1,
        at: isoSecond((second += 1000)),
        typeIds: [inHour % 2 === 0 ? TYPE_CHANGE_SEGMENT : TYPE_CHANGE_LEAD_PARTITION],
      });
    if (inHour % 2 === 0 && inHour / 2 < UI_DELETIONS_PER_HOUR) await post(sandbox, `leads/${ids[next++]}?${dated()}`, {}, 'DELETE');
    if (inHour % 4 === 1 && (inHour - 1) / 4 < UI_MERGES_PER_HOUR) {
      const winner = ids[next++];
      await post(sandbox, `leads/${winner}/merge?${dated()}`, { leadIds: [ids[next++]] });
    }
  }
  return (await activityCount()) - before;
}

/** The earliest cursor of a sync's state: where the next sync's walks start. */
function earliestCursor(states: any[]): number {
  const dates: number[] = [];
  for (const state of states) {
    const s = state.stream.stream_state;
    if (typeof s.activityDate === 'string') dates.push(Date.parse(s.activityDate));
    for (const partition of Object.values<any>(s.partitions ?? {}))
      if (typeof partition.activityDate === 'string') dates.push(Date.parse(partition.activityDate));
  }
  return Math.min(...dates);
}

/**
 * The first syncs' state with every walk's cursor at `ms` before the earliest of them, as a sync
 * `ms` later finds it (one second for all walks, as a sync of all the streams leaves them: the
 * first syncs of the lead streams and of `activities` ended seconds apart).
 */
function aged(states: any[], ms: number): any[] {
  const copy = JSON.parse(JSON.stringify(states)) as any[];
  const cursor = isoSecond(earliestCursor(states) - ms);
  for (const state of copy) {
    const s = state.stream.stream_state;
    if (typeof s.activityDate === 'string') s.activityDate = cursor;
    for (const partition of Object.values<any>(s.partitions ?? {})) {
      partition.activityDate = cursor;
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
    calls: Object.entries(byEndpointFamily(counters.byEndpoint))
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k.replace(/^GET \/rest\/v1\//, '')} ${v}`)
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

/** How far back each later sync's cursors are (the time since the first sync), and what it reads. */
const PERIODS: Array<[string, number, Array<[string, string[]]>]> = [
  ['daily', DAY_MS, SELECTIONS],
  ['hourly', HOUR_MS, SELECTIONS],
  ['every_15_min', 15 * 60_000, SELECTIONS.filter(([name]) => name === 'lead_streams' || name === 'all_four')],
  ['every_5_min', 5 * 60_000, SELECTIONS.filter(([name]) => name === 'lead_streams' || name === 'all_four')],
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
    // Each lead stream's first sync alone, before the day (reads change nothing in Marketo: one sandbox serves them all).
    const firstAlone = [];
    for (const stream of STREAMS) firstAlone.push([stream, await sync(sandbox, [stream])] as const);
    // The day ends where the first sync's walks stopped, so that a sync a period later reads the period's last share of it.
    const day = await addDay(sandbox, earliestCursor(firstStates));
    const out: Record<string, unknown> = {
      scenario: `source leads, lead_changes and deleted_leads: ${LEADS} leads, then a day of ${day} activities`,
      first_sync_calls: first.total,
      first_sync_by_endpoint: first.calls,
      first_sync_records: first.records,
      first_sync_full_read: first.fullRead,
    };
    const exitCodes = [first.exitCode, firstActivities.exitCode];
    for (const [stream, alone] of firstAlone) {
      out[`first_${stream}_alone_calls`] = alone.total;
      out[`first_${stream}_alone_by_endpoint`] = alone.calls;
      exitCodes.push(alone.exitCode);
    }
    for (const [period, ms, selections] of PERIODS) {
      for (const [name, streams] of selections) {
        const cost = await sync(sandbox, streams, aged(firstStates, ms));
        out[`${period}_${name}_calls`] = cost.total;
        // One sync of the period's last share of the day, times the syncs of a day: an estimate, the day being even.
        if (ms < DAY_MS) out[`${period}_${name}_calls_a_day`] = `≈ ${((DAY_MS / ms) * cost.total).toLocaleString('en-US')}`;
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
