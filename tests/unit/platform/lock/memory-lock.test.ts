import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createMemoryLock, isLease } from '../../../../src/platform/lock/index.ts';
import { registerLockContract } from './lock.case.ts';

registerLockContract('memory', { create: (options) => createMemoryLock(options) });

test('expiry follows the injected clock exactly', async () => {
  let now = 0;
  const lock = createMemoryLock({ now: () => now });
  const lease = await lock.acquire('d', { ttlMs: 100 });
  assert.ok(lease !== undefined);
  now = 99;
  assert.is(await lock.acquire('d', { ttlMs: 100 }), undefined);
  now = 100;
  assert.ok((await lock.acquire('d', { ttlMs: 100 })) !== undefined);
});

test('isLease recognises a lease and nothing else', async () => {
  const lease = await createMemoryLock().acquire('d', { ttlMs: 100 });
  assert.ok(isLease(lease));
  for (const value of [undefined, null, 'lease', { name: 'd', token: 't' }]) assert.not.ok(isLease(value));
});

test.run();
