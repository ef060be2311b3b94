import { expect } from 'chai';
import { Activity, ActivityPage } from '../../marketo/endpoints';
import { MAX_PAGES_PER_CHAIN, SharedWalkPages } from '../../source-marketo/shared-pages';

function activity(id: number, activityTypeId: number, extra: Partial<Activity> = {}): Activity {
  return { id, marketoGUID: String(id), leadId: 1, activityDate: '2026-01-10T00:00:00Z', activityTypeId, ...extra };
}

function page(activities: Activity[], nextPageToken: string, moreResult: boolean): ActivityPage {
  return { activities, nextPageToken, moreResult };
}

describe('SharedWalkPages', () => {
  const group = new Set([22, 24, 32, 37]);

  it('serves a narrower walk from the same start token with the pages a completed wider walk read, filtered to its types', () => {
    const shared = new SharedWalkPages();
    shared.noteStartToken('T0');
    shared.record('activities', 'T0', group, page([activity(1, 22), activity(2, 32)], 'T1', true));
    expect(shared.lookup('activities', 'T0', new Set([32])), 'not complete yet').to.equal(undefined);
    shared.record('activities', 'T1', group, page([activity(3, 32), activity(4, 24)], 'T2', false));
    expect(shared.lookup('activities', 'T0', new Set([32]))).to.deep.equal(page([activity(2, 32), activity(3, 32)], 'T0', false));
    expect(shared.lookup('activities', 'T0', new Set([32, 1])), 'a type no walk asked for').to.equal(undefined);
    expect(shared.lookup('activities', 'T1', new Set([32])), 'not a start token').to.equal(undefined);
    expect(shared.lookup('leadchanges', 'T0', new Set(['email'])), 'another endpoint').to.equal(undefined);
  });

  it('serves types spread over two groups from both walks, in Marketo order, in pages of 300', () => {
    const shared = new SharedWalkPages();
    shared.noteStartToken('T0');
    const first = Array.from({ length: 250 }, (_, i) => activity(2 * i + 1, 8, { activityDate: `2026-01-10T00:0${Math.floor(i / 50)}:00Z` }));
    const second = Array.from({ length: 250 }, (_, i) => activity(2 * i + 2, 32, { activityDate: `2026-01-10T00:0${Math.floor(i / 50)}:00Z` }));
    shared.record('activities', 'T0', new Set([1, 8]), page(first, 'A1', false));
    shared.record('activities', 'T0', group, page(second, 'B1', false));
    const one = shared.lookup('activities', 'T0', new Set([8, 32]))!;
    expect(one.activities.map((a) => a.id)).to.deep.equal(Array.from({ length: 300 }, (_, i) => i + 1));
    expect(one.moreResult).to.equal(true);
    const two = shared.lookup('activities', one.nextPageToken, new Set([8, 32]))!;
    expect(two.activities.map((a) => a.id)).to.deep.equal(Array.from({ length: 200 }, (_, i) => i + 301));
    expect(two.moreResult).to.equal(false);
  });

  it('serves Get Lead Changes for fewer fields: changes of other fields left out, New Lead kept', () => {
    const shared = new SharedWalkPages();
    shared.noteStartToken('T0');
    const changes = [
      activity(1, 12),
      activity(2, 13, { fields: [{ id: 1, name: 'email', newValue: 'a@b.c' }] }),
      activity(3, 13, { fields: [{ id: 2, name: 'title', newValue: 'CEO' }] }),
    ];
    shared.record('leadchanges', 'T0', new Set(['email', 'title', 'firstName']), page(changes, 'T1', false));
    expect(shared.lookup('leadchanges', 'T0', new Set(['email']))!.activities.map((a) => a.id)).to.deep.equal([1, 2]);
    expect(shared.lookup('leadchanges', 'T0', new Set(['email', 'leadScore']))).to.equal(undefined);
  });

  it('keeps no walk that did not start from a paging token of this sync, nor one longer than a poll', () => {
    const shared = new SharedWalkPages();
    shared.record('deletedleads', 'X', undefined, page([activity(1, 37)], 'Y', false));
    expect(shared.lookup('deletedleads', 'X', undefined)).to.equal(undefined);
    shared.noteStartToken('T0');
    for (let i = 0; i <= MAX_PAGES_PER_CHAIN; i++)
      shared.record('deletedleads', `T${i}`, undefined, page([activity(i, 37)], `T${i + 1}`, i < MAX_PAGES_PER_CHAIN));
    expect(shared.lookup('deletedleads', 'T0', undefined)).to.equal(undefined);
  });
});
