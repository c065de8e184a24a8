import { constants } from 'node:fs';
import { lstat, mkdir, open, readlink, realpath, rename, rmdir, unlink } from 'node:fs/promises';
import { basename } from 'node:path';
import { AppError, Code } from '../../platform/errors/index.ts';
import {
  type AnchoredDirectory,
  assertEtag,
  assertWritePrecondition,
  createSandboxQuota,
  createSerialLock,
  type DirectoryPage,
  entryOf,
  type FileEntry,
  type FileRead,
  fromFsError,
  isCountedName,
  listDirectory,
  openAnchoredDirectory,
  openFileRead,
  parseSandboxPath,
  type ReadSelection,
  type ResolvedPath,
  removeTree,
  resolveSandboxPath,
  type WritePrecondition,
  type WrittenFile,
  writeAtomically,
} from './file-sandbox/index.ts';
import { FileReason } from './reasons.ts';

/** Options of {@link createFiles}. */
export interface FilesOptions {
  /** Absolute path of the sandbox root; created (mode 0750) on first use. */
  rootPath: string;
  /** Whether calls may change anything. Default false: reads only. */
  writable: boolean;
  /** Most bytes the sandbox's regular files may hold together. */
  quotaBytes: number;
  /** Free bytes a write must leave on the file system. */
  minFreeBytes: number;
  /**
   * How old the sandbox's usage figure may be before a write walks the tree again, in ms (see
   * `SandboxQuotaOptions.refreshMs`). Default 60 000.
   */
  usageRefreshMs?: number;
  /** Test hook: the quota's clock in ms. Default `performance.now`. */
  now?: () => number;
  /**
   * Test hook: runs after a path was checked and before it is opened or written, with the
   * host path about to be used, so a test can change the tree at exactly that moment.
   */
  beforeUse?: (hostPath: string) => void | Promise<void>;
  /**
   * Test hook: runs when the directory a move, delete or mkdir changes has been opened and
   * checked, just before the change, with the host path of the entry changed.
   */
  beforeChange?: (hostPath: string) => void | Promise<void>;
}

/** What a write is asked to do, besides its content. */
export interface WriteRequest extends WritePrecondition {
  path: string;
  /** Permission bits; 0 means 0644 for a new file and the current mode for a replaced one. */
  mode: number;
  createParents: boolean;
  expectedSizeBytes?: bigint;
}

/** The sandboxed file area of the host: every operation the System service offers on it. */
export interface Files {
  stat(path: string): Promise<FileEntry>;
  list(
    directory: string,
    page: { pageSize: number; pageToken: string; showHidden: boolean },
  ): Promise<DirectoryPage>;
  /** Opens a file for reading; the caller must read `chunks` to the end or `close` it. */
  read(path: string, selection: ReadSelection): Promise<FileRead>;
  write(
    request: WriteRequest,
    chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
    signal: AbortSignal,
  ): Promise<WrittenFile>;
  makeDirectory(path: string, mode: number, parents: boolean): Promise<FileEntry>;
  move(
    source: string,
    destination: string,
    options: { overwrite: boolean; expectedEtag?: string },
  ): Promise<FileEntry>;
  delete(
    path: string,
    options: { recursive: boolean; allowMissing: boolean; expectedEtag?: string },
  ): Promise<void>;
  /** Throws FAILED_PRECONDITION `FILE_WRITES_DISABLED` unless writes are enabled. */
  assertWritable(): void;
}

/**
 * The file sandbox: one root directory, every path resolved against it and refused when it
 * escapes (see `resolveSandboxPath`), every open verified on its descriptor, every write atomic
 * and within the quota, every change guarded by an optional expected etag, re-checked with the
 * rename in one critical section.
 */
