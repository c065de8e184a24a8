import { BlockList, isIP } from 'node:net';
import { type Cidr, formatCidr } from './cidr.ts';

/** Decides whether an IP address lies inside a set of networks. */
export interface AddressGuard {
  /**
   * Whether `address` (an IPv4 or IPv6 literal) is inside one of the networks. An IPv4-mapped
   * IPv6 address (`::ffff:10.0.0.1`) counts as its IPv4 address; a host name, an address with a
   * zone id or anything else that is not an IP literal is outside.
   */
  allows(address: string): boolean;
  /** The networks, as `address/prefix`, for messages. */
  readonly networks: readonly string[];
}

/**
 * An {@link AddressGuard} over `networks`, backed by node's `BlockList` (which matches
 * IPv4-mapped IPv6 addresses against IPv4 rules). No networks: nothing is allowed.
 */
export function createAddressGuard(networks: readonly Cidr[]): AddressGuard {
  const list = new BlockList();
  for (const network of networks) list.addSubnet(network.address, network.prefix, network.family);
  return {
    networks: networks.map(formatCidr),
    allows(address) {
      if (address.includes('%')) return false;
      const version = isIP(address);
      if (version === 0) return false;
      return list.check(address, version === 4 ? 'ipv4' : 'ipv6');
    },
  };
}
