import { AppError, Code } from '../../../platform/errors/index.ts';
import { FileReason } from '../reasons.ts';

// errno → what it means for the caller. Anything not listed is the server's trouble (INTERNAL).
const BY_ERRNO: Record<string, [Code, string, (path: string) => string]> = {
  ENOENT: [Code.NOT_FOUND, FileReason.FILE_NOT_FOUND, (p) => `"${p}" does not exist`],
  EEXIST: [Code.ALREADY_EXISTS, FileReason.FILE_ALREADY_EXISTS, (p) => `"${p}" already exists`],
  ENOTDIR: [
    Code.FAILED_PRECONDITION,
    FileReason.FILE_TYPE_MISMATCH,
    (p) => `a parent of "${p}" is not a directory`,
  ],
  EISDIR: [Code.FAILED_PRECONDITION, FileReason.FILE_TYPE_MISMATCH, (p) => `"${p}" is a directory`],
  ENOTEMPTY: [
    Code.FAILED_PRECONDITION,
    FileReason.DIRECTORY_NOT_EMPTY,
    (p) => `directory "${p}" is not empty`,
  ],
  ELOOP: [
    Code.ABORTED,
    FileReason.FILE_CHANGED_DURING_ACCESS,
    (p) => `"${p}" became a symbolic link while it was being opened`,
  ],
  EACCES: [Code.PERMISSION_DENIED, FileReason.FILE_ACCESS_DENIED, (p) => `the server may not access "${p}"`],
  EPERM: [Code.PERMISSION_DENIED, FileReason.FILE_ACCESS_DENIED, (p) => `the server may not change "${p}"`],
  ENOSPC: [Code.RESOURCE_EXHAUSTED, FileReason.FILE_QUOTA_EXCEEDED, () => 'the disk is full'],
  EDQUOT: [Code.RESOURCE_EXHAUSTED, FileReason.FILE_QUOTA_EXCEEDED, () => 'the disk quota is exhausted'],
  EFBIG: [Code.RESOURCE_EXHAUSTED, FileReason.FILE_QUOTA_EXCEEDED, (p) => `"${p}" would be too large`],
  ENAMETOOLONG: [Code.INVALID_ARGUMENT, FileReason.INVALID_FILE_PATH, (p) => `"${p}" is too long`],
  EINVAL: [
    Code.INVALID_ARGUMENT,
    FileReason.INVALID_FILE_OPERATION,
    (p) => `the operation is not possible on "${p}"`,
  ],
  ENXIO: [Code.FAILED_PRECONDITION, FileReason.SPECIAL_FILE_REFUSED, (p) => `"${p}" is a special file`],
};

/**
 * Translates a `node:fs` error about the sandbox-relative `path` into an AppError, once, at the
 * sandbox's edge: a missing entry is NOT_FOUND, an existing one ALREADY_EXISTS, a full disk
 * RESOURCE_EXHAUSTED, and so on. An AppError passes through; an error with no errno mapping is
 * returned unchanged (it becomes INTERNAL, logged with its cause). The message names the
 * sandbox path, never the host path.
 */
export function fromFsError(error: unknown, path: string): unknown {
  if (error instanceof AppError) return error;
  const errno = (error as { code?: unknown } | undefined)?.code;
  const mapping = typeof errno === 'string' ? BY_ERRNO[errno] : undefined;
  if (mapping === undefined) return error;
  const [code, reason, message] = mapping;
  return new AppError(code, reason, message(path === '' ? '/' : path), { cause: error });
}
