import { type BigIntStats, constants } from 'node:fs';
import { type FileHandle, lstat, open, unlink } from 'node:fs/promises';
import { AppError, Code } from '../../../platform/errors/index.ts';
import { FileReason } from '../reasons.ts';
import { isSameFile } from './file-entry.ts';
import { fromFsError } from './from-fs-error.ts';

const { O_RDONLY, O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW, O_NONBLOCK } = constants;

/**
 * Opens the regular file the resolver described and proves it is that file: O_NOFOLLOW (a
 * link swapped in at the last segment fails), O_NONBLOCK (a FIFO swapped in cannot block a
 * libuv thread forever in open(2)), then fstat on the descriptor must show a regular file with
 * the checked device and inode. A directory on the way swapped for a link to elsewhere lands
 * on another inode and is refused the same way: ABORTED `FILE_CHANGED_DURING_ACCESS`.
 */
export async function openVerifiedForRead(
  hostPath: string,
  expected: BigIntStats,
  relative: string,
): Promise<FileHandle> {
  const handle = await open(hostPath, O_RDONLY | O_NOFOLLOW | O_NONBLOCK).catch((error: unknown) => {
    throw fromFsError(error, relative);
  });
  try {
    const actual = await handle.stat({ bigint: true });
    if (!actual.isFile() || !isSameFile(actual, expected)) throw changed(relative);
    return handle;
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/**
 * Creates `hostPath` exclusively (O_CREAT|O_EXCL|O_NOFOLLOW, mode 0600 until the caller sets
 * the final one) in the directory the resolver checked, and proves the directory is still that
 * one: after the create, the parent lstat must show the checked inode and the new name must be
 * the descriptor's inode. Otherwise the file is removed again and the call is ABORTED.
 */
export async function createVerified(
  hostPath: string,
  parentPath: string,
  parentStats: BigIntStats,
  relative: string,
): Promise<FileHandle> {
  const handle = await open(hostPath, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NONBLOCK, 0o600).catch(
    (error: unknown) => {
      throw fromFsError(error, relative);
    },
  );
  try {
    await assertSameDirectory(parentPath, parentStats, relative);
    const [created, named] = await Promise.all([
      handle.stat({ bigint: true }),
      lstat(hostPath, { bigint: true }),
    ]);
    if (!isSameFile(created, named)) throw changed(relative);
    return handle;
  } catch (error) {
    await handle.close();
    // The name still leads to what this call created (wherever that is): take it back.
    await unlink(hostPath).catch(() => undefined);
    throw error;
  }
}

/** Throws ABORTED `FILE_CHANGED_DURING_ACCESS` unless `path` is still the checked directory. */
export async function assertSameDirectory(
  path: string,
  expected: BigIntStats,
  relative: string,
): Promise<void> {
  const actual = await lstat(path, { bigint: true }).catch(() => undefined);
  if (actual === undefined || !actual.isDirectory() || !isSameFile(actual, expected)) throw changed(relative);
}

function changed(relative: string): AppError {
  return new AppError(
    Code.ABORTED,
    FileReason.FILE_CHANGED_DURING_ACCESS,
    `"${relative}" changed while it was being opened (replaced, or a directory on its path swapped for a link); retry`,
  );
}
