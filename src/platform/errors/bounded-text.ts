/**
 * How much of a client's input an error message, a field violation or a log line may repeat.
 * A message grows with nothing the client sends: one that quoted every unknown role of a
 * 100 000-role request made response headers of several MiB no client could read.
 */
export const TEXT_BOUNDS = {
  /** Most characters of one quoted value or one message. */
  maxChars: 256,
  /** Most items a list names before it says how many more there are. */
  maxItems: 5,
} as const;

/**
 * `text` cut to at most `maxChars` UTF-16 code units, ending in `…` when cut; a surrogate
 * pair is never split.
 */
export function truncateText(text: string, maxChars: number = TEXT_BOUNDS.maxChars): string {
  if (text.length <= maxChars) return text;
  let end = Math.max(0, maxChars - 1);
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

/**
 * The first `maxItems` items joined with `, `, then `and N more`: `"a", "b" and 98 more`.
 * Each item is truncated too.
 */
export function listSome(items: readonly string[], maxItems: number = TEXT_BOUNDS.maxItems): string {
  const shown = items.slice(0, maxItems).map((item) => truncateText(item, 64));
  const rest = items.length - shown.length;
  return rest > 0 ? `${shown.join(', ')} and ${rest} more` : shown.join(', ');
}