export function createFiles(options: FilesOptions): Files {
  const lock = createSerialLock();
  let rootPromise: Promise<string> | undefined;
  let quota: ReturnType<typeof createSandboxQuota> | undefined;
  const root = () => {
    rootPromise ??= mkdir(options.rootPath, { recursive: true, mode: 0o750 }).then(() =>
      realpath(options.rootPath),
    );
    return rootPromise;
  };
  const resolve = async (path: string, field: string, followLeaf = false) =>
    resolveSandboxPath(await root(), path, { field, followLeaf });
  const quotaOf = async () => {
    quota ??= createSandboxQuota({
      rootPath: await root(),
      quotaBytes: options.quotaBytes,
      minFreeBytes: options.minFreeBytes,
      lock,
      ...(options.usageRefreshMs === undefined ? {} : { refreshMs: options.usageRefreshMs }),
      ...(options.now === undefined ? {} : { now: options.now }),
    });
    return quota;
  };

  // Runs `change` on the entry `target` names, inside its directory held open and checked (see
  // `anchored-directory.ts`), so the change cannot be led elsewhere by a swapped path.
  async function inDirectoryOf<T>(
    target: ResolvedPath,
    change: (directory: AnchoredDirectory, name: string) => Promise<T>,
  ): Promise<T> {
    const directory = await openAnchoredDirectory(
      target.parentPath,
      target.parentStats,
      await root(),
      target.relative,
    );
    try {
      await options.beforeChange?.(target.hostPath);
      return await change(directory, basename(target.hostPath));
    } finally {
      await directory.close();
    }
  }

  function assertWritable(): void {
    if (options.writable) return;
    throw new AppError(
      Code.FAILED_PRECONDITION,
      FileReason.FILE_WRITES_DISABLED,
      'file changes are disabled on this server; an operator enables them with HCS_SYSTEM_FS_WRITE=true',
    );
  }

  async function stat(path: string): Promise<FileEntry> {
    const target = await resolve(path, 'path');
    const stats = existing(target);
    const link = stats.isSymbolicLink() ? await readlink(target.hostPath).catch(() => '') : '';
    return entryOf(path, stats, link);
  }

  // Creates the missing directories above `path`, each resolved (and so checked) before it is made.
  async function ensureParents(path: string, field: string): Promise<void> {
    const segments = parseSandboxPath(path, field).slice(0, -1);
    for (let index = 1; index <= segments.length; index += 1) {
      const prefix = segments.slice(0, index).join('/');
      const target = await resolve(prefix, field);
      if (target.stats !== undefined) continue;
      await inDirectoryOf(target, (directory, name) => mkdir(directory.entry(name), { mode: 0o755 })).catch(
        (error: unknown) => {
          if ((error as { code?: string }).code !== 'EEXIST') throw fromFsError(error, prefix);
        },
      );
    }
  }

  return {
    assertWritable,
    stat,
    async list(directory, page) {
      const target = await resolve(directory, 'directory', true);
      const stats = existing(target);
      if (!stats.isDirectory()) {
        throw new AppError(
          Code.FAILED_PRECONDITION,
          FileReason.FILE_TYPE_MISMATCH,
          `"${directory}" is not a directory`,
        );
      }
      return listDirectory({ hostPath: target.hostPath, relative: directory, ...page }).catch(
        (error: unknown) => {
          throw fromFsError(error, directory);
        },
      );
    },
    async read(path, selection) {
      const target = await resolve(path, 'path', true);
      await options.beforeUse?.(target.hostPath);
      const opened = await openFileRead(target, selection);
      // The entry keeps the path the caller named, even when a link inside led elsewhere.
      return { ...opened, entry: { ...opened.entry, path } };
    },
    async write(request, chunks, signal) {
      assertWritable();
      if (request.createParents) await ensureParents(request.path, 'path');
      const target = await resolve(request.path, 'path');
      const replaced = target.stats;
      const precondition: WritePrecondition = {
        overwrite: request.overwrite || request.expectedEtag !== undefined,
        ...(request.expectedEtag === undefined ? {} : { expectedEtag: request.expectedEtag }),
      };
      assertWritePrecondition(target, precondition);
      const mode = request.mode & 0o777 || (replaced === undefined ? 0o644 : Number(replaced.mode & 0o777n));
      const reservation = await (await quotaOf()).begin(replaced?.size ?? 0n, request.expectedSizeBytes);
      try {
        await options.beforeUse?.(target.hostPath);
        return await inDirectoryOf(target, (directory) =>
          writeAtomically(chunks, {
            directory,
            target,
            precondition,
            mode,
            ...(request.expectedSizeBytes === undefined
              ? {}
              : { expectedSizeBytes: request.expectedSizeBytes }),
            reservation,
            signal,
            recheck: (commit) => lock.run(async () => commit(await resolve(request.path, 'path'))),
          }),
        );
      } finally {
        reservation.release();
      }
    },
    async makeDirectory(path, mode, parents) {
      assertWritable();
      if (parents) await ensureParents(path, 'path');
      const target = await resolve(path, 'path');
      if (target.stats !== undefined) {
        if (parents && target.stats.isDirectory()) return entryOf(path, target.stats);
        throw new AppError(Code.ALREADY_EXISTS, FileReason.FILE_ALREADY_EXISTS, `"${path}" already exists`);
      }
      try {
        return await inDirectoryOf(target, async (directory, name) => {
          await mkdir(directory.entry(name), { mode: 0o700 });
          // mkdir's mode passes through the umask: set exactly what was asked, on the directory
          // just made (opened without following a link), never on what its name may lead to now.
          const made = await open(directory.entry(name), O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
          try {
            await made.chmod(mode & 0o777 || 0o755);
            return entryOf(path, await made.stat({ bigint: true }));
          } finally {
            await made.close();
          }
        });
      } catch (error) {
        throw fromFsError(error, path);
      }
    },
    async move(source, destination, { overwrite, expectedEtag }) {
      assertWritable();
      const quota = await quotaOf();
      return lock.run(async () => {
        const from = await resolve(source, 'source_path');
        const to = await resolve(destination, 'destination_path');
        if (from.isRoot || to.isRoot) throw invalidOperation('the sandbox root cannot be moved or replaced');
        if (destination.startsWith(`${source}/`))
          throw invalidOperation(`"${source}" cannot move into itself`);
        if (expectedEtag !== undefined) assertEtag(source, from.stats, expectedEtag);
        existing(from);
        if (to.stats !== undefined && !overwrite) {
          throw new AppError(
            Code.ALREADY_EXISTS,
            FileReason.FILE_ALREADY_EXISTS,
            `"${destination}" already exists`,
          );
        }
        try {
          return await inDirectoryOf(from, (fromDirectory, fromName) =>
            inDirectoryOf(to, async (toDirectory, toName) => {
              await rename(fromDirectory.entry(fromName), toDirectory.entry(toName));
              if (to.stats?.isFile() === true) quota.removed(toName, to.stats.size);
              // A temporary name is not counted: a move from or to one changes the usage uncounted.
              if (isCountedName(fromName) !== isCountedName(toName)) quota.invalidate();
              await toDirectory.sync();
              return entryOf(destination, await lstat(toDirectory.entry(toName), { bigint: true }));
            }),
          );
        } catch (error) {
          throw fromFsError(error, destination);
        }
      });
    },
    async delete(path, { recursive, allowMissing, expectedEtag }) {
      assertWritable();
      const quota = await quotaOf();
      return lock.run(async () => {
        const target = await resolve(path, 'path');
        if (target.isRoot) throw invalidOperation('the sandbox root cannot be deleted');
        if (expectedEtag !== undefined) assertEtag(path, target.stats, expectedEtag);
        if (target.stats === undefined && allowMissing) return;
        const stats = existing(target);
        try {
          await inDirectoryOf(target, async (directory, name) => {
            if (!stats.isDirectory()) {
              await unlink(directory.entry(name));
              if (stats.isFile()) quota.removed(name, stats.size);
            } else if (recursive) {
              // Even a failed removal may have removed part of the tree: the next write measures it.
              quota.invalidate();
              await removeTree(directory, name, await root(), path);
            } else await rmdir(directory.entry(name));
          });
        } catch (error) {
          throw fromFsError(error, path);
        }
      });
    },
  };
}

const { O_RDONLY, O_DIRECTORY, O_NOFOLLOW } = constants;

/** The lstat of a resolved path, or NOT_FOUND. */
function existing(target: ResolvedPath) {
  if (target.stats === undefined) {
    throw new AppError(Code.NOT_FOUND, FileReason.FILE_NOT_FOUND, `"${target.relative}" does not exist`);
  }
  return target.stats;
}

function invalidOperation(message: string): AppError {
  return new AppError(Code.INVALID_ARGUMENT, FileReason.INVALID_FILE_OPERATION, message);
}
