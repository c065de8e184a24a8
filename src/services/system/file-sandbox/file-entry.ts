import type { BigIntStats } from 'node:fs';
import { etagOf } from './etag.ts';

/** The kind of a sandbox entry. Everything but a regular file, a directory or a link is `other`. */
export type FileKind = 'regular' | 'directory' | 'symlink' | 'other';

/** What the sandbox says about one entry; the domain form of `hcs.v1.FileInfo`. */
export interface FileEntry {
  /** Sandbox-relative path, `""` for the root. */
  readonly path: string;
  readonly kind: FileKind;
  /** Bytes; 0 for directories, the link's own length for symbolic links. */
  readonly sizeBytes: bigint;
  /** Permission bits, the low 12 bits of st_mode. */
  readonly mode: number;
  readonly modifyTime: Date;
  /** The link's target as stored, for symbolic links; `""` otherwise. */
  readonly symlinkTarget: string;
  readonly etag: string;
}

/** The kind of an lstat result. */
export function kindOf(stats: BigIntStats): FileKind {
  if (stats.isFile()) return 'regular';
  if (stats.isDirectory()) return 'directory';
  if (stats.isSymbolicLink()) return 'symlink';
  return 'other';
}

/** Builds an entry from an lstat result (never following a link). */
export function entryOf(path: string, stats: BigIntStats, symlinkTarget = ''): FileEntry {
  const kind = kindOf(stats);
  return {
    path,
    kind,
    sizeBytes: kind === 'directory' ? 0n : stats.size,
    mode: Number(stats.mode & 0o7777n),
    modifyTime: new Date(Number(stats.mtimeNs / 1_000_000n)),
    symlinkTarget,
    etag: etagOf(stats),
  };
}

/** True when two stat results describe the same file (device and inode). */
export function isSameFile(a: BigIntStats, b: BigIntStats): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}
