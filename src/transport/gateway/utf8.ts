import { isUtf8 } from 'node:buffer';
import { AppError, Code, PlatformReason } from '../../platform/errors/index.ts';

/**
 * Throws INVALID_ARGUMENT unless `bytes` are valid UTF-8. proto3 strings must be, and decoding
 * with `toString('utf8')` would silently turn each bad sequence into U+FFFD.
 */
export function assertUtf8(bytes: Uint8Array, what: string): void {
  if (!isUtf8(bytes)) throw notUtf8(what);
}

const PERCENT_RUN = /(?:%[0-9A-Fa-f]{2})+/g;

/**
 * Throws INVALID_ARGUMENT when the percent-encoded bytes of a query or form (`%C3%A9`) are not
 * valid UTF-8, which `URLSearchParams` would replace with U+FFFD. A `%` not followed by two hex
 * digits stays a literal `%`, as `URLSearchParams` reads it.
 */
export function assertUtf8PercentEncoding(text: string, what: string): void {
  if (!text.includes('%')) return;
  for (const [run] of text.matchAll(PERCENT_RUN)) {
    const bytes = Buffer.from(run.replaceAll('%', ''), 'hex');
    if (!isUtf8(bytes)) throw notUtf8(what);
  }
}

function notUtf8(what: string): AppError {
  return new AppError(Code.INVALID_ARGUMENT, PlatformReason.INVALID_REQUEST, `${what} is not valid UTF-8`);
}
