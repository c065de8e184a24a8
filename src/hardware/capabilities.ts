/**
 * Optional capabilities: separate small interfaces an adapter or a connection may add, found
 * with the `isX()` guards, so the core contract stays one screen.
 */

import type { DeviceConnection } from './adapter.ts';
import type { AllowListEntry } from './allow-list.ts';

/** A connection that can check the device answers, cheaper and safer than a command. */
export interface Probeable {
  /** Resolves when the device answered a harmless request; rejects like any I/O otherwise. */
  probe(signal: AbortSignal): Promise<void>;
}

/** True when the connection can {@link Probeable.probe}; the runtime uses it to bring a DOWN device back UP. */
export function isProbeable(connection: DeviceConnection): connection is DeviceConnection & Probeable {
  return typeof (connection as Partial<Probeable>).probe === 'function';
}

/** An adapter that bounds raw access by vendor:product id (HID, USB). */
export interface AllowListed {
  /** The entries this adapter admits; empty admits nothing. */
  readonly allowList: readonly AllowListEntry[];
}

/** True when the adapter exposes an allow-list (shown beside it to operators). */
export function isAllowListed(adapter: object): adapter is AllowListed {
  return Array.isArray((adapter as Partial<AllowListed>).allowList);
}
