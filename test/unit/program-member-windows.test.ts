import { expect } from 'chai';
import { permissionFor } from '../../marketo/permissions';
import { parseProgramMembersState, splitWindow, updatedAtWindows, UPDATED_AT_WINDOW_SECONDS } from '../../source-marketo/streams/member-windows';

describe('program_members: updatedAt ranges and state', () => {
  it('one range when the cursor is less than 7 days back; none when there is nothing to read', () => {
    expect(updatedAtWindows('2026-03-01T00:00:00Z', '2026-03-01T06:00:00Z')).to.deep.equal([
      { startAt: '2026-03-01T00:00:00Z', endAt: '2026-03-01T06:00:00Z' },
    ]);
    expect(updatedAtWindows('2026-03-01T06:00:00Z', '2026-03-01T06:00:00Z')).to.deep.equal([]);
    expect(updatedAtWindows('2026-03-02T00:00:00Z', '2026-03-01T00:00:00Z')).to.deep.equal([]);
  });

  it('ranges under 7 days that overlap by one second, so exclusive bounds lose no member stamped on a boundary', () => {
    const windows = updatedAtWindows('2026-01-01T00:00:00Z', '2026-01-20T00:00:00Z');
    expect(windows).to.have.length(3);
    for (const w of windows) expect((Date.parse(w.endAt) - Date.parse(w.startAt)) / 1000).to.be.at.most(UPDATED_AT_WINDOW_SECONDS);
    for (let i = 1; i < windows.length; i++) expect(Date.parse(windows[i].startAt)).to.equal(Date.parse(windows[i - 1].endAt) - 1000);
    expect(windows[0].startAt).to.equal('2026-01-01T00:00:00Z');
    expect(windows[2].endAt).to.equal('2026-01-20T00:00:00Z');
    // Every second strictly inside (from, to) lies strictly inside some range.
    for (const s of ['2026-01-07T23:59:00Z', '2026-01-14T23:58:00Z', windows[0].endAt, windows[1].endAt]) {
      expect(
        windows.some((w) => w.startAt < s && s < w.endAt),
        s,
      ).to.equal(true);
    }
  });

  it('splits a range in two halves overlapping by a second, down to a few seconds', () => {
    expect(splitWindow({ startAt: '2026-01-01T00:00:00Z', endAt: '2026-01-01T00:00:10Z' })).to.deep.equal([
      { startAt: '2026-01-01T00:00:00Z', endAt: '2026-01-01T00:00:05Z' },
      { startAt: '2026-01-01T00:00:04Z', endAt: '2026-01-01T00:00:10Z' },
    ]);
    expect(splitWindow({ startAt: '2026-01-01T00:00:00Z', endAt: '2026-01-01T00:00:02Z' })).to.equal(undefined);
  });

  it('reads its state leniently: a cursor in any Marketo spelling, a pass only when complete', () => {
    expect(parseProgramMembersState({ updatedAt: '2026-01-01T00:00:00+0000', pass: { startedAt: '2026-01-02T00:00:00Z', nextProgramId: 1205 } })).to.deep.equal(
      {
        updatedAt: '2026-01-01T00:00:00Z',
        pass: { startedAt: '2026-01-02T00:00:00Z', nextProgramId: 1205 },
      },
    );
    expect(parseProgramMembersState({ pass: { startedAt: '2026-01-02T00:00:00Z' } })).to.deep.equal({});
    expect(parseProgramMembersState(undefined)).to.deep.equal({});
  });
});

describe('permissionFor: program member paths', () => {
  it('names Read-Only Lead for Describe and Get Program Members, Read-Write Lead for their writes, Read-Only Assets for Get Programs', () => {
    expect(permissionFor('GET', '/rest/v1/programs/members/describe.json')).to.equal('Read-Only Lead');
    expect(permissionFor('GET', '/rest/v1/programs/1201/members.json')).to.equal('Read-Only Lead');
    expect(permissionFor('POST', '/rest/v1/programs/1201/members/status.json')).to.equal('Read-Write Lead');
    expect(permissionFor('GET', '/rest/asset/v1/programs.json')).to.equal('Read-Only Assets');
  });
});
