import { randomBytes } from 'node:crypto';
import { p } from '@mikro-orm/core';

// Crockford's base32, the ULID alphabet: no I, L, O or U.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A ULID (https://github.com/ulid/spec): 26 characters, 48 bits of milliseconds then 80 random
 * bits, so ids sort by creation time. Within one millisecond the order is random, not
 * monotonic; audit ids need time order, not a strict sequence.
 */
export function createUlid(now: number = Date.now()): string {
  let time = '';
  let rest = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[rest % 32] + time;
    rest = Math.floor(rest / 32);
  }
  const bytes = randomBytes(16);
  let random = '';
  for (let i = 0; i < 16; i++) random += ALPHABET[(bytes[i] ?? 0) % 32];
  return time + random;
}

/** The `id` property of an entity keyed by a ULID made when the entity is created. */
export function ulidPrimaryKey() {
  return p
    .string()
    .length(26)
    .primary()
    .onCreate(() => createUlid());
}
