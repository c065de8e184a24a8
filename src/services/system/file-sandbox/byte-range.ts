import { AppError, Code } from '../../../platform/errors/index.ts';
import { FileReason } from '../reasons.ts';

/** A satisfiable byte range of a file: `[start, end]`, both inclusive, as HTTP counts. */
export interface ByteRange {
  readonly start: bigint;
  readonly end: bigint;
}

/**
 * Reads an HTTP `Range` header (RFC 9110 §14.1.2) for a file of `size` bytes. One range only:
 * `bytes=first-last`, `bytes=first-` or `bytes=-suffix`; `last` past the end is cut to it.
 * Returns undefined when the header is absent, malformed, in another unit or lists several
 * ranges: the whole file is then sent (§14.2 lets a server ignore such a header). A range
 * that starts at or past the end, or an empty suffix, is OUT_OF_RANGE
 * `RANGE_NOT_SATISFIABLE` with the size in its metadata (HTTP 416).
 */
export function parseRangeHeader(header: string | undefined, size: bigint): ByteRange | undefined {
  if (header === undefined) return undefined;
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (match === null) return undefined;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return undefined;
  // More digits than any file size has: a bogus header, ignored.
  if (first.length > 19 || last.length > 19) return undefined;
  if (first === '') {
    const suffix = BigInt(last);
    if (suffix === 0n || size === 0n) throw notSatisfiable(size);
    return { start: suffix >= size ? 0n : size - suffix, end: size - 1n };
  }
  const start = BigInt(first);
  const end = last === '' ? size - 1n : BigInt(last);
  if (last !== '' && end < start) return undefined;
  if (start >= size) throw notSatisfiable(size);
  return { start, end: end >= size ? size - 1n : end };
}

/** OUT_OF_RANGE `RANGE_NOT_SATISFIABLE`; `content_range` metadata is the 416's Content-Range. */
export function notSatisfiable(size: bigint): AppError {
  return new AppError(
    Code.OUT_OF_RANGE,
    FileReason.RANGE_NOT_SATISFIABLE,
    `the requested range starts past the end of the file (${size} bytes)`,
    { metadata: { size: String(size), content_range: `bytes */${size}` } },
  );
}
