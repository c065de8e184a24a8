import { invalidField } from '../../platform/errors/index.ts';
import { ListReason } from '../common/index.ts';

/**
 * One page of a list held in memory and sorted by unique `name`, resumed after the last name
 * of the previous page (a keyset over memory: the allow-list is fixed for the life of the
 * process, so a database table would add nothing). INVALID_ARGUMENT `INVALID_PAGE_TOKEN` for
 * a token this list did not issue.
 */
export function pageOfSorted<T extends { name: string }>(
  items: readonly T[],
  pageSize: number,
  pageToken: string,
  prefix: string,
): { items: T[]; nextPageToken: string } {
  let start = 0;
  if (pageToken !== '') {
    const decoded = /^[A-Za-z0-9_-]+$/.test(pageToken) ? Buffer.from(pageToken, 'base64url').toString() : '';
    if (!decoded.startsWith(prefix)) {
      throw invalidField(
        ListReason.INVALID_PAGE_TOKEN,
        'page_token',
        'page_token is not one this server issued',
      );
    }
    const after = decoded.slice(prefix.length);
    start = items.findIndex((item) => item.name > after);
    if (start < 0) start = items.length;
  }
  const page = items.slice(start, start + pageSize);
  const last = page.at(-1);
  const more = start + pageSize < items.length && last !== undefined;
  return {
    items: page,
    nextPageToken: more ? Buffer.from(prefix + last.name).toString('base64url') : '',
  };
}
