/** A command line that does not parse; main prints it with the usage hint and exits 2. */
export class UsageError extends Error {}

/** Columns padded to their widest cell, one row per line. */
export function formatTable(rows: string[][]): string {
  const widths =
    rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  const lines = rows.map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd(),
  );
  return `${lines.join('\n')}\n`;
}

/** Milliseconds of a duration like `90s`, `15m`, `12h`, `30d`; undefined when it is not one. */
export function parseDurationMs(text: string): number | undefined {
  const match = /^(\d+)(s|m|h|d)$/.exec(text);
  if (match === null) return undefined;
  const unit = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}
