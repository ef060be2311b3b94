import { expect } from 'chai';
import { startSandbox, Sandbox } from '../../sandbox';
import { catalogFor, discover, nextState, read, sourceConfig } from './support';

// Marketo may prune deletions older than 14 days: deleted_leads says so when a sync may have
// missed some, and only then.

const DAY_MS = 86_400_000;
const isoSecond = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

describe('deleted_leads warns that deletions may have been missed only when they may have been', function () {
  let sandbox: Sandbox;
  let config: Record<string, unknown>;
  let catalog: any;
  before(async () => {
    // The last deletions were 20 days ago; Marketo has not pruned them (retention off) so the first sync reads them.
    sandbox = await startSandbox({
      seed: 4,
      activityCount: 600,
      leadCount: 40,
      startDate: isoSecond(Date.now() - 20 * DAY_MS),
      deletedLeadsRetentionDays: null,
    });
    // rest: a first sync walks from start_date (auto and bulk start at the 14-day horizon: deleted-leads-horizon.test.ts).
    config = sourceConfig(sandbox, { start_date: isoSecond(Date.now() - 30 * DAY_MS), extraction_method: 'rest' });
    catalog = catalogFor(await discover(config), ['deleted_leads']);
  });
  after(() => sandbox.close());

  it('a quiet subscription (no deletion for 20 days) synced daily: no warning; a stale or legacy state: the warning', async () => {
    const first = await read(config, catalog);
    expect(first.exitCode, first.stderr).to.equal(0);
    const deletions = first.records('deleted_leads').map((r: any) => r.record?.data ?? r.data);
    expect(deletions.length).to.be.greaterThan(0);
    expect(Math.max(...deletions.map((d: any) => Date.now() - Date.parse(d.activityDate)))).to.be.greaterThan(19 * DAY_MS);
    expect(first.logMessages('WARN')).to.deep.equal([]); // a first sync has nothing to miss
    const state = nextState(first) as any[];
    const streamState = state[0].stream.stream_state;
    // The cursor says how far deletions were read (every one, up to just before the sync), not when the last one happened.
    expect(Date.now() - Date.parse(streamState.activityDate)).to.be.within(0, 10 * 60_000);

    const quiet = await read(config, catalog, state);
    expect(quiet.exitCode).to.equal(0);
    expect(quiet.records()).to.deep.equal([]);
    expect(quiet.logMessages('WARN')).to.deep.equal([]);

    // The last sync ran 15 days ago (or a legacy state kept the last deletion's date, 20 days ago).
    for (const lastRead of [
      isoSecond(Date.now() - 15 * DAY_MS),
      deletions
        .map((d: any) => d.activityDate)
        .sort()
        .pop(),
    ]) {
      const stale = await read(config, catalog, [
        {
          ...state[0],
          stream: { ...state[0].stream, stream_state: { activityDate: lastRead, partitions: { deleted_leads: { activityDate: lastRead, marketoGUIDs: [] } } } },
        },
      ]);
      expect(stale.logMessages('WARN')).to.deep.equal([
        `deleted_leads: the last sync read deletions up to ${lastRead}, more than 14 days ago. Marketo may prune deletions older than 14 days, so some may have been missed; sync at least every 14 days to catch every deletion.`,
      ]);
    }
  });
});
