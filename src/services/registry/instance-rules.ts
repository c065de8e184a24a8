import { isIP } from 'node:net';
import { invalidField } from '../../platform/errors/index.ts';
import type { Address } from './instance-view.ts';
import { RegistryReason } from './reasons.ts';

const SERVICE_PATTERN = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const INSTANCE_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;
const HOST_LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const TAG_PATTERN = /^[A-Za-z0-9._:/-]{1,63}$/;
const METADATA_KEY_PATTERN = /^[A-Za-z0-9._/-]{1,63}$/;

/**
 * Whether `value` holds NUL or another control character: PostgreSQL refuses NUL in text, and
 * none belongs in a label or path.
 */
export function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** Largest `lease_ttl`, 1 hour. */
export const MAX_LEASE_TTL_MS = 3_600_000;
/** `lease_ttl` when none is given. */
export const DEFAULT_LEASE_TTL_MS = 30_000;
const MAX_TAGS = 32;
const MAX_METADATA = 64;

/** Asserts a `{service}` segment: an RFC 1123 label. */
export function assertServiceId(service: string, field: string): string {
  if (!SERVICE_PATTERN.test(service)) {
    throw invalidField(
      RegistryReason.INVALID_SERVICE_NAME,
      field,
      `${field} must name a service of 1 to 63 lowercase letters, digits and "-" (an RFC 1123 label)`,
    );
  }
  return service;
}

/** The `{service}` of `services/{service}`; INVALID_ARGUMENT naming `field` otherwise. */
export function serviceFromName(name: string, field: string): string {
  const service = name.startsWith('services/') ? name.slice('services/'.length) : '';
  if (!SERVICE_PATTERN.test(service)) {
    throw invalidField(
      RegistryReason.INVALID_SERVICE_NAME,
      field,
      `${field} must be "services/{service}" with {service} 1 to 63 lowercase letters, digits and "-"`,
    );
  }
  return service;
}

/** Asserts an `{instance}` segment. */
export function assertInstanceId(instanceId: string, field: string): string {
  if (!INSTANCE_PATTERN.test(instanceId)) {
    throw invalidField(
      RegistryReason.INVALID_INSTANCE_NAME,
      field,
      `${field} must be 1 to 128 ASCII letters, digits, ".", "_" and "-"`,
    );
  }
  return instanceId;
}

/** The parts of `services/{service}/instances/{instance}`; INVALID_ARGUMENT naming `field` otherwise. */
export function parseInstanceName(name: string, field: string): { service: string; instanceId: string } {
  const match = /^services\/([^/]*)\/instances\/([^/]*)$/.exec(name);
  if (match === null || !SERVICE_PATTERN.test(match[1] ?? '') || !INSTANCE_PATTERN.test(match[2] ?? '')) {
    throw invalidField(
      RegistryReason.INVALID_INSTANCE_NAME,
      field,
      `${field} must be "services/{service}/instances/{instance}"`,
    );
  }
  return { service: match[1] as string, instanceId: match[2] as string };
}

/** The resource name of an instance. */
export function instanceNameOf(service: string, instanceId: string): string {
  return `services/${service}/instances/${instanceId}`;
}

/** Asserts an address: a DNS name or IP literal (IPv6 without brackets) and a port 1-65535. */
export function assertAddress(address: Address, field: string): Address {
  const { host, port } = address;
  const dnsName = host.length <= 253 && host.split('.').every((label) => HOST_LABEL.test(label));
  if (isIP(host) === 0 && !dnsName) {
    throw invalidField(
      RegistryReason.INVALID_ADDRESS,
      `${field}.host`,
      `${field}.host must be a DNS name or an IP address (IPv6 without brackets), at most 253 characters`,
    );
  }
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw invalidField(RegistryReason.INVALID_ADDRESS, `${field}.port`, `${field}.port must be 1 to 65535`);
  }
  return { host, port };
}

/** Asserts a lease time to live in `[minMs, 1 h]`; undefined gives the default. */
export function leaseTtlOf(ttlMs: number | undefined, minMs: number, field: string): number {
  if (ttlMs === undefined) return Math.max(DEFAULT_LEASE_TTL_MS, minMs);
  if (!Number.isFinite(ttlMs) || ttlMs < minMs || ttlMs > MAX_LEASE_TTL_MS) {
    throw invalidField(
      RegistryReason.INVALID_LEASE_TTL,
      field,
      `${field} must be between ${minMs / 1000}s and ${MAX_LEASE_TTL_MS / 1000}s`,
    );
  }
  return Math.trunc(ttlMs);
}

/** Asserts free text of at most `max` characters without control characters. */
export function assertText(value: string, max: number, field: string): string {
  if ([...value].length > max || hasControlCharacter(value)) {
    throw invalidField(
      RegistryReason.INVALID_INSTANCE_FIELD,
      field,
      `${field} must be at most ${max} characters without control characters`,
    );
  }
  return value;
}

/** Asserts tags and removes duplicates, keeping the first occurrence's order. */
export function assertTags(tags: readonly string[], field: string): string[] {
  const unique = [...new Set(tags)];
  if (unique.length > MAX_TAGS) {
    throw invalidField(
      RegistryReason.INVALID_INSTANCE_FIELD,
      field,
      `${field} holds at most ${MAX_TAGS} tags`,
    );
  }
  for (const tag of unique) {
    if (!TAG_PATTERN.test(tag)) {
      throw invalidField(
        RegistryReason.INVALID_INSTANCE_FIELD,
        field,
        `${field}: each tag is 1 to 63 letters, digits, ".", "_", ":", "/" and "-"`,
      );
    }
  }
  return unique;
}

/** Asserts metadata: at most 64 entries, keys 1-63 of `[A-Za-z0-9._/-]`, values up to 1024 characters. */
export function assertMetadata(
  metadata: Readonly<Record<string, string>>,
  field: string,
): Record<string, string> {
  const entries = Object.entries(metadata);
  if (entries.length > MAX_METADATA) {
    throw invalidField(
      RegistryReason.INVALID_INSTANCE_FIELD,
      field,
      `${field} holds at most ${MAX_METADATA} entries`,
    );
  }
  for (const [key, value] of entries) {
    if (!METADATA_KEY_PATTERN.test(key)) {
      throw invalidField(
        RegistryReason.INVALID_INSTANCE_FIELD,
        field,
        `${field}: each key is 1 to 63 letters, digits, ".", "_", "/" and "-"`,
      );
    }
    assertText(value, 1024, `${field}[${key}]`);
  }
  return Object.fromEntries(entries);
}
