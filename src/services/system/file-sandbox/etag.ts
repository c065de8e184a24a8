import { createHash } from 'node:crypto';
import type { BigIntStats } from 'node:fs';

/**
 * The etag of an entry: a digest of the facts that change whenever it is replaced or its
 * content is rewritten: device and inode (an atomic write renames a new inode into place),
 * size, and the modification and change times in nanoseconds. 22 base64url characters: short
 * enough for a header, long enough that a collision is not a concern. Not a content hash:
 * hashing a 1 GiB file for every stat would make listing unusable.
 */
export function etagOf(stats: BigIntStats): string {
  return createHash('sha256')
    .update(`${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeNs}:${stats.ctimeNs}:${stats.mode}`)
    .digest('base64url')
    .slice(0, 22);
}
