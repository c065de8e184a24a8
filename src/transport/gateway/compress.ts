import type { IncomingMessage } from 'node:http';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** Bodies smaller than this are sent as they are: compressing them costs more than it saves. */
export const COMPRESS_MIN_BYTES = 8 * 1024;

/**
 * Compresses a response body with br or gzip when the client accepts it and the body is large
 * enough, off the event loop (zlib's thread pool). Returns the bytes and the encoding to
 * announce, or the body unchanged.
 */
export async function maybeCompress(
  request: IncomingMessage,
  body: string | Buffer,
): Promise<{ body: Buffer | string; encoding: string | undefined }> {
  if (Buffer.byteLength(body) < COMPRESS_MIN_BYTES) return { body, encoding: undefined };
  const accepted = String(request.headers['accept-encoding'] ?? '');
  if (/\bbr\b/.test(accepted)) {
    return { body: await brotli(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } }), encoding: 'br' };
  }
  if (/\bgzip\b/.test(accepted)) return { body: await gzipAsync(body, { level: 6 }), encoding: 'gzip' };
  return { body, encoding: undefined };
}
