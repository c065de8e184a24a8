/**
 * Lines in an ASCII frame, each padded to the longest, for a message a person must not miss
 * among log lines. ASCII, not box-drawing characters: serial consoles of edge boxes may not
 * show those.
 */
export function formatNotice(lines: readonly string[]): string {
  const width = Math.max(0, ...lines.map((line) => line.length));
  const rule = `+${'-'.repeat(width + 4)}+`;
  return [rule, ...lines.map((line) => `|  ${line.padEnd(width)}  |`), rule, ''].join('\n');
}

/**
 * Writes {@link formatNotice} to `stream` (default standard error) when it is a terminal, and
 * nothing otherwise: a program reading the output gets the log line that says the same.
 * Returns whether it wrote.
 */
export function printNotice(lines: readonly string[], stream: NodeJS.WriteStream = process.stderr): boolean {
  if (!stream.isTTY) return false;
  stream.write(`\n${formatNotice(lines)}\n`);
  return true;
}
