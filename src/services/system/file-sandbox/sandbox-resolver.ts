import type { BigIntStats } from 'node:fs';
import { lstat, realpath } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { AppError, Code } from '../../../platform/errors/index.ts';
import { FileReason } from '../reasons.ts';
import { fromFsError } from './from-fs-error.ts';
import { parseSandboxPath } from './sandbox-path.ts';

/** One sandbox path, checked: every directory on the way is inside the root, links resolved. */
export interface ResolvedPath {
  /** The sandbox-relative path as the caller spelled it. */
  readonly relative: string;
  /** True for the root itself. */
  readonly isRoot: boolean;
  /** Host path of the entry: its parent's real path (no links) joined with its name. */
  readonly hostPath: string;
  /** Real host path of the parent directory; for the root, the root. */
  readonly parentPath: string;
  /** lstat of the parent directory when it was checked: what later steps compare against. */
  readonly parentStats: BigIntStats;
  /** lstat of the entry itself (never following it); undefined when nothing is there. */
  readonly stats: BigIntStats | undefined;
}

/** Options of {@link resolveSandboxPath}. */
export interface ResolveOptions {
  /** The request field the path came from, named in errors. */
  field: string;
  /**
   * Whether a symbolic link at the end of the path is followed (reads) or taken as the entry
   * itself (stat, list, delete, move, and writes, which replace the link, never its target).
   * Default false.
   */
  followLeaf?: boolean;
}

/**
 * Resolves a sandbox-relative path against `rootPath` (the root's real path) without opening
 * anything: each directory on the way is lstat-ed, a link among them is resolved with
 * `realpath` and refused (PERMISSION_DENIED `FILE_PATH_ESCAPES`) unless it stays inside the
 * root; so is a followed link at the end. A missing directory on the way is NOT_FOUND; a
 * missing last segment is not an error (`stats` undefined), so creating calls can use it.
 *
 * This is a check, not a guarantee: Node has no `openat`, so the tree can change before the
 * path is used. Callers that open verify the descriptor against `stats` (see
 * `verified-open.ts`), and callers that change the tree do it through the parent held open and
 * verified against `parentStats` (see `anchored-directory.ts`).
 */
export async function resolveSandboxPath(
  rootPath: string,
  relative: string,
  options: ResolveOptions,
): Promise<ResolvedPath> {
  const segments = parseSandboxPath(relative, options.field);
  try {
    const rootStats = await lstat(rootPath, { bigint: true });
    if (segments.length === 0) {
      return {
        relative,
        isRoot: true,
        hostPath: rootPath,
        parentPath: rootPath,
        parentStats: rootStats,
        stats: rootStats,
      };
    }
    let parentPath = rootPath;
    let parentStats = rootStats;
    for (const segment of segments.slice(0, -1)) {
      let path = join(parentPath, segment);
      let stats = await lstat(path, { bigint: true });
      if (stats.isSymbolicLink()) {
        path = await realpath(path);
        assertInside(rootPath, path, relative);
        stats = await lstat(path, { bigint: true });
      }
      if (!stats.isDirectory()) {
        throw new AppError(
          Code.FAILED_PRECONDITION,
          FileReason.FILE_TYPE_MISMATCH,
          `"${segment}" on the path "${relative}" is not a directory`,
        );
      }
      parentPath = path;
      parentStats = stats;
    }
    const hostPath = join(parentPath, segments.at(-1) as string);
    const stats = await lstatIfExists(hostPath);
    if (options.followLeaf === true && stats?.isSymbolicLink() === true) {
      const target = await realpath(hostPath);
      assertInside(rootPath, target, relative);
      const targetParent = dirname(target);
      return {
        relative,
        isRoot: target === rootPath,
        hostPath: target,
        parentPath: targetParent,
        parentStats: await lstat(targetParent, { bigint: true }),
        stats: await lstat(target, { bigint: true }),
      };
    }
    return { relative, isRoot: false, hostPath, parentPath, parentStats, stats };
  } catch (error) {
    throw fromFsError(error, relative);
  }
}

/** Throws PERMISSION_DENIED `FILE_PATH_ESCAPES` unless `hostPath` is the root or below it. */
export function assertInside(rootPath: string, hostPath: string, relative: string): void {
  if (hostPath === rootPath || hostPath.startsWith(rootPath + sep)) return;
  throw new AppError(
    Code.PERMISSION_DENIED,
    FileReason.FILE_PATH_ESCAPES,
    `"${relative}" leads out of the sandbox through a symbolic link`,
  );
}

async function lstatIfExists(path: string): Promise<BigIntStats | undefined> {
  try {
    return await lstat(path, { bigint: true });
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return undefined;
    throw error;
  }
}
