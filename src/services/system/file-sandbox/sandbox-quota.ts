import { lstat, opendir, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError, Code } from '../../../platform/errors/index.ts';
import { FileReason } from '../reasons.ts';

/** Names of the temporary files of writes in progress: counted by their reservations, not twice. */
export const TEMP_FILE_PREFIX = '.hcs-write-';

/** Options of {@link createSandboxQuota}. */
export interface SandboxQuotaOptions {
  /** Real path of the sandbox root. */
  rootPath: string;
  /** Most bytes the regular files of the sandbox may hold together. */
  quotaBytes: number;
  /** Free bytes the file system must keep (the database lives on it too). */
  minFreeBytes: number;
}

/** Room taken by one write in progress. */
export interface Reservation {
  /** Counts `bytes` more; throws RESOURCE_EXHAUSTED `FILE_QUOTA_EXCEEDED` when they do not fit. */
  grow(bytes: number): Promise<void>;
  /** Gives the room back (after the commit, the file itself is counted by the next walk). */
  release(): void;
}

/** The sandbox's byte budget, shared by every write in progress. */
export interface SandboxQuota {
  /**
   * Starts a write that will replace `replacedBytes` (the current size of its target, 0 for a
   * new file): measures the sandbox (a walk of the tree, links not followed) and refuses at
   * once when `expectedBytes` cannot fit.
   */
  begin(replacedBytes: bigint, expectedBytes?: bigint): Promise<Reservation>;
  /** Bytes the regular files of the sandbox hold now, temporary files excluded. */
  usage(): Promise<bigint>;
}

// statfs costs a system call: asked again only after this many bytes.
const FREE_SPACE_CHECK_BYTES = 8 * 1024 * 1024;

/**
 * Creates the quota of one sandbox. Every write counts its bytes as they arrive, against the
 * quota minus what the sandbox held when it began minus what other writes in progress hold,
 * and every 8 MiB checks that the file system keeps `minFreeBytes` free; the first byte over
 * either fails the write, whose temporary file the caller removes.
 */
export function createSandboxQuota(options: SandboxQuotaOptions): SandboxQuota {
  const quota = BigInt(options.quotaBytes);
  const minFree = BigInt(options.minFreeBytes);
  const inFlight = new Set<{ bytes: bigint }>();

  async function assertFreeSpace(more: bigint): Promise<void> {
    const fs = await statfs(options.rootPath, { bigint: true });
    if (fs.bavail * fs.bsize - more < minFree) {
      throw exceeded(`the disk would keep less than its reserve of ${minFree} free bytes`);
    }
  }

  return {
    usage: () => usageOf(options.rootPath),
    async begin(replacedBytes, expectedBytes = 0n) {
      const base = (await usageOf(options.rootPath)) - replacedBytes;
      const entry = { bytes: 0n };
      const othersBytes = () =>
        [...inFlight].reduce((sum, other) => (other === entry ? sum : sum + other.bytes), 0n);
      if (base + expectedBytes + othersBytes() > quota) {
        throw exceeded(
          `writing ${expectedBytes} bytes would take the sandbox past its quota of ${quota} bytes`,
        );
      }
      if (expectedBytes > 0n) await assertFreeSpace(expectedBytes);
      inFlight.add(entry);
      let sinceCheck = 0;
      return {
        async grow(bytes) {
          entry.bytes += BigInt(bytes);
          if (base + entry.bytes + othersBytes() > quota) {
            throw exceeded(`the file would take the sandbox past its quota of ${quota} bytes`);
          }
          sinceCheck += bytes;
          if (sinceCheck >= FREE_SPACE_CHECK_BYTES) {
            sinceCheck = 0;
            await assertFreeSpace(0n);
          }
        },
        release() {
          inFlight.delete(entry);
        },
      };
    },
  };
}

async function usageOf(directory: string): Promise<bigint> {
  let total = 0n;
  const pending = [directory];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const dir = await opendir(next).catch(() => undefined);
    if (dir === undefined) continue;
    for await (const entry of dir) {
      const path = join(next, entry.name);
      if (entry.isDirectory()) pending.push(path);
      else if (entry.isFile() && !entry.name.startsWith(TEMP_FILE_PREFIX)) {
        const stats = await lstat(path, { bigint: true }).catch(() => undefined);
        total += stats?.size ?? 0n;
      }
    }
  }
  return total;
}

function exceeded(message: string): AppError {
  return new AppError(Code.RESOURCE_EXHAUSTED, FileReason.FILE_QUOTA_EXCEEDED, message);
}
