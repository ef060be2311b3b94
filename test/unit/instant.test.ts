import { expect } from 'chai';
import { comparable } from '../../destination-marketo/changes';
import { parseInstant } from '../../marketo/instant';
import { toMarketoSecond } from '../../source-marketo/dates';

// Node re-reads process.env.TZ when it is set, so these run as on a machine in Chicago.
describe("dates without a zone are UTC whatever the machine's TZ", () => {
  const saved = process.env.TZ;
  before(() => {
    process.env.TZ = 'America/Chicago';
    expect(new Date(2024, 0, 1).getTimezoneOffset()).to.equal(360); // the TZ really is in effect
  });
  after(() => {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  });

  it('parseInstant reads every ISO 8601 spelling, zone-less as UTC, and refuses days the calendar lacks', () => {
    const utc = Date.UTC(2024, 0, 1);
    for (const text of ['2024-01-01', '2024-01-01T00:00', '2024-01-01T00:00:00', '2024-01-01 00:00:00', '2024-01-01T00:00:00Z', '2024-01-01T00:00:00.000z']) {
      expect(parseInstant(text), text).to.equal(utc);
    }
    expect(parseInstant('2024-01-01T00:00:00-0600')).to.equal(utc + 6 * 3600_000);
    expect(parseInstant('2024-01-01T00:00:00-06:00')).to.equal(utc + 6 * 3600_000);
    expect(parseInstant('2024-01-01T00:00:00+01')).to.equal(utc - 3600_000);
    for (const text of ['2024-02-30T00:00:00Z', '2024-13-01', '01/02/2024', '2024', 'last tuesday', '']) expect(parseInstant(text), text).to.be.NaN;
  });

  it("the source's cursor dates and the destination's compared values follow it", () => {
    expect(toMarketoSecond('2026-03-01 12:00:00')).to.equal('2026-03-01T12:00:00Z');
    expect(comparable('2026-03-01 12:00:00', 'datetime')).to.equal(comparable('2026-03-01T12:00:00Z', 'datetime'));
  });
});
