import { createHash, randomBytes } from 'node:crypto';
import type { BigIntStats } from 'node:fs';
import { type FileHandle, lstat, rename, unlink } from 'node:fs/promises';
import { basename } from 'node:path';
import { AppError, Code } from '../../../platform/errors/index.ts';
import { FileReason } from '../reasons.ts';
import type { AnchoredDirectory } from './anchored-directory.ts';
import { etagOf } from './etag.ts';
import { entryOf, type FileEntry } from './file-entry.ts';
import { fromFsError } from './from-fs-error.ts';
import type { Reservation } from './sandbox-quota.ts';
import type { ResolvedPath } from './sandbox-resolver.ts';
import { TEMP_FILE_PREFIX } from './sandbox-usage.ts';
import { assertSameDirectory, createVerified } from './verified-open.ts';

/** What a write must find at its target before it replaces it. */
export interface WritePrecondition {
  /** Replace an existing regular file. Default false: the target must not exist. */
  overwrite: boolean;
  /** The target must exist with this etag (implies `overwrite`). */
  expectedEtag?: string;
}

/** The outcome of {@link writeAtomically}. */
export interface WrittenFile {
  readonly entry: FileEntry;
  readonly bytesWritten: bigint;
  /** Lowercase hex SHA-256 of the content. */
  readonly sha256: string;
}

/** What {@link writeAtomically} needs beyond the content. */
export interface AtomicWriteOptions {
  /** The target, as resolved when the write began. */
  target: ResolvedPath;
  precondition: WritePrecondition;
  /** Final permission bits (already masked to 0777). */
  mode: number;
  expectedSizeBytes?: bigint;
  reservation: Reservation;
  /** The target's directory, held open: the temporary file is created and renamed through it. */
  directory: AnchoredDirectory;
  /** Re-resolves the target and runs `commit` in the sandbox's critical section. */
  recheck(commit: (current: ResolvedPath) => Promise<void>): Promise<void>;
  signal: AbortSignal;
}

/**
 * Writes `chunks` to a new temporary file next to the target (created exclusively, in the
 * checked directory), counting every byte against the quota, then flushes it to disk, sets its
 * mode and, in the critical section, re-checks the precondition on the target as it is now and
 * renames the temporary file over it: readers see the old content or the new, never a mix, and
 * a concurrent writer with the same expected etag loses with ABORTED instead of being lost.
 * On any failure, the caller's cancellation included, the temporary file is removed and the
 * target is untouched.
 */
export async function writeAtomically(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: AtomicWriteOptions,
): Promise<WrittenFile> {
  const { target, signal, directory } = options;
  const tempPath = directory.entry(`${TEMP_FILE_PREFIX}${randomBytes(9).toString('base64url')}`);
  const handle = await createVerified(tempPath, target.parentPath, target.parentStats, target.relative);
  const name = basename(target.hostPath);
  let committed = false;
  try {
    const hash = createHash('sha256');
    let written = 0n;
    for await (const chunk of chunks) {
      signal.throwIfAborted();
      if (chunk.length === 0) continue;
      await options.reservation.grow(chunk.length);
      hash.update(chunk);
      await writeAll(handle, chunk);
      written += BigInt(chunk.length);
    }
    signal.throwIfAborted();
    if (options.expectedSizeBytes !== undefined && options.expectedSizeBytes !== written) {
      throw new AppError(
        Code.DATA_LOSS,
        FileReason.FILE_SIZE_MISMATCH,
        `received ${written} bytes, expected_size_bytes said ${options.expectedSizeBytes}; "${target.relative}" is unchanged`,
      );
    }
    await handle.chmod(options.mode);
    await handle.sync();
    await handle.close();
    await options.recheck(async (current) => {
      assertWritePrecondition(current, options.precondition);
      if (current.parentPath !== target.parentPath) throw changedOnTheWay(target.relative);
      await assertSameDirectory(target.parentPath, target.parentStats, target.relative);
      await rename(tempPath, directory.entry(name));
      committed = true;
      options.reservation.commit(name, current.stats?.isFile() === true ? current.stats.size : 0n);
      await directory.sync();
    });
    const stats = await lstat(directory.entry(name), { bigint: true });
    return { entry: entryOf(target.relative, stats), bytesWritten: written, sha256: hash.digest('hex') };
  } catch (error) {
    throw fromFsError(error, target.relative);
  } finally {
    await handle.close().catch(() => undefined);
    if (!committed) await unlink(tempPath).catch(() => undefined);
  }
}

/**
 * Throws unless the target, as it is now, may be replaced: never a directory, link or special
 * file (FAILED_PRECONDITION); with an expected etag, it must exist with it (ABORTED); without
 * one and without `overwrite`, it must not exist (ALREADY_EXISTS).
 */
export function assertWritePrecondition(target: ResolvedPath, precondition: WritePrecondition): void {
  const { stats, relative } = target;
  if (stats !== undefined && !stats.isFile()) {
    throw new AppError(
      Code.FAILED_PRECONDITION,
      FileReason.FILE_TYPE_MISMATCH,
      `"${relative}" is ${stats.isDirectory() ? 'a directory' : 'not a regular file'} and is never replaced by a write`,
    );
  }
  if (precondition.expectedEtag !== undefined) {
    assertEtag(relative, stats, precondition.expectedEtag);
    return;
  }
  if (stats !== undefined && !precondition.overwrite) {
    throw new AppError(
      Code.ALREADY_EXISTS,
      FileReason.FILE_ALREADY_EXISTS,
      `"${relative}" already exists; set overwrite (or expected_etag) to replace it`,
    );
  }
}

/** Throws ABORTED `ETAG_MISMATCH` unless the entry exists with etag `expected`. */
export function assertEtag(relative: string, stats: BigIntStats | undefined, expected: string): void {
  if (stats === undefined) {
    throw new AppError(
      Code.ABORTED,
      FileReason.ETAG_MISMATCH,
      `"${relative}" no longer exists (expected etag "${expected}")`,
    );
  }
  const actual = etagOf(stats);
  if (actual !== expected) {
    throw new AppError(
      Code.ABORTED,
      FileReason.ETAG_MISMATCH,
      `"${relative}" changed: its etag is "${actual}", not the expected "${expected}"; read it again`,
      { metadata: { etag: actual } },
    );
  }
}

async function writeAll(handle: FileHandle, chunk: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < chunk.length) {
    const { bytesWritten } = await handle.write(chunk, offset, chunk.length - offset);
    offset += bytesWritten;
  }
}

function changedOnTheWay(relative: string): AppError {
  return new AppError(
    Code.ABORTED,
    FileReason.FILE_CHANGED_DURING_ACCESS,
    `a directory on the path "${relative}" changed during the write; retry`,
  );
}
