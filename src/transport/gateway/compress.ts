import type { IncomingMessage } from 'node:http';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import Negotiator from 'negotiator';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** Bodies smaller than this are sent as they are: compressing them costs more than it saves. */
export const COMPRESS_MIN_BYTES = 8 * 1024;

/** The encodings offered, best first when the client likes several equally. */
const ENCODINGS = ['br', 'gzip', 'identity'];

/** A content coding hcs compresses with. */
export type ContentCoding = 'br' | 'gzip';

/**
 * Compresses a response body with br or gzip when the client accepts it and the body is large
 * enough, off the event loop (zlib's thread pool). Returns the bytes and the encoding to
 * announce, or the body unchanged. A body that could have been compressed answers differently
 * per `Accept-Encoding`: its response must say `Vary: Accept-Encoding` ({@link isCompressible}).
 */
export async function maybeCompress(
  request: IncomingMessage,
  body: string | Buffer,
): Promise<{ body: Buffer | string; encoding: ContentCoding | undefined }> {
  if (!isCompressible(body)) return { body, encoding: undefined };
  const encoding = negotiateEncoding(request);
  return encoding === undefined ? { body, encoding } : { body: await compress(body, encoding), encoding };
}

/**
 * The coding the client prefers among br and gzip (`Accept-Encoding` read with its q-values,
 * so `br;q=0` refuses br), or undefined for identity.
 */
export function negotiateEncoding(request: IncomingMessage): ContentCoding | undefined {
  // Equal q-values go to our order (br first), not the header's; negotiator 1 takes `preferred`,
  // which its published types (0.6) do not declare yet.
  const negotiator = new Negotiator(request) as unknown as PreferringNegotiator;
  const encoding = negotiator.encodings(ENCODINGS, { preferred: ENCODINGS })[0];
  return encoding === 'br' || encoding === 'gzip' ? encoding : undefined;
}

/** Compresses off the event loop: brotli at quality 4 (fast, near gzip's speed), gzip at 6. */
export function compress(body: string | Buffer, encoding: ContentCoding): Promise<Buffer> {
  return encoding === 'br'
    ? brotli(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } })
    : gzipAsync(body, { level: 6 });
}

interface PreferringNegotiator {
  encodings(available: string[], options: { preferred: string[] }): string[];
}

/** Whether a body is large enough to be compressed when the client accepts it. */
export function isCompressible(body: string | Buffer): boolean {
  // UTF-8 takes 1 to 3 bytes per UTF-16 unit, so the byte count is needed only near the bound
  // (this runs on every REST answer, most of them small).
  if (body.length >= COMPRESS_MIN_BYTES) return true;
  return body.length * 3 >= COMPRESS_MIN_BYTES && Buffer.byteLength(body) >= COMPRESS_MIN_BYTES;
}
