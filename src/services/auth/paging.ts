import { AuthReason, invalidField } from './errors.ts';

/** `page_size` of a list call left at 0. */
export const DEFAULT_PAGE_SIZE = 50;
/** Largest `page_size`; larger requests are coerced to it, as the protos document. */
export const MAX_PAGE_SIZE = 1000;

/** The page size to use; INVALID_ARGUMENT `INVALID_PAGE_SIZE` when negative or fractional. */
export function assertPage(pageSize: number, defaultSize = DEFAULT_PAGE_SIZE): number {
  if (!Number.isInteger(pageSize) || pageSize < 0) {
    throw invalidField(
      AuthReason.INVALID_PAGE_SIZE,
      'page_size',
      'page_size must be 0 or a positive integer',
    );
  }
  if (pageSize === 0) return defaultSize;
  return Math.min(pageSize, MAX_PAGE_SIZE);
}

/** An opaque cursor: base64url of `prefix` and the last key returned. */
export function pageTokenOf(prefix: string, lastKey: string): string {
  return Buffer.from(prefix + lastKey, 'utf8').toString('base64url');
}

/**
 * The key inside a cursor made by {@link pageTokenOf} with the same prefix; INVALID_ARGUMENT
 * `INVALID_PAGE_TOKEN` when the token is not one, or its key does not match `keyPattern`.
 */
export function valueFromPageToken(token: string, prefix: string, keyPattern: RegExp): string {
  const decoded = /^[A-Za-z0-9_-]+$/.test(token) ? Buffer.from(token, 'base64url').toString('utf8') : '';
  const key = decoded.slice(prefix.length);
  if (!decoded.startsWith(prefix) || !keyPattern.test(key)) {
    throw invalidField(
      AuthReason.INVALID_PAGE_TOKEN,
      'page_token',
      'page_token is not one this server issued',
    );
  }
  return key;
}
