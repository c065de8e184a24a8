import { isIP } from 'node:net';

/** A network in CIDR notation, parsed: `10.0.0.0/8`, `fc00::/7`. */
export interface Cidr {
  readonly family: 'ipv4' | 'ipv6';
  /** The address as written (host bits are ignored when matching). */
  readonly address: string;
  /** Prefix length: 0-32 for IPv4, 0-128 for IPv6. */
  readonly prefix: number;
}

/**
 * Loopback and private ranges: IPv4 loopback and RFC 1918, IPv6 loopback and unique local
 * addresses. Link-local ranges (169.254.0.0/16, fe80::/10) are left out on purpose: cloud
 * metadata services live there.
 */
export const LOOPBACK_AND_PRIVATE_NETWORKS: readonly string[] = [
  '127.0.0.0/8',
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '::1/128',
  'fc00::/7',
];

const PREFIX = /^\d{1,3}$/;

/**
 * Parses `address/prefix`, or a bare address (a single host: /32 or /128). Throws an Error whose
 * message says what is wrong with `text` (not an address, a prefix out of range, a zone id),
 * meant for a configuration problem list.
 */
export function parseCidr(text: string): Cidr {
  const trimmed = text.trim();
  const slash = trimmed.indexOf('/');
  const address = slash === -1 ? trimmed : trimmed.slice(0, slash);
  const version = address.includes('%') ? 0 : isIP(address);
  if (version === 0) {
    throw new Error(`"${clip(text)}" is not an IPv4 or IPv6 address or network (e.g. 10.0.0.0/8, fc00::/7)`);
  }
  const family = version === 4 ? 'ipv4' : 'ipv6';
  const max = version === 4 ? 32 : 128;
  if (slash === -1) return { family, address, prefix: max };
  const prefixText = trimmed.slice(slash + 1);
  const prefix = Number(prefixText);
  if (!PREFIX.test(prefixText) || prefix > max) {
    throw new Error(
      `"${clip(text)}" has prefix length "${clip(prefixText)}"; an ${family} prefix is 0-${max}`,
    );
  }
  return { family, address, prefix };
}

/** `address/prefix`, the form {@link parseCidr} reads. */
export function formatCidr(cidr: Cidr): string {
  return `${cidr.address}/${cidr.prefix}`;
}

// A problem message repeats only the start of what an operator typed.
function clip(text: string): string {
  return text.length > 64 ? `${text.slice(0, 64)}…` : text;
}
