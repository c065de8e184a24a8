import type { EntityManager, EntityName, FilterQuery } from '@mikro-orm/core';
import { invalidField } from '../../platform/errors/index.ts';

/** Reasons of every list method's paging and listing options. */
export const ListReason = {
  /** A `page_size` is negative or not an integer. */
  INVALID_PAGE_SIZE: 'INVALID_PAGE_SIZE',
  /** A `page_token` is not one this server issued for this list. */
  INVALID_PAGE_TOKEN: 'INVALID_PAGE_TOKEN',
  /** A list `filter` or `order_by` this server does not evaluate. */
  INVALID_LIST_OPTION: 'INVALID_LIST_OPTION',
} as const;

/** `page_size` of a list call left at 0, unless the list sets its own. */
export const DEFAULT_PAGE_SIZE = 50;
/** Largest `page_size`; larger requests are coerced to it, as the protos document (AIP-158). */
export const MAX_PAGE_SIZE = 1000;

/** How one list is paged: by one unique, ordered key, resumed from an opaque cursor. */
export interface KeysetOrder<T> {
  /** The unique column the list is ordered by, e.g. `username` or `id` (a ULID). */
  key: keyof T & string;
  direction: 'asc' | 'desc';
  /**
   * Tells this list's cursors from another's, e.g. `u1:`; changing it invalidates the cursors
   * clients hold, so bump its version when the order changes.
   */
  cursorPrefix: string;
  /** What a key must look like; a cursor carrying anything else is refused. */
  keyPattern: RegExp;
  /** `page_size` 0 means this. Default {@link DEFAULT_PAGE_SIZE}. */
  defaultPageSize?: number;
}

/** One page of rows and the cursor of the next one (empty on the last page). */
export interface KeysetPage<T> {
  rows: T[];
  nextPageToken: string;
}

/**
 * Reads one page of `entity` matching `where`, by keyset (`key > last` rather than OFFSET, so
 * a page costs the same at any depth and rows added meanwhile are neither skipped nor repeated).
 * INVALID_ARGUMENT `INVALID_PAGE_SIZE` / `INVALID_PAGE_TOKEN` naming the field for a bad request.
 */
export async function findKeysetPage<T extends object>(
  em: EntityManager,
  entity: EntityName<T>,
  where: FilterQuery<T>,
  order: KeysetOrder<T>,
  request: { pageSize: number; pageToken: string },
): Promise<KeysetPage<T>> {
  const pageSize = pageSizeOf(request.pageSize, order.defaultPageSize ?? DEFAULT_PAGE_SIZE);
  const after =
    request.pageToken === ''
      ? undefined
      : keyFromPageToken(request.pageToken, order.cursorPrefix, order.keyPattern);
  const filter =
    after === undefined
      ? where
      : { $and: [where, { [order.key]: { [order.direction === 'asc' ? '$gt' : '$lt']: after } }] };
  const rows = await em.find(
    entity,
    filter as FilterQuery<never>,
    {
      orderBy: { [order.key]: order.direction },
      limit: pageSize + 1,
    } as never,
  );
  const page = rows.slice(0, pageSize) as T[];
  const last = page.at(-1);
  const more = rows.length > pageSize && last !== undefined;
  return {
    rows: page,
    nextPageToken: more ? pageTokenOf(order.cursorPrefix, String(last[order.key])) : '',
  };
}

/**
 * Like {@link findKeysetPage}, for lists that also filter on something the database does not
 * hold (state observed in memory): scans `where`'s rows in key order, in batches of
 * {@link MAX_PAGE_SIZE}, keeping those `matches` accepts until the page is full. The next page
 * resumes after the last row returned, so a row is neither skipped nor repeated; a page may end
 * early (even empty) with a token when rows were left unexamined, and has no token once the table
 * is exhausted.
 */
export async function findMatchingKeysetPage<T extends object>(
  em: () => EntityManager,
  entity: EntityName<T>,
  where: FilterQuery<T>,
  order: KeysetOrder<T>,
  request: { pageSize: number; pageToken: string },
  matches: (row: T) => boolean,
): Promise<KeysetPage<T>> {
  const pageSize = pageSizeOf(request.pageSize, order.defaultPageSize ?? DEFAULT_PAGE_SIZE);
  const rows: T[] = [];
  let pageToken = request.pageToken;
  for (;;) {
    const scan = await findKeysetPage(em(), entity, where, order, { pageSize: MAX_PAGE_SIZE, pageToken });
    for (const [index, row] of scan.rows.entries()) {
      if (!matches(row)) continue;
      rows.push(row);
      if (rows.length === pageSize) {
        const more = index < scan.rows.length - 1 || scan.nextPageToken !== '';
        return { rows, nextPageToken: more ? pageTokenOf(order.cursorPrefix, String(row[order.key])) : '' };
      }
    }
    if (scan.nextPageToken === '') return { rows, nextPageToken: '' };
    pageToken = scan.nextPageToken;
  }
}

/** The page size to use; INVALID_ARGUMENT `INVALID_PAGE_SIZE` when negative or fractional. */
export function pageSizeOf(pageSize: number, defaultSize = DEFAULT_PAGE_SIZE): number {
  if (!Number.isInteger(pageSize) || pageSize < 0) {
    throw invalidField(
      ListReason.INVALID_PAGE_SIZE,
      'page_size',
      'page_size must be 0 or a positive integer',
    );
  }
  if (pageSize === 0) return defaultSize;
  return Math.min(pageSize, MAX_PAGE_SIZE);
}

function pageTokenOf(prefix: string, lastKey: string): string {
  return Buffer.from(prefix + lastKey, 'utf8').toString('base64url');
}

function keyFromPageToken(token: string, prefix: string, keyPattern: RegExp): string {
  const decoded = /^[A-Za-z0-9_-]+$/.test(token) ? Buffer.from(token, 'base64url').toString('utf8') : '';
  const key = decoded.slice(prefix.length);
  if (!decoded.startsWith(prefix) || !keyPattern.test(key)) {
    throw invalidField(
      ListReason.INVALID_PAGE_TOKEN,
      'page_token',
      'page_token is not one this server issued',
    );
  }
  return key;
}
