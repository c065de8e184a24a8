import { randomFillSync } from 'node:crypto';
import { p } from '@mikro-orm/core';

// Crockford's base32, the ULID alphabet: no I, L, O or U.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

// Random bytes drawn 4 KiB at a time: a system call per id was ~3 % of a device command's CPU
// (several ids each: the execution and one audit entry per transition). Ids are not secrets.
const POOL = Buffer.alloc(4096);
let poolOffset = POOL.length;

function randomSlice(size: number): Buffer {
  if (poolOffset + size > POOL.length) {
    randomFillSync(POOL);
    poolOffset = 0;
  }
  poolOffset += size;
  return POOL.subarray(poolOffset - size, poolOffset);
}

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
  const bytes = randomSlice(16);
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
