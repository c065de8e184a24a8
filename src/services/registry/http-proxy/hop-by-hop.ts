/**
 * Headers that describe one connection, not the message (RFC 9110 §7.6.1), plus the old
 * `proxy-connection` and `keep-alive`: a proxy never forwards them.
 */
const HOP_BY_HOP: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/**
 * The header names (lower case) not to forward from a message with these raw headers
 * (`[name, value, name, value, …]`): the hop-by-hop ones and every name its `Connection`
 * headers list.
 */
export function hopByHopNames(rawHeaders: readonly string[]): ReadonlySet<string> {
  let named: Set<string> | undefined;
  for (let index = 0; index < rawHeaders.length; index += 2) {
    if ((rawHeaders[index] as string).toLowerCase() !== 'connection') continue;
    named ??= new Set(HOP_BY_HOP);
    for (const token of (rawHeaders[index + 1] as string).split(',')) {
      const name = token.trim().toLowerCase();
      if (name !== '') named.add(name);
    }
  }
  return named ?? HOP_BY_HOP;
}
