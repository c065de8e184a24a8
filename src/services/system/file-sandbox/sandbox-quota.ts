import { statfs } from 'node:fs/promises';
import { AppError, Code } from '../../../platform/errors/index.ts';
import { FileReason } from '../reasons.ts';
import { isCountedName, usageOf } from './sandbox-usage.ts';
import type { SerialLock } from './serial-lock.ts';

/** Options of {@link createSandboxQuota}. */
export interface SandboxQuotaOptions {
  /** Real path of the sandbox root. */
  rootPath: string;
  /** Most bytes the regular files of the sandbox may hold together. */
  quotaBytes: number;
  /** Free bytes the file system must keep (the database lives on it too). */
  minFreeBytes: number;
  /**
   * The sandbox's critical section, where every change of hcs's own is committed: the walk
   * runs in it, so no change lands halfway through a walk and is counted twice or not at all.
   */
  lock: SerialLock;
  /**
   * How old the usage figure may be before a write measures the sandbox again, in ms: hcs
   * counts its own changes, a walk catches the others (files copied in over SSH, a log
   * rotating). Default 60 000; 0 walks before every write.
   */
  refreshMs?: number;
  /** Clock in ms, for tests. Default `performance.now`. */
  now?: () => number;
}

/** Room taken by one write in progress. */
export interface Reservation {
  /** Counts `bytes` more; throws RESOURCE_EXHAUSTED `FILE_QUOTA_EXCEEDED` when they do not fit. */
  grow(bytes: number): Promise<void>;
  /**
   * The file was renamed into place under `name`, replacing a regular file of `replacedBytes`
   * (0 for none): its bytes move from the reservation to the usage figure. Called in the
   * critical section, right after the rename.
   */
  commit(name: string, replacedBytes: bigint): void;
  /** Gives the room back when the write did not commit; harmless after a commit. */
  release(): void;
}

/** The sandbox's byte budget, shared by every write in progress. */
export interface SandboxQuota {
  /**
   * Starts a write that will replace `replacedBytes` (the current size of its target, 0 for a
   * new file), measuring the sandbox first when the figure is unknown or older than
   * `refreshMs`. Refuses at once when `expectedBytes` cannot fit, and holds them for the write
   * until it commits, so two writes that only fit one at a time cannot both start.
   */
  begin(replacedBytes: bigint, expectedBytes?: bigint): Promise<Reservation>;
  /** hcs deleted, or moved a file over, a regular file `name` of `bytes`. In the critical section. */
  removed(name: string, bytes: bigint): void;
  /** Something changed that was not counted (a recursive delete): the next write walks. */
  invalidate(): void;
  /** Bytes the regular files of the sandbox hold, temporary files excluded, as last counted. */
  usage(): Promise<bigint>;
}

// statfs costs a system call: asked again only after this many bytes.
const FREE_SPACE_CHECK_BYTES = 8 * 1024 * 1024;
const DEFAULT_REFRESH_MS = 60_000;

/**
 * Creates the quota of one sandbox. It keeps a usage figure that hcs's own commits, deletes
 * and moves update as they happen, and walks the tree again only when the figure is unknown
 * or older than `refreshMs`, instead of before every write. Every write counts its bytes as
 * they arrive (or its declared size, if larger) against the quota minus the figure minus what
 * other writes in progress hold, and every 8 MiB checks that the file system keeps
 * `minFreeBytes` free; the first byte over either fails the write, whose temporary file the
 * caller removes.
 */
export function createSandboxQuota(options: SandboxQuotaOptions): SandboxQuota {
  const quota = BigInt(options.quotaBytes);
  const minFree = BigInt(options.minFreeBytes);
  const refreshMs = options.refreshMs ?? DEFAULT_REFRESH_MS;
  const now = options.now ?? (() => performance.now());
  const inFlight = new Set<InFlight>();
  let used = 0n;
  let measuredAt = Number.NEGATIVE_INFINITY;
  let walking: Promise<void> | undefined;
  const invalidate = () => {
    measuredAt = Number.NEGATIVE_INFINITY;
  };

  // One walk at a time, shared by every write that finds the figure stale.
  function refresh(): Promise<void> {
    if (now() - measuredAt < refreshMs) return Promise.resolve();
    walking ??= options.lock
      .run(async () => {
        const startedAt = now();
        used = await usageOf(options.rootPath);
        measuredAt = startedAt;
      })
      .finally(() => {
        walking = undefined;
      });
    return walking;
  }

  async function assertFreeSpace(more: bigint): Promise<void> {
    const fs = await statfs(options.rootPath, { bigint: true });
    if (fs.bavail * fs.bsize - more < minFree) {
      throw exceeded(`the disk would keep less than its reserve of ${minFree} free bytes`);
    }
  }

  // What a write holds: the bytes received, or its declared size while that is more.
  const heldBy = (entry: InFlight) => {
    if (entry.bytes > entry.declared) return entry.bytes;
    return entry.declared;
  };
  const heldByOthers = (self: InFlight) =>
    [...inFlight].reduce((sum, other) => (other === self ? sum : sum + heldBy(other)), 0n);

  return {
    async usage() {
      await refresh();
      return used;
    },
    removed(name, bytes) {
      if (isCountedName(name)) used -= bytes;
      else invalidate();
    },
    invalidate,
    async begin(replacedBytes, expectedBytes = 0n) {
      await refresh();
      const entry: InFlight = { bytes: 0n, declared: expectedBytes };
      if (used - replacedBytes + expectedBytes + heldByOthers(entry) > quota) {
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
          if (used - replacedBytes + heldBy(entry) + heldByOthers(entry) > quota) {
            // Given back at once, not when the caller has cleaned up: else two writes over the
            // quota together would both fail, each still counting the other's bytes.
            inFlight.delete(entry);
            throw exceeded(`the file would take the sandbox past its quota of ${quota} bytes`);
          }
          sinceCheck += bytes;
          if (sinceCheck >= FREE_SPACE_CHECK_BYTES) {
            sinceCheck = 0;
            await assertFreeSpace(0n);
          }
        },
        commit(name, replacedNow) {
          if (!inFlight.delete(entry)) return;
          if (isCountedName(name)) used += entry.bytes - replacedNow;
          else invalidate();
        },
        release() {
          inFlight.delete(entry);
        },
      };
    },
  };
}

/** A write in progress: bytes received so far, and the size it declared (0 if none). */
interface InFlight {
  bytes: bigint;
  declared: bigint;
}

function exceeded(message: string): AppError {
  return new AppError(Code.RESOURCE_EXHAUSTED, FileReason.FILE_QUOTA_EXCEEDED, message);
}
