import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Code } from '../../../../src/platform/errors/index.ts';
import { createFiles, FileReason } from '../../../../src/services/system/index.ts';
import { removeTempDir, tempDir } from '../../../helpers/process.ts';
import { refusal } from '../../../helpers/refusal.ts';

// Each case swaps part of the tree at the one moment a check-then-open race would need: after
// the path was checked, before it is used (the sandbox's `beforeUse` hook), so the race is
// deterministic instead of a matter of luck.

let base: string;
let root: string;
let outside: string;

test.before.each(() => {
  base = tempDir('hcs-swap-');
  root = join(base, 'files');
  outside = join(base, 'outside');
  mkdirSync(join(root, 'dir'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(root, 'dir', 'file.txt'), 'inside');
  writeFileSync(join(outside, 'file.txt'), 'OUTSIDE-SECRET');
});

test.after.each(() => removeTempDir(base));

function sandbox(beforeUse: (hostPath: string) => void) {
  return createFiles({ rootPath: root, writable: true, quotaBytes: 1 << 30, minFreeBytes: 1, beforeUse });
}

// The directory on the path becomes a link to a directory outside the sandbox.
function swapDirectoryForLink(): void {
  renameSync(join(root, 'dir'), join(root, 'dir-old'));
  symlinkSync(outside, join(root, 'dir'));
}

test('a directory swapped for a link to the outside between check and open: the read is refused, nothing leaks', async () => {
  const files = sandbox(swapDirectoryForLink);
  const error = await refusal(
    files.read('dir/file.txt', { offset: 0n, length: 0n, chunkSize: 65536 }).then(async (read) => {
      const chunks: Buffer[] = [];
      for await (const chunk of read.chunks(new AbortController().signal)) chunks.push(chunk);
      return Buffer.concat(chunks).toString();
    }),
  );
  assert.is(error.code, Code.ABORTED);
  assert.is(error.reason, FileReason.FILE_CHANGED_DURING_ACCESS);
  assert.not.match(error.message, 'OUTSIDE');
});

test('a parent swapped for a link to the outside before the temporary file is created: the write is refused, nothing is left outside', async () => {
  const files = sandbox(swapDirectoryForLink);
  const error = await refusal(
    files.write(
      { path: 'dir/new.txt', mode: 0, overwrite: false, createParents: false },
      [Buffer.from('pwned')],
      new AbortController().signal,
    ),
  );
  assert.is(error.code, Code.ABORTED);
  assert.equal(readdirSync(outside), ['file.txt'], 'no temporary or final file outside');
});

test('a file swapped for a FIFO between check and open: refused at once, without blocking on the FIFO', async () => {
  const files = sandbox((hostPath) => {
    unlinkSync(hostPath);
    execFileSync('mkfifo', [hostPath]);
  });
  const error = await refusal(files.read('dir/file.txt', { offset: 0n, length: 0n, chunkSize: 65536 }));
  assert.is(error.code, Code.ABORTED);
  assert.is(error.reason, FileReason.FILE_CHANGED_DURING_ACCESS);
});

test('a file swapped for a link to an outside file between check and open: O_NOFOLLOW refuses it', async () => {
  const files = sandbox((hostPath) => {
    unlinkSync(hostPath);
    symlinkSync(join(outside, 'file.txt'), hostPath);
  });
  const error = await refusal(files.read('dir/file.txt', { offset: 0n, length: 0n, chunkSize: 65536 }));
  assert.is(error.code, Code.ABORTED);
});

test('a target replaced by someone else after the write began: the etag precondition fails at commit, the newer content stays', async () => {
  writeFileSync(join(root, 'dir', 'config.json'), '{"v":1}');
  const first = await createFiles({
    rootPath: root,
    writable: true,
    quotaBytes: 1 << 30,
    minFreeBytes: 1,
  }).stat('dir/config.json');
  const files = sandbox(() => writeFileSync(join(root, 'dir', 'config.json'), '{"v":2,"other":"writer"}'));
  const error = await refusal(
    files.write(
      { path: 'dir/config.json', mode: 0, overwrite: true, createParents: false, expectedEtag: first.etag },
      [Buffer.from('{"v":1,"mine":true}')],
      new AbortController().signal,
    ),
  );
  assert.is(error.code, Code.ABORTED);
  assert.is(error.reason, FileReason.ETAG_MISMATCH);
  assert.is(readFileSync(join(root, 'dir', 'config.json'), 'utf8'), '{"v":2,"other":"writer"}');
  assert.equal(
    readdirSync(join(root, 'dir')).filter((name) => name.startsWith('.')),
    [],
    'no temporary file left behind',
  );
  rmSync(join(root, 'dir', 'config.json'));
});

// The same swap one step later: after the directory of a change was opened and checked, just
// before the rename, unlink or mkdir. Node has no renameat/unlinkat/mkdirat; the change goes
// through the open directory (/proc/self/fd), so it lands where it was checked, never outside.
function changing(beforeChange: (hostPath: string) => void) {
  return createFiles({ rootPath: root, writable: true, quotaBytes: 1 << 30, minFreeBytes: 1, beforeChange });
}

const outsideUntouched = () => {
  assert.equal(readdirSync(outside), ['file.txt'], 'nothing appears or disappears outside');
  assert.is(readFileSync(join(outside, 'file.txt'), 'utf8'), 'OUTSIDE-SECRET');
};

test('a directory swapped for a link to the outside just before a delete: the checked file is deleted, the outside one is not', async () => {
  await changing(swapDirectoryForLink).delete('dir/file.txt', { recursive: false, allowMissing: false });
  outsideUntouched();
  assert.equal(readdirSync(join(root, 'dir-old')), []);
});

test('a directory swapped for a link to the outside just before a move: the rename happens in the checked directory', async () => {
  mkdirSync(join(root, 'other'));
  let swapped = false;
  const files = changing(() => {
    if (!swapped) swapDirectoryForLink();
    swapped = true;
  });
  await files.move('dir/file.txt', 'other/renamed.txt', { overwrite: false });
  outsideUntouched();
  assert.equal(readdirSync(join(root, 'dir-old')), []);
  assert.equal(readdirSync(join(root, 'other')), ['renamed.txt']);
});

test('a directory swapped for a link to the outside just before a mkdir: the directory is made in the checked one', async () => {
  await changing(swapDirectoryForLink).makeDirectory('dir/sub', 0o700, false);
  outsideUntouched();
  assert.equal(readdirSync(join(root, 'dir-old')).sort(), ['file.txt', 'sub']);
});

test('a directory swapped for a link to the outside just before a write commits: the file lands in the checked directory', async () => {
  const files = changing(swapDirectoryForLink);
  await files
    .write(
      { path: 'dir/new.txt', mode: 0, overwrite: false, createParents: false },
      [Buffer.from('new')],
      new AbortController().signal,
    )
    .catch((error: unknown) => {
      // The commit re-resolves the path and may refuse the swapped directory instead: also safe.
      assert.is((error as { code?: number }).code, Code.ABORTED);
    });
  outsideUntouched();
});

test('a subdirectory swapped for a link to the outside during a recursive delete: the link is removed, not followed', async () => {
  mkdirSync(join(root, 'dir', 'tree', 'inner'), { recursive: true });
  writeFileSync(join(root, 'dir', 'tree', 'inner', 'x.txt'), 'x');
  await changing(() => {
    renameSync(join(root, 'dir', 'tree', 'inner'), join(root, 'dir', 'inner-old'));
    symlinkSync(outside, join(root, 'dir', 'tree', 'inner'));
  }).delete('dir/tree', { recursive: true, allowMissing: false });
  outsideUntouched();
  assert.equal(readdirSync(join(root, 'dir')).sort(), ['file.txt', 'inner-old']);
});

test.run();
