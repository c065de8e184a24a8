import { lstat, opendir } from 'node:fs/promises';
import { basename, join } from 'node:path';

/** Names of the temporary files of writes in progress: counted by their reservations, not twice. */
export const TEMP_FILE_PREFIX = '.hcs-write-';

/** Whether a regular file at `path` (or named `path`) counts towards the sandbox's usage. */
export function isCountedName(path: string): boolean {
  return !basename(path).startsWith(TEMP_FILE_PREFIX);
}

/**
 * Bytes the regular files under `directory` hold, temporary files of writes excluded: a walk
 * of the whole tree, links not followed, entries that vanish meanwhile skipped.
 */
export async function usageOf(directory: string): Promise<bigint> {
  let total = 0n;
  const pending = [directory];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const dir = await opendir(next).catch(() => undefined);
    if (dir === undefined) continue;
    for await (const entry of dir) {
      const path = join(next, entry.name);
      if (entry.isDirectory()) pending.push(path);
      else if (entry.isFile() && isCountedName(entry.name)) {
        const stats = await lstat(path, { bigint: true }).catch(() => undefined);
        total += stats?.size ?? 0n;
      }
    }
  }
  return total;
}
