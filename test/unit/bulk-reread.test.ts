import { expect } from 'chai';
import { advance, Decision, lostRead, LostRead, newProgress, RereadFilter, RowIdentity } from '../../source-marketo/streams/bulk-reread';

// What the new file of a window emits when the read of its lost file covered some rows: every
// row once across the two files, whatever order and content the new export has.

/** A row at second `t` with activity id `id` (GUID = id, as on every instance but Activity Service ones). */
function row(t: number, id: number): RowIdentity {
  return { key: String(id), position: t * 1000, seq: id };
}

/** The lost read of a file's first `n` rows. */
function lostAfter(file: RowIdentity[], n: number): LostRead {
  const progress = newProgress();
  for (const r of file.slice(0, n)) advance(progress, r);
  return lostRead(progress, { checksum: 'sha256:old', offset: 100 * n, columns: ['marketoGUID'] }) as LostRead;
}

/** Reads `file` as the window's next file: the keys it emits, and how many times it was read from the start. */
function reread(file: RowIdentity[], lost: LostRead[]): { emitted: string[]; reads: number; lost: LostRead[] } {
  let current = lost;
  for (let reads = 1; reads <= 3; reads++) {
    const progress = newProgress();
    const filter = new RereadFilter(current, progress);
    const emitted: string[] = [];
    let decision: Decision = { kind: 'emit' };
    for (const r of file) {
      advance(progress, r);
      decision = filter.decide(r);
      if (decision.kind === 'restart') break;
      if (decision.kind === 'emit') emitted.push(r.key);
    }
    if (decision.kind !== 'restart') decision = filter.finish();
    if (decision.kind !== 'restart') return { emitted, reads, lost: filter.remaining };
    current = decision.decided.filter((l) => l.mode !== 'none');
  }
  throw new Error('read more than three times');
}

const OLD = [row(10, 1), row(10, 2), row(11, 4), row(12, 5), row(12, 7), row(13, 8), row(15, 9), row(15, 11)];

describe('bulk re-read: the new file of a window lost half read', () => {
  const cases: Array<{ name: string; file: RowIdentity[]; read: number; emitted: string[]; reads: number }> = [
    { name: 'the same rows in the same order: the first rows are skipped', file: OLD, read: 4, emitted: ['7', '8', '9', '11'], reads: 1 },
    {
      name: 'rows added after the part read: still the same first rows',
      file: [...OLD, row(16, 20), row(17, 21)],
      read: 5,
      emitted: ['8', '9', '11', '20', '21'],
      reads: 1,
    },
    {
      name: 'a row added, dated inside the part read (a late activity, higher id): read again by position, the late row comes',
      file: [row(10, 1), row(10, 2), row(11, 4), row(11, 30), row(12, 5), row(12, 7), row(13, 8), row(15, 9), row(15, 11)],
      read: 4,
      emitted: ['30', '7', '8', '9', '11'],
      reads: 2,
    },
    {
      name: 'a row of the part read is gone (its lead deleted): read again by position',
      file: [row(10, 1), row(11, 4), row(12, 5), row(12, 7), row(13, 8), row(15, 9), row(15, 11)],
      read: 4,
      emitted: ['7', '8', '9', '11'],
      reads: 2,
    },
    {
      name: 'the lost read stopped inside a second: the rows of that second it had not read still come',
      file: [row(12, 7), row(12, 5), row(10, 1), row(10, 2), row(11, 4), row(13, 8), row(15, 9), row(15, 11)],
      read: 4,
      emitted: ['7', '8', '9', '11'],
      reads: 2,
    },
    {
      name: 'the new file is shorter than the part read: read again by position',
      file: [row(10, 1), row(10, 2)],
      read: 4,
      emitted: [],
      reads: 2,
    },
    { name: 'nothing of the new file is new', file: OLD.slice(0, 4), read: 4, emitted: [], reads: 1 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const result = reread(c.file, [lostAfter(OLD, c.read)]);
      expect(result.emitted).to.deep.equal(c.emitted);
      expect(result.reads).to.equal(c.reads);
    });
  }

  it('a lost read whose rows were not in date order cannot be matched: the new file is read whole (possible duplicates, never a loss)', () => {
    const unordered = [row(12, 5), row(10, 1), row(11, 4), row(10, 2), row(13, 8)];
    const lost = lostAfter(unordered, 3);
    expect(lost.ordered).to.equal(false);
    const result = reread([row(10, 1), row(10, 2), row(11, 4), row(12, 5), row(13, 8)], [lost]);
    expect(result.emitted).to.deep.equal(['1', '2', '4', '5', '8']);
    expect(result.reads).to.equal(2);
    expect(result.lost).to.deep.equal([]);
  });

  it('two lost reads (the window lost twice): both are left out', () => {
    const first = lostAfter(OLD, 2);
    // The second file had a late row first and was read on by position for three rows.
    const second = { ...lostAfter([row(10, 1), row(10, 2), row(10, 40), row(11, 4)], 4) };
    const result = reread([row(10, 1), row(10, 2), row(10, 40), row(11, 4), row(12, 5), row(12, 7)], [{ ...first, mode: 'position' }, second]);
    expect(result.emitted).to.deep.equal(['5', '7']);
  });

  it('leads (key and position the id, no sequence): ids at or before the last read are left out', () => {
    const lead = (id: number): RowIdentity => ({ key: String(id), position: id });
    const lost = lostAfter([lead(1), lead(2), lead(5), lead(9)], 3);
    const result = reread([lead(1), lead(3), lead(5), lead(9), lead(12)], [lost]);
    expect(result.emitted).to.deep.equal(['9', '12']);
  });

  it('the key hash is carried in the state: a read resumed from it hashes as one read straight through', () => {
    const straight = newProgress();
    for (const r of OLD) advance(straight, r);
    const resumed = newProgress();
    for (const r of OLD.slice(0, 3)) advance(resumed, r);
    const carried = JSON.parse(JSON.stringify(resumed));
    for (const r of OLD.slice(3)) advance(carried, r);
    expect(carried).to.deep.equal(straight);
  });
});
