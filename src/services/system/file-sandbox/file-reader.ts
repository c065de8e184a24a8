import type { FileHandle } from 'node:fs/promises';
import { AppError, Code } from '../../../platform/errors/index.ts';
import { FileReason } from '../reasons.ts';
import { type ByteRange, notSatisfiable, parseRangeHeader } from './byte-range.ts';
import { entryOf, type FileEntry } from './file-entry.ts';
import type { ResolvedPath } from './sandbox-resolver.ts';
import { openVerifiedForRead } from './verified-open.ts';

/** Which bytes to read: an offset and length, or an HTTP `Range` header when both are 0. */
export interface ReadSelection {
  offset: bigint;
  /** 0 reads to the end. */
  length: bigint;
  /** The `range` header or metadata of the call, used only when offset and length are 0. */
  rangeHeader?: string | undefined;
  chunkSize: number;
}

/** An open, verified file and the bytes that will be read from it. */
export interface FileRead {
  readonly entry: FileEntry;
  /** First byte read. */
  readonly start: bigint;
  /** Number of bytes that will be read. */
  readonly length: bigint;
  /** Set when a `Range` header selected the bytes: the answer is partial (HTTP 206). */
  readonly range: ByteRange | undefined;
  /** The bytes, in chunks of at most `chunkSize`; closes the file when done or abandoned. */
  chunks(signal: AbortSignal): AsyncGenerator<Buffer>;
  /** Closes the file without reading (a HEAD request, an error before the first chunk). */
  close(): Promise<void>;
}

/**
 * Opens a resolved regular file for reading, refusing anything else before it is opened:
 * a directory (FAILED_PRECONDITION `FILE_TYPE_MISMATCH`), a FIFO, socket or device file
 * (FAILED_PRECONDITION `SPECIAL_FILE_REFUSED`, decided on lstat alone, so nothing blocks). The
 * descriptor is then verified against the checked inode (see `openVerifiedForRead`), so the
 * bytes read are the bytes of the file that was checked, whatever happened to the path since.
 */
export async function openFileRead(target: ResolvedPath, selection: ReadSelection): Promise<FileRead> {
  const { stats, relative } = target;
  if (stats === undefined) {
    throw new AppError(Code.NOT_FOUND, FileReason.FILE_NOT_FOUND, `"${relative}" does not exist`);
  }
  if (stats.isDirectory()) {
    throw new AppError(
      Code.FAILED_PRECONDITION,
      FileReason.FILE_TYPE_MISMATCH,
      `"${relative}" is a directory`,
    );
  }
  if (!stats.isFile()) {
    throw new AppError(
      Code.FAILED_PRECONDITION,
      FileReason.SPECIAL_FILE_REFUSED,
      `"${relative}" is a FIFO, socket or device file; only regular files are read`,
    );
  }
  const size = stats.size;
  const { start, length, range } = bytesToRead(selection, size);
  const handle = await openVerifiedForRead(target.hostPath, stats, relative);
  return {
    entry: entryOf(relative, stats),
    start,
    length,
    range,
    chunks: (signal) => readChunks(handle, start, length, selection.chunkSize, signal),
    close: () => handle.close(),
  };
}

function bytesToRead(selection: ReadSelection, size: bigint) {
  if (selection.offset === 0n && selection.length === 0n) {
    const range = parseRangeHeader(selection.rangeHeader, size);
    if (range !== undefined) return { start: range.start, length: range.end - range.start + 1n, range };
    return { start: 0n, length: size, range: undefined };
  }
  if (selection.offset > size) throw notSatisfiable(size);
  const rest = size - selection.offset;
  const length = selection.length === 0n || selection.length > rest ? rest : selection.length;
  return { start: selection.offset, length, range: undefined };
}

async function* readChunks(
  handle: FileHandle,
  start: bigint,
  length: bigint,
  chunkSize: number,
  signal: AbortSignal,
): AsyncGenerator<Buffer> {
  try {
    let position = Number(start);
    let remaining = Number(length);
    while (remaining > 0) {
      signal.throwIfAborted();
      // A fresh buffer per chunk: the transport may still hold the previous one.
      const buffer = Buffer.allocUnsafe(Math.min(chunkSize, remaining));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      // The file shrank under us: stop at what exists rather than send stale zeroes.
      if (bytesRead === 0) {
        throw new AppError(
          Code.ABORTED,
          FileReason.FILE_CHANGED_DURING_ACCESS,
          'the file was truncated while it was being read; retry',
        );
      }
      position += bytesRead;
      remaining -= bytesRead;
      yield bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}
