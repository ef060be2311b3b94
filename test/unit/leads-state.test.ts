import { expect } from 'chai';
import { mergedIds, parseLeadsState, ParsedState } from '../../source-marketo/streams/leads';

const EPOCH = '1970-01-01T00:00:00Z';
const T = '2026-01-02T03:04:05Z';

describe('leads: the saved state as read back', () => {
  const table: Array<[string, Record<string, unknown> | undefined, ParsedState]> = [
    ['no state: a first sync from the epoch', undefined, { updatedAt: EPOCH, updatedAtGiven: false }],
    ['an empty state: the same', {}, { updatedAt: EPOCH, updatedAtGiven: false }],
    ['a legacy state with only the cursor', { updatedAt: T }, { updatedAt: T, updatedAtGiven: true }],
    ['a cursor with an offset, in the canonical UTC second', { updatedAt: '2026-01-01T19:04:05-08:00' }, { updatedAt: T, updatedAtGiven: true }],
    ['a cursor that is not a date is ignored', { updatedAt: 'yesterday' }, { updatedAt: EPOCH, updatedAtGiven: false }],
    ['a cursor that is not text is ignored', { updatedAt: 1767323045 }, { updatedAt: EPOCH, updatedAtGiven: false }],
    [
      'a full read under way',
      { updatedAt: T, scan: { startedAt: T, nextId: 301, maxId: 900 }, highestId: 300 },
      { updatedAt: T, updatedAtGiven: true, scan: { startedAt: T, nextId: 301, maxId: 900 }, highestId: 300 },
    ],
    [
      'a re-scan that writes tombstones up to an id',
      { updatedAt: T, scan: { startedAt: T, nextId: 1, maxId: 600, tombstonesUpTo: 450, extra: true } },
      { updatedAt: T, updatedAtGiven: true, scan: { startedAt: T, nextId: 1, maxId: 600, tombstonesUpTo: 450 } },
    ],
    ['a scan without its start is dropped', { updatedAt: T, scan: { nextId: 1, maxId: 600 } }, { updatedAt: T, updatedAtGiven: true }],
    [
      'a scan with ids that are not whole numbers is dropped',
      { updatedAt: T, scan: { startedAt: T, nextId: 1.5, maxId: 600 } },
      { updatedAt: T, updatedAtGiven: true },
    ],
    ['a highest id that is not a whole number is dropped', { updatedAt: T, highestId: '300' }, { updatedAt: T, updatedAtGiven: true }],
    [
      'the change walks: their cursors and the leads queued',
      {
        updatedAt: T,
        activityDate: '2026-01-02 03:04:05',
        partitions: { '13': { activityDate: T, marketoGUIDs: ['g1'] } },
        pendingLeadIds: [5, '6', 'x', 7.5],
        highestId: 7,
      },
      {
        updatedAt: T,
        updatedAtGiven: true,
        activityDate: T,
        partitions: { '13': { activityDate: T, marketoGUIDs: ['g1'] } },
        pendingLeadIds: [5, 6],
        highestId: 7,
      },
    ],
    ['partitions that are not an object are dropped', { updatedAt: T, partitions: 'none' }, { updatedAt: T, updatedAtGiven: true }],
    ['pending ids that are not a list are dropped', { updatedAt: T, pendingLeadIds: '5,6' }, { updatedAt: T, updatedAtGiven: true }],
  ];
  for (const [name, raw, expected] of table) {
    it(name, () => expect(parseLeadsState(raw)).to.deep.equal(expected));
  }
});

describe('leads: the losers of a merge', () => {
  const merge = (value: unknown, name = 'Merge IDs') => ({ marketoGUID: '1', leadId: 5, activityDate: T, activityTypeId: 32, attributes: [{ name, value }] });
  const table: Array<[string, ReturnType<typeof merge>, number[]]> = [
    ['a JSON list in text', merge('[7,8]'), [7, 8]],
    ['a comma-separated list', merge('7, 8'), [7, 8]],
    ['a single number', merge(7), [7]],
    ['a list, without the winner', merge([7, 5]), [7]],
    ['the attribute spelled "Merge Ids"', merge('9', 'Merge Ids'), [9]],
    ['nothing usable', merge('n/a'), []],
    ['no value', merge(null), []],
  ];
  for (const [name, activity, ids] of table) {
    it(name, () => expect(mergedIds(activity)).to.deep.equal(ids));
  }
});
