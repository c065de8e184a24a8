import { invalidField } from '../../../platform/errors/index.ts';
import { FileReason } from '../reasons.ts';

/** Longest path accepted, in UTF-8 bytes (Linux PATH_MAX). */
export const MAX_PATH_BYTES = 4096;
/** Longest path segment accepted, in UTF-8 bytes (Linux NAME_MAX). */
export const MAX_SEGMENT_BYTES = 255;
/**
 * Most segments a path may have. Linux sets no limit, but each segment costs an lstat per
 * resolution, and creating parents costs one resolution per segment: 128 keeps a hostile
 * `a/a/a/…` path from turning one call into millions of system calls.
 */
export const MAX_PATH_SEGMENTS = 128;

// A percent-encoded separator, dot or NUL, however often the "%" itself was encoded again
// ("%2f", "%252f"): paths arrive decoded once, so such text means a client (or an attacker)
// hoped that some layer would decode it a second time.
const ENCODED = /%(?:25)*(?:2f|5c|2e|00)/i;
// "C:" or "C:\" — a Windows absolute path.
const DRIVE = /^[A-Za-z]:/;

/**
 * Splits a sandbox-relative path (`firmware/pump.bin`) into its segments; the empty string
 * is the root (no segments). Refuses, with INVALID_ARGUMENT `INVALID_FILE_PATH` naming `field`,
 * anything that could address something else than what it spells: absolute paths, `.`, `..`
 * or empty segments, backslashes, control characters and NUL, percent-encoded separators,
 * dots or NUL, paths or segments longer than Linux accepts, and paths deeper than {@link MAX_PATH_SEGMENTS}. Nothing is normalised: a path
 * either names one entry plainly or is refused, so what is checked is what is used.
 */
export function parseSandboxPath(path: string, field: string): string[] {
  const refuse = (why: string) =>
    invalidField(FileReason.INVALID_FILE_PATH, field, `${field} ${JSON.stringify(path)} ${why}`);
  if (path === '') return [];
  if (path.includes('\u0000')) throw refuse('contains a NUL byte');
  if (hasControlCharacter(path)) throw refuse('contains a control character');
  if (Buffer.byteLength(path) > MAX_PATH_BYTES) throw refuse(`is longer than ${MAX_PATH_BYTES} bytes`);
  if (path.startsWith('/') || DRIVE.test(path))
    throw refuse('is absolute: paths are relative to the sandbox root');
  if (path.includes('\\')) throw refuse('contains a backslash: the separator is "/"');
  if (ENCODED.test(path)) throw refuse('contains a percent-encoded "/", "\\", "." or NUL');
  const segments = path.split('/');
  if (segments.length > MAX_PATH_SEGMENTS) throw refuse(`has more than ${MAX_PATH_SEGMENTS} segments`);
  for (const segment of segments) {
    if (segment === '') throw refuse('has an empty segment ("//" or a trailing "/")');
    if (segment === '.' || segment === '..') throw refuse(`has a "${segment}" segment`);
    if (Buffer.byteLength(segment) > MAX_SEGMENT_BYTES)
      throw refuse(`has a segment longer than ${MAX_SEGMENT_BYTES} bytes`);
  }
  return segments;
}

// C0 controls (NUL included) and DEL: no file name needs them, and they hide in logs.
function hasControlCharacter(text: string): boolean {
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}
