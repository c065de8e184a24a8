import { type BigIntStats, constants } from 'node:fs';
import { access, type FileHandle, open, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError, Code } from '../../../platform/errors/index.ts';
import { FileReason } from '../reasons.ts';
import { isSameFile } from './file-entry.ts';
import { fromFsError } from './from-fs-error.ts';
import { assertInside } from './sandbox-resolver.ts';

const { O_RDONLY, O_DIRECTORY, O_NOFOLLOW } = constants;

/** Linux names every open descriptor here; a path through it starts at the open file itself. */
const DESCRIPTORS = '/proc/self/fd';

/**
 * A checked directory of the sandbox, held open. Node has no `renameat`, `unlinkat` or
 * `mkdirat`, but on Linux `/proc/self/fd/N/name` is looked up from the directory open as N,
 * not by walking its path again: a rename, unlink or mkdir named through {@link entry} lands in
 * the directory that was checked even if a directory on its path is swapped for a link a
 * moment later. Where `/proc` is missing (macOS, a container without it) entries are named by
 * path and only the check at open remains.
 */
export interface AnchoredDirectory {
  /** A path that names `name` in this directory: through the descriptor where possible. */
  entry(name: string): string;
  /** Flushes the directory itself, so a rename or unlink in it survives a power cut. */
  sync(): Promise<void>;
  close(): Promise<void>;
}

let anchoring: Promise<boolean> | undefined;

/** Whether descriptors can name entries here (checked once). */
function canAnchor(): Promise<boolean> {
  anchoring ??= access(DESCRIPTORS).then(
    () => process.platform === 'linux',
    () => false,
  );
  return anchoring;
}

/**
 * Opens the directory at `path` (a real path the resolver checked, whose lstat was `expected`)
 * without following a link at its end, and proves it is that directory: the same device and
 * inode, and, read back through the descriptor, still inside `rootPath`. Otherwise ABORTED
 * `FILE_CHANGED_DURING_ACCESS`, or PERMISSION_DENIED `FILE_PATH_ESCAPES` when it now lies
 * outside the root.
 */
export async function openAnchoredDirectory(
  path: string,
  expected: BigIntStats,
  rootPath: string,
  relative: string,
): Promise<AnchoredDirectory> {
  const handle = await open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW).catch((error: unknown) => {
    // A link or a file swapped in (ELOOP, ENOTDIR), or gone (ENOENT): not the checked directory.
    const code = (error as { code?: string }).code ?? '';
    throw ['ELOOP', 'ENOTDIR', 'ENOENT'].includes(code) ? changed(relative) : fromFsError(error, relative);
  });
  try {
    const actual = await handle.stat({ bigint: true });
    if (!actual.isDirectory() || !isSameFile(actual, expected)) throw changed(relative);
    if (!(await canAnchor())) return byPath(path, handle);
    const through = `${DESCRIPTORS}/${handle.fd}`;
    assertInside(rootPath, await readlink(through), relative);
    return {
      entry: (name) => `${through}/${name}`,
      sync: () => handle.sync(),
      close: () => handle.close(),
    };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

function byPath(path: string, handle: FileHandle): AnchoredDirectory {
  return {
    entry: (name) => join(path, name),
    sync: () => handle.sync(),
    close: () => handle.close(),
  };
}

function changed(relative: string): AppError {
  return new AppError(
    Code.ABORTED,
    FileReason.FILE_CHANGED_DURING_ACCESS,
    `a directory on the path "${relative}" changed while it was being used (replaced, or swapped for a link); retry`,
  );
}
