/**
 * The bench's summary: one line per scenario with its throughput and its share of the rate
 * ceiling (the records per second Marketo's limits allow in the long run), the figure the README
 * quotes. Scenarios run without Marketo's limits, or that count calls rather than records, say so
 * instead of a share.
 */
export function ceilingTable(results: Array<Record<string, unknown>>, ceilingPerS: number): string[] {
  const rows = results.map((r) => {
    const scenario = String(r.scenario);
    // The connector's own throughput: records_per_s, or source_/destination_records_per_s beside a baseline's.
    const perSKey = Object.keys(r).find((k) => k.includes('records_per_s') && !k.startsWith('baseline') && typeof r[k] === 'number');
    const perS = perSKey === undefined ? undefined : (r[perSKey] as number);
    const share =
      typeof r.share_of_ceiling === 'number'
        ? `${(r.share_of_ceiling * 100).toFixed(1)} %`
        : perS !== undefined || Object.keys(r).some((k) => k.endsWith('seconds'))
          ? 'none: run without the rate limit'
          : 'none: counts calls, not records/s';
    return [scenario, perS === undefined ? '-' : perS.toLocaleString('en-US'), share];
  });
  const header = ['scenario', 'records/s', `share of the ${ceilingPerS.toLocaleString('en-US')}/s ceiling`];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 1 ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}
