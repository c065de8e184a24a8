import { createHash } from 'node:crypto';
import { invalidField } from '../../platform/errors/index.ts';
import { ListReason } from '../common/index.ts';

/** A request of a sample-by-sample output, paged by `page_size` and `page_token`. */
export interface PagedRequest {
  pageSize: number;
  pageToken: string;
}

// "o2:<instant>:<digest of the request's parameters>[:<carried doubles>]", base64url.
const OUTPUT_CURSOR = /^o2:(\d{1,16}):([A-Za-z0-9_-]{16})(?::([A-Za-z0-9_-]{11,86}))?$/;
// At most 8 doubles carried: a transform's running state is two or three.
const MAX_CARRIED = 8;

/** Where a page token resumes: after the instant `after`, with the running state `carry`. */
export interface OutputResume {
  after: number;
  /** What the previous page left for the next (a running sum, a mean and its weight); may be empty. */
  carry: number[];
}

/**
 * The instant after which a page token resumes; undefined for the first page. A token resumes
 * only the request that issued it: its other parameters (series, range, window, aggregations,
 * transform; anything but `page_size`) must be the same, as AIP-158 asks, or the next page
 * would silently continue a different computation. INVALID_ARGUMENT `INVALID_PAGE_TOKEN` on
 * `page_token` when the token is not one this server issued, or was issued for other
 * parameters.
 */
export function resumeAfterOf(request: PagedRequest): number | undefined {
  return resumeOf(request)?.after;
}

/** {@link resumeAfterOf} with the state the previous page carried; undefined for the first page. */
export function resumeOf(request: PagedRequest): OutputResume | undefined {
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
  const carried = match[3] === undefined ? Buffer.alloc(0) : Buffer.from(match[3], 'base64url');
  if (carried.length % 8 !== 0) {
    throw invalidField(
      ListReason.INVALID_PAGE_TOKEN,
      'page_token',
      'page_token is not one this server issued',
    );
  }
  const carry: number[] = [];
  for (let offset = 0; offset < carried.length; offset += 8) carry.push(carried.readDoubleLE(offset));
  return { after: Number(match[1]), carry };
}

/**
 * The token of the page after the instant `after` of `request`; empty when there is none.
 * `carry` (at most 8 numbers, kept bit for bit) is handed to the next page by {@link resumeOf}.
 */
export function outputPageTokenOf(
  after: number | undefined,
  request: PagedRequest,
  carry: number[] = [],
): string {
  if (after === undefined) return '';
  if (carry.length > MAX_CARRIED) throw new RangeError(`at most ${MAX_CARRIED} numbers are carried`);
  let text = `o2:${after}:${parametersDigestOf(request)}`;
  if (carry.length > 0) {
    const bytes = Buffer.alloc(carry.length * 8);
    for (const [index, value] of carry.entries()) bytes.writeDoubleLE(value, index * 8);
    text += `:${bytes.toString('base64url')}`;
  }
  return Buffer.from(text, 'utf8').toString('base64url');
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
