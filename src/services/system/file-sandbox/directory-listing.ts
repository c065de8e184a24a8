import type { BigIntStats } from 'node:fs';
import { lstat, opendir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { invalidField } from '../../../platform/errors/index.ts';
import { ListReason } from '../../common/index.ts';
import { entryOf, type FileEntry } from './file-entry.ts';
import { TEMP_FILE_PREFIX } from './sandbox-usage.ts';

/** One page of a directory. */
export interface DirectoryPage {
  readonly entries: FileEntry[];
  /** Empty on the last page. */
  readonly nextPageToken: string;
}

/** What to list of a directory whose real host path is `hostPath`. */
export interface ListOptions {
  hostPath: string;
  /** Sandbox-relative path of the directory, prefixed to each entry's name. */
  relative: string;
  pageSize: number;
  pageToken: string;
  showHidden: boolean;
}

/**
 * Lists one page of a directory, directories first, then by name in byte order, every entry
 * lstat-ed (a link is listed as a link, never followed; nothing is opened). The page token is
 * the sort key of the last entry returned, so a page resumes after it even when entries were
 * added or removed meanwhile. Temporary files of writes in progress are never listed.
 */
export async function listDirectory(options: ListOptions): Promise<DirectoryPage> {
  const after = options.pageToken === '' ? undefined : decodeToken(options.pageToken);
  const rows: { key: Buffer; name: string; stats: BigIntStats }[] = [];
  const directory = await opendir(options.hostPath);
  for await (const dirent of directory) {
    const { name } = dirent;
    if (name.startsWith(TEMP_FILE_PREFIX)) continue;
    if (!options.showHidden && name.startsWith('.')) continue;
    const stats = await lstat(join(options.hostPath, name), { bigint: true }).catch(() => undefined);
    if (stats === undefined) continue; // removed while listing
    const key = sortKeyOf(stats.isDirectory(), name);
    if (after !== undefined && Buffer.compare(key, after) <= 0) continue;
    rows.push({ key, name, stats });
  }
  rows.sort((a, b) => Buffer.compare(a.key, b.key));
  const page = rows.slice(0, options.pageSize);
  const entries = await Promise.all(
    page.map(async ({ name, stats }) => {
      const path = options.relative === '' ? name : `${options.relative}/${name}`;
      const target = stats.isSymbolicLink()
        ? await readlink(join(options.hostPath, name)).catch(() => '')
        : '';
      return entryOf(path, stats, target);
    }),
  );
  const last = page.at(-1);
  const more = rows.length > page.length && last !== undefined;
  return { entries, nextPageToken: more ? last.key.toString('base64url') : '' };
}

// "0" sorts directories before "1" everything else; then the name's UTF-8 bytes.
function sortKeyOf(isDirectory: boolean, name: string): Buffer {
  return Buffer.from(`${isDirectory ? '0' : '1'}${name}`, 'utf8');
}

function decodeToken(token: string): Buffer {
  const key = /^[A-Za-z0-9_-]+$/.test(token) ? Buffer.from(token, 'base64url') : Buffer.alloc(0);
  if (key.length < 2 || (key[0] !== 0x30 && key[0] !== 0x31)) {
    throw invalidField(
      ListReason.INVALID_PAGE_TOKEN,
      'page_token',
      'page_token is not one this server issued',
    );
  }
  return key;
}
