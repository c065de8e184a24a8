import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { releaseStartHeap } from '../../../src/platform/runtime-flags/index.ts';

const tick = () => new Promise((resolve) => setImmediate(resolve));

test('the heap start left behind is collected and its pages given back', async () => {
  let garbage: object[] | undefined = Array.from({ length: 500_000 }, (_, i) => ({
    i,
    text: `x${i}`,
    list: [i],
  }));
  const watched = new WeakRef(garbage);
  garbage = undefined;
  await tick();
  const before = process.memoryUsage().heapTotal;
  releaseStartHeap();
  const after = process.memoryUsage().heapTotal;
  assert.is(watched.deref(), undefined, 'the garbage was collected');
  // A plain major collection frees the objects but keeps most of their pages.
  assert.ok(before - after > 30 * 1024 * 1024, `heap ${before} → ${after}: not given back`);
});

test('no gc function is left where modules could call it', () => {
  releaseStartHeap();
  assert.is((globalThis as { gc?: unknown }).gc, undefined);
});

test.run();
