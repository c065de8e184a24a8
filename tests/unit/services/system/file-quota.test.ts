import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type AppError, Code } from '../../../../src/platform/errors/index.ts';
import { createFiles, FileReason, type Files } from '../../../../src/services/system/index.ts';
import { removeTempDir, tempDir } from '../../../helpers/process.ts';
import { refusal } from '../../../helpers/refusal.ts';

const QUOTA = 1000;
const REFRESH_MS = 60_000;

let root: string;
let clock: number;
let files: Files;

test.before.each(() => {
  root = tempDir('hcs-quota-');
  clock = 0;
  files = createFiles({
    rootPath: root,
    writable: true,
    quotaBytes: QUOTA,
    minFreeBytes: 1,
    usageRefreshMs: REFRESH_MS,
    now: () => clock,
  });
});

test.after.each(() => removeTempDir(root));

const write = (path: string, chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>, expected?: number) =>
  files.write(
    {
      path,
      mode: 0,
      overwrite: true,
      createParents: true,
      ...(expected === undefined ? {} : { expectedSizeBytes: BigInt(expected) }),
    },
    chunks,
    new AbortController().signal,
  );

const bytes = (size: number) => [Buffer.alloc(size, 1)];

async function assertOverQuota(promise: Promise<unknown>): Promise<void> {
  const error = await refusal(promise);
  assert.is(error.code, Code.RESOURCE_EXHAUSTED);
  assert.is(error.reason, FileReason.FILE_QUOTA_EXCEEDED);
}

test('writes, replacements, moves and deletes keep the usage figure: each write is judged on it', async () => {
  await write('a.bin', bytes(600));
  await assertOverQuota(write('b.bin', bytes(600)));
  await write('a.bin', bytes(300)); // replaces 600 bytes: 300 in use
  await write('dir/b.bin', bytes(600)); // 900
  await assertOverQuota(write('c.bin', bytes(200)));
  await files.move('dir/b.bin', 'a.bin', { overwrite: true }); // the 300 replaced: 600
  await write('c.bin', bytes(200)); // 800
  await files.delete('a.bin', { recursive: false, allowMissing: false }); // 200
  await write('d.bin', bytes(700)); // 900
  await assertOverQuota(write('e.bin', bytes(101)));
  await files.delete('d.bin', { recursive: false, allowMissing: false });
  await write('e.bin', bytes(800)); // 1000: exactly the quota
});

test("a file added behind hcs's back is not counted until the figure is older than the refresh interval, then it is", async () => {
  await write('a.bin', bytes(100)); // the first write walks: 100
  writeFileSync(join(root, 'behind.bin'), Buffer.alloc(500));
  await write('b.bin', bytes(500)); // the figure says 600: no walk yet, so it fits
  clock += REFRESH_MS + 1;
  await assertOverQuota(write('c.bin', bytes(1))); // the walk finds 1100
  await files.delete('behind.bin', { recursive: false, allowMissing: false });
  await write('c.bin', bytes(400)); // 1000
});

test('a recursive delete is measured again by the next write', async () => {
  await write('logs/1.bin', bytes(400));
  await write('logs/2.bin', bytes(400));
  await assertOverQuota(write('x.bin', bytes(400)));
  await files.delete('logs', { recursive: true, allowMissing: false });
  await write('x.bin', bytes(1000));
});

// Chunks of 100 bytes that arrive over time, so two writes stream at the same moment.
async function* trickle(total: number): AsyncGenerator<Uint8Array> {
  for (let sent = 0; sent < total; sent += 100) {
    await delay(2);
    yield Buffer.alloc(100, 2);
  }
}

test('of two concurrent writes that only fit one at a time exactly one is stored, declared size or not', async () => {
  for (const declared of [undefined, 600]) {
    const outcomes = await Promise.allSettled([
      write('one.bin', trickle(600), declared),
      write('two.bin', trickle(600), declared),
    ]);
    assert.is(outcomes.filter((outcome) => outcome.status === 'fulfilled').length, 1, `declared ${declared}`);
    const rejected = outcomes.find((outcome) => outcome.status === 'rejected');
    assert.is((rejected?.reason as AppError | undefined)?.reason, FileReason.FILE_QUOTA_EXCEEDED);
    const stored = await Promise.allSettled([files.stat('one.bin'), files.stat('two.bin')]);
    assert.is(stored.filter((outcome) => outcome.status === 'fulfilled').length, 1);
    for (const name of ['one.bin', 'two.bin']) {
      await files.delete(name, { recursive: false, allowMissing: true });
    }
  }
});

test('a declared size is held from the start: a second declared write that would not fit beside it is refused before its first byte', async () => {
  let started: () => void = () => undefined;
  const streaming = new Promise<void>((resolve) => {
    started = resolve;
  });
  async function* slowly(): AsyncGenerator<Uint8Array> {
    started();
    yield* trickle(700);
  }
  const held = write('big.bin', slowly(), 700);
  await streaming;
  let read = false;
  async function* watched(): AsyncGenerator<Uint8Array> {
    read = true;
    yield Buffer.alloc(400);
  }
  await assertOverQuota(write('other.bin', watched(), 400));
  assert.not.ok(read, 'refused before reading any content');
  await held;
  await write('small.bin', bytes(300), 300);
});

test.run();
