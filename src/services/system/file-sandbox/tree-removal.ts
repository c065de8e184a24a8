import { lstat, readdir, rmdir, unlink } from 'node:fs/promises';
import { type AnchoredDirectory, openAnchoredDirectory } from './anchored-directory.ts';

/**
 * Removes `name` in `parent` and everything below it, never following a link: each directory
 * is opened without following a link at its name, through its parent's descriptor, checked,
 * and emptied through its own, so a directory swapped for a link midway cannot lead the
 * removal out of the sandbox (Node's recursive `rm` walks by path and could be led out). Links
 * are removed as links. `relative` names the tree in errors.
 */
export async function removeTree(
  parent: AnchoredDirectory,
  name: string,
  rootPath: string,
  relative: string,
): Promise<void> {
  const path = parent.entry(name);
  const stats = await lstat(path, { bigint: true });
  if (!stats.isDirectory()) {
    await unlink(path);
    return;
  }
  const directory = await openAnchoredDirectory(path, stats, rootPath, relative);
  try {
    for (const child of await readdir(directory.entry('.'))) {
      await removeTree(directory, child, rootPath, `${relative}/${child}`);
    }
  } finally {
    await directory.close();
  }
  await rmdir(path);
}
