import { type LookupAddress, type LookupOptions, lookup } from 'node:dns';
import type { LookupFunction } from 'node:net';
import type { AddressGuard } from '../../../platform/net/index.ts';

/** A host name resolved only to addresses outside the allowed networks. */
export class AddressNotAllowedError extends Error {
  override readonly name = 'AddressNotAllowedError';
  readonly address: string;

  constructor(host: string, address: string) {
    super(`${host === address ? address : `${host} (${address})`} is outside HCS_PROXY_ALLOWED_NETWORKS`);
    this.address = address;
  }
}

type LookupCallback = (error: Error | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for `http.request` that resolves as `dns.lookup` does, then keeps only addresses
 * the guard allows, failing with {@link AddressNotAllowedError} when none is left. Checking the
 * addresses the socket really connects to (not a name checked once beforehand) means a DNS
 * answer that changes between check and connect cannot send the proxy elsewhere. IP literals
 * never reach a lookup; the caller checks those itself. `resolve` is how names are resolved
 * (default `dns.lookup`; a test gives a name several addresses with it).
 */
export function guardedLookup(guard: AddressGuard, resolve: typeof lookup = lookup): LookupFunction {
  return function lookupAllowed(hostname: string, options: LookupOptions, callback: LookupCallback) {
    resolve(hostname, { ...options, all: true }, (error, addresses) => {
      if (error !== null) {
        callback(error, '');
        return;
      }
      const allowed = addresses.filter((entry) => guard.allows(entry.address));
      const first = allowed[0];
      if (first === undefined) {
        callback(new AddressNotAllowedError(hostname, addresses[0]?.address ?? hostname), '');
        return;
      }
      if (options.all === true) callback(null, allowed);
      else callback(null, first.address, first.family);
    });
  } as LookupFunction;
}
