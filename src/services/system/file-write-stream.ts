import type { WriteFileRequest } from '../../gen/hcs/v1/system.ts';
import { invalidField } from '../../platform/errors/index.ts';
import type { WriteRequest } from './files.ts';
import { FileReason } from './reasons.ts';

/** Largest `body.data` of one WriteFile message. */
export const MAX_WRITE_CHUNK_BYTES = 1024 * 1024;

/**
 * Splits a WriteFile stream into the write it asks for (from its first message) and its
 * content: every message's `body.data`, the first's included, checked as it is read. A later
 * message may repeat the first one's options (the HTTP gateway sends them with every chunk)
 * but not change them; a chunk over 1 MiB, an empty stream or a first message without a path
 * is INVALID_ARGUMENT `INVALID_WRITE_STREAM`. `declaredBytes` (the transport's own size of
 * the content, e.g. an HTTP body's Content-Length) stands for `expected_size_bytes` when the
 * message leaves it unset.
 */
export async function writeRequestFrom(
  requests: AsyncIterable<WriteFileRequest>,
  declaredBytes?: bigint,
): Promise<{ request: WriteRequest; chunks: AsyncIterable<Uint8Array> }> {
  const iterator = requests[Symbol.asyncIterator]();
  const head = await iterator.next();
  if (head.done === true)
    throw streamError('path', 'the WriteFile stream is empty: its first message must carry path');
  const first = head.value;
  if (first.path === '') throw streamError('path', 'the first WriteFile message must carry path');
  const request: WriteRequest = {
    path: first.path,
    mode: first.mode,
    overwrite: first.overwrite,
    createParents: first.createParents,
    ...(first.expectedSizeBytes !== undefined
      ? { expectedSizeBytes: sizeOf(first.expectedSizeBytes) }
      : declaredBytes !== undefined
        ? { expectedSizeBytes: declaredBytes }
        : {}),
    ...(first.expectedEtag === '' ? {} : { expectedEtag: first.expectedEtag }),
  };
  async function* chunks(): AsyncGenerator<Uint8Array> {
    yield chunkOf(first);
    for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) {
      assertSameOptions(first, next.value);
      yield chunkOf(next.value);
    }
  }
  return { request, chunks: chunks() };
}

function chunkOf(message: WriteFileRequest): Uint8Array {
  const data = message.body?.data ?? Buffer.alloc(0);
  if (data.length > MAX_WRITE_CHUNK_BYTES) {
    throw streamError(
      'body.data',
      `a WriteFile chunk holds at most ${MAX_WRITE_CHUNK_BYTES} bytes, got ${data.length}`,
    );
  }
  return data;
}

// A later message either leaves the options at their defaults or repeats the first's.
function assertSameOptions(first: WriteFileRequest, later: WriteFileRequest): void {
  const fields = ['path', 'mode', 'overwrite', 'createParents', 'expectedSizeBytes', 'expectedEtag'] as const;
  for (const field of fields) {
    const value = later[field];
    const unset = value === '' || value === 0 || value === false || value === undefined;
    if (!unset && value !== first[field]) {
      throw streamError(
        field,
        `a later WriteFile message changes ${field}; only the first message sets the options`,
      );
    }
  }
}

function sizeOf(raw: string): bigint {
  const size = BigInt(raw);
  if (size < 0n) throw streamError('expected_size_bytes', 'expected_size_bytes must not be negative');
  return size;
}

function streamError(field: string, message: string) {
  return invalidField(FileReason.INVALID_WRITE_STREAM, field, message);
}
