import type { HttpBody } from '../../gen/google/api/httpbody.ts';
import type { ReadFileRequest, ReadFileResponse } from '../../gen/hcs/v1/system.ts';
import type { AuditLog } from '../../platform/db/index.ts';
import { invalidField, PlatformReason } from '../../platform/errors/index.ts';
import type { CallContext } from '../../transport/rpc/index.ts';
import { auditFileCall } from './file-audit.ts';
import { fileEntryToMessage } from './file-procedures.ts';
import type { FileRead } from './file-sandbox/index.ts';
import type { Files } from './files.ts';

/** Chunk size when the request leaves `chunk_size` at 0, and the largest accepted. */
const DEFAULT_CHUNK_BYTES = 64 * 1024;
const MAX_CHUNK_BYTES = 1024 * 1024;
/** What every raw download is: the sandbox stores bytes, and never guesses their type. */
const CONTENT_TYPE = 'application/octet-stream';

/**
 * ReadFile: opens and verifies the file before the first message, so every refusal is a
 * plain error status; then streams it in chunks, the first carrying the FileInfo and the
 * HttpBody content type. The response headers (gRPC metadata; HTTP headers of the raw
 * download) say `etag` (quoted), `last-modified`, `accept-ranges`, `content-length` and, for a
 * `range` request, `content-range`. One audit entry per call, written when the stream ends.
 */
export async function* readFileMessages(
  files: Files,
  audit: AuditLog,
  request: ReadFileRequest,
  ctx: CallContext,
): AsyncGenerator<ReadFileResponse> {
  const rangeHeader = ctx.requestHeaders.get('range');
  const details: Record<string, string> = {
    path: request.path,
    offset: request.offset,
    length: request.length,
    ...(rangeHeader === undefined ? {} : { range: rangeHeader.slice(0, 100) }),
  };
  let opened: FileRead | undefined;
  let streaming = false;
  let sent = 0n;
  let completed = false;
  try {
    opened = await files.read(request.path, {
      offset: nonNegative(request.offset, 'offset'),
      length: nonNegative(request.length, 'length'),
      rangeHeader,
      chunkSize: chunkSizeOf(request.chunkSize),
    });
    const { entry, start, length, range } = opened;
    ctx.responseHeaders.set('etag', `"${entry.etag}"`);
    ctx.responseHeaders.set('last-modified', entry.modifyTime.toUTCString());
    ctx.responseHeaders.set('accept-ranges', 'bytes');
    ctx.responseHeaders.set('content-length', String(length));
    if (range !== undefined) {
      ctx.responseHeaders.set('content-range', `bytes ${range.start}-${range.end}/${entry.sizeBytes}`);
    }
    let offset = start;
    let first = true;
    streaming = true;
    for await (const data of opened.chunks(ctx.signal)) {
      yield message(first ? entry : undefined, offset, data, first);
      first = false;
      offset += BigInt(data.length);
      sent += BigInt(data.length);
    }
    if (first) yield message(entry, start, Buffer.alloc(0), true);
    completed = true;
  } catch (error) {
    await auditFileCall(audit, ctx, { target: request.path, details }, error);
    throw error;
  } finally {
    if (!streaming) await opened?.close();
  }
  await auditFileCall(audit, ctx, {
    target: request.path,
    details: { ...details, bytes_sent: String(sent), completed: String(completed) },
  });
}

function message(
  entry: Parameters<typeof fileEntryToMessage>[0] | undefined,
  offset: bigint,
  data: Buffer,
  first: boolean,
): ReadFileResponse {
  const body: HttpBody = { contentType: first ? CONTENT_TYPE : '', data, extensions: [] };
  return {
    fileInfo: entry === undefined ? undefined : fileEntryToMessage(entry),
    offset: String(offset),
    body,
  };
}

function nonNegative(value: string, field: string): bigint {
  const parsed = BigInt(value);
  if (parsed < 0n) throw invalidField(PlatformReason.INVALID_REQUEST, field, `${field} must not be negative`);
  return parsed;
}

function chunkSizeOf(chunkSize: number): number {
  if (chunkSize < 0 || chunkSize > MAX_CHUNK_BYTES) {
    throw invalidField(
      PlatformReason.INVALID_REQUEST,
      'chunk_size',
      `chunk_size must be between 0 (default ${DEFAULT_CHUNK_BYTES}) and ${MAX_CHUNK_BYTES}`,
    );
  }
  return chunkSize === 0 ? DEFAULT_CHUNK_BYTES : chunkSize;
}
