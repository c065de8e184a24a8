/**
 * The lock contract: every Lock implementation must pass these. Each implementation's test file
 * calls {@link registerLockContract} with a factory.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { FenceFloor, Lease, Lock } from '../../../../src/platform/lock/index.ts';

/** Makes a fresh lock service, isolated from the others, for one test; `teardown` runs once after the suite. */
export interface LockFactory {
  create(options?: { fenceFloor?: FenceFloor }): Lock | Promise<Lock>;
  teardown?(): Promise<void>;
  /** False when `create` cannot pass a fence floor on (the shared state sets its own). Default true. */
  fenceFloor?: boolean;
}

export function registerLockContract(name: string, factory: LockFactory): void {
  const test = suite(`lock contract: ${name}`);
  test.after(async () => {
    await factory.teardown?.();
  });

  test('a free lock is granted with an owner token and a fencing number', async () => {
    const lock = await factory.create();
    const lease = await lock.acquire('device-1', { ttlMs: 1000 });
    assert.ok(lease !== undefined);
    assert.is(lease.name, 'device-1');
    assert.ok(lease.token.length >= 16);
    assert.ok(lease.fence >= 1);
    assert.is(lease.ttlMs, 1000);
  });

  test('a held lock is refused to a second caller and free again after release', async () => {
    const lock = await factory.create();
    const first = await lock.acquire('d', { ttlMs: 5000 });
    assert.ok(first !== undefined);
    assert.is(await lock.acquire('d', { ttlMs: 5000 }), undefined);
    assert.ok((await lock.acquire('other', { ttlMs: 5000 })) !== undefined, 'other names are independent');
    assert.is(await lock.release(first), true);
    assert.ok((await lock.acquire('d', { ttlMs: 5000 })) !== undefined);
  });

  test('exactly one of many concurrent callers gets a free lock', async () => {
    const lock = await factory.create();
    const leases = await Promise.all(
      Array.from({ length: 50 }, () => lock.acquire('contended', { ttlMs: 5000 })),
    );
    assert.is(leases.filter((lease) => lease !== undefined).length, 1);
  });

  test('many waiting callers each get the lock in turn, never two at once, with increasing fences', async () => {
    const lock = await factory.create();
    let inside = 0;
    let overlaps = 0;
    const fences: number[] = [];
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        const lease = await lock.acquire('queue', { ttlMs: 5000, waitMs: 10_000, retryDelayMs: 5 });
        assert.ok(lease !== undefined, 'every waiter gets its turn');
        inside++;
        if (inside > 1) overlaps++;
        fences.push(lease.fence);
        await sleep(2);
        inside--;
        assert.is(await lock.release(lease), true);
      }),
    );
    assert.is(overlaps, 0);
    assert.is(fences.length, 20);
    for (let i = 1; i < fences.length; i++) {
      assert.ok(
        (fences[i] as number) > (fences[i - 1] as number),
        `fences in grant order: ${fences.join(',')}`,
      );
    }
  });

  test('fencing numbers of one name strictly increase across leases', async () => {
    const lock = await factory.create();
    let last = 0;
    for (let i = 0; i < 5; i++) {
      const lease = await lock.acquire('fenced', { ttlMs: 1000 });
      assert.ok(lease !== undefined);
      assert.ok(lease.fence > last, `${lease.fence} > ${last}`);
      last = lease.fence;
      await lock.release(lease);
    }
  });

  if (factory.fenceFloor === false) {
    console.log(`skipped: lock contract (${name}) fence floor case — this lock sets its own floor`);
  } else {
    test('fencing numbers exceed the fence floor', async () => {
      const lock = await factory.create({ fenceFloor: (name) => (name === 'lifted' ? 41 : 0) });
      assert.is((await lock.acquire('lifted', { ttlMs: 1000 }))?.fence, 42);
    });
  }

  test('a non-owner can neither release nor renew, and the owner keeps the lease', async () => {
    const lock = await factory.create();
    const lease = await lock.acquire('owned', { ttlMs: 5000 });
    assert.ok(lease !== undefined);
    const forged: Lease = { ...lease, token: 'not-the-owner' };
    assert.is(await lock.release(forged), false);
    assert.is(await lock.renew(forged), false);
    assert.is(await lock.acquire('owned', { ttlMs: 5000 }), undefined, 'still held');
    assert.is(await lock.release(lease), true);
    assert.is(await lock.release(lease), false, 'a second release changes nothing');
  });

  test('a lease ends at its TTL and the lock is free again', async () => {
    const lock = await factory.create();
    const lease = await lock.acquire('short', { ttlMs: 80 });
    assert.ok(lease !== undefined);
    await sleep(160);
    const next = await lock.acquire('short', { ttlMs: 1000 });
    assert.ok(next !== undefined);
    assert.ok(next.fence > lease.fence);
    assert.is(await lock.release(lease), false, 'the expired owner cannot release the new lease');
    assert.is(await lock.renew(lease), false, 'nor renew it');
  });

  test('renewal keeps a lease past its original TTL', async () => {
    const lock = await factory.create();
    // Renewed at once and checked well after the first TTL, so a loaded host cannot reorder them.
    const lease = await lock.acquire('renewed', { ttlMs: 1000 });
    assert.ok(lease !== undefined);
    assert.is(await lock.renew(lease, { ttlMs: 10_000 }), true);
    await sleep(1200);
    assert.is(await lock.acquire('renewed', { ttlMs: 1000 }), undefined, 'still held after the first TTL');
    assert.is(await lock.release(lease), true);
  });

  test('waiting gives up when waitMs runs out', async () => {
    const lock = await factory.create();
    await lock.acquire('busy', { ttlMs: 5000 });
    assert.is(await lock.acquire('busy', { ttlMs: 1000, waitMs: 100 }), undefined);
  });

  test('waiting stops when the signal aborts', async () => {
    const lock = await factory.create();
    await lock.acquire('busy', { ttlMs: 5000 });
    const controller = new AbortController();
    const waiting = lock.acquire('busy', { ttlMs: 1000, waitMs: 10_000, signal: controller.signal });
    setTimeout(() => controller.abort(), 30);
    assert.is(await waiting, undefined);
  });

  test('a waiter gets the lock as soon as the holder releases it', async () => {
    const lock = await factory.create();
    const held = await lock.acquire('handover', { ttlMs: 5000 });
    assert.ok(held !== undefined);
    const waiting = lock.acquire('handover', { ttlMs: 1000, waitMs: 3000, retryDelayMs: 10 });
    await sleep(40);
    await lock.release(held);
    const lease = await waiting;
    assert.ok(lease !== undefined);
    assert.ok(lease.fence > held.fence);
  });

  test('a TTL that is not a positive whole number is refused', async () => {
    const lock = await factory.create();
    for (const ttlMs of [0, -5, 2.5]) {
      try {
        await lock.acquire('x', { ttlMs });
        assert.unreachable(`ttlMs ${ttlMs} accepted`);
      } catch (error) {
        assert.instance(error, RangeError);
      }
    }
  });

  test.run();
}
