import { createHash } from 'node:crypto';
import { invalidField } from '../../platform/errors/index.ts';
import { ListReason } from '../common/index.ts';

/** A request of a sample-by-sample output, paged by `page_size` and `page_token`. */
export interface PagedRequest {
  pageSize: number;
  pageToken: string;
}

// "o2:<instant>:<digest of the request's parameters>", base64url.
const OUTPUT_CURSOR = /^o2:(\d{1,16}):([A-Za-z0-9_-]{16})$/;

/**
 * The instant after which a page token resumes; undefined for the first page. A token resumes
 * only the request that issued it: its other parameters (series, range, window, aggregations,
 * transform; anything but `page_size`) must be the same, as AIP-158 asks, or the next page
 * would silently continue a different computation. INVALID_ARGUMENT `INVALID_PAGE_TOKEN` on
 * `page_token` when the token is not one this server issued, or was issued for other
 * parameters.
 */
export function resumeAfterOf(request: PagedRequest): number | undefined {
  const token = request.pageToken;
  if (token === '') return undefined;
  const decoded = /^[A-Za-z0-9_-]+$/.test(token) ? Buffer.from(token, 'base64url').toString('utf8') : '';
  const match = OUTPUT_CURSOR.exec(decoded);
  if (match === null) {
    throw invalidField(
      ListReason.INVALID_PAGE_TOKEN,
      'page_token',
      'page_token is not one this server issued',
    );
  }
  if (match[2] !== parametersDigestOf(request)) {
    throw invalidField(
      ListReason.INVALID_PAGE_TOKEN,
      'page_token',
      'page_token was issued for a request with other parameters: repeat them unchanged (only page_size may change), or start again without a page_token',
    );
  }
  return Number(match[1]);
}

/** The token of the page after the instant `after` of `request`; empty when there is none. */
export function outputPageTokenOf(after: number | undefined, request: PagedRequest): string {
  if (after === undefined) return '';
  return Buffer.from(`o2:${after}:${parametersDigestOf(request)}`, 'utf8').toString('base64url');
}

// A digest of the decoded request without its paging fields. Both transports decode into the
// same message shape (fields in declaration order, defaults filled in), so gRPC and REST pages
// of one request share tokens. A consistency check, not a secret: 96 bits keep accidental
// matches out of reach.
function parametersDigestOf(request: PagedRequest): string {
  const parameters: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(request)) {
    if (key !== 'pageSize' && key !== 'pageToken') parameters[key] = value;
  }
  return createHash('sha256').update(JSON.stringify(parameters)).digest('base64url').slice(0, 16);
}
