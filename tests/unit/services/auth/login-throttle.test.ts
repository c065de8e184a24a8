import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createMemoryCache } from '../../../../src/platform/cache/index.ts';
import { Code, isAppError } from '../../../../src/platform/errors/index.ts';
import { createLoginThrottle } from '../../../../src/services/auth/index.ts';
import { clientAddressOf } from '../../../../src/services/common/index.ts';

function setup() {
  let now = 1_000_000;
  const throttle = createLoginThrottle({
    cache: createMemoryCache(),
    now: () => now,
    freeFailuresPerUsername: 3,
    freeFailuresPerAddress: 5,
    baseDelayMs: 1000,
  });
  return { throttle, advance: (ms: number) => (now += ms) };
}

async function retryDelayOf(attempt: Promise<void>): Promise<number | undefined> {
  try {
    await attempt;
    return undefined;
  } catch (error) {
    assert.ok(isAppError(error));
    assert.is(error.code, Code.RESOURCE_EXHAUSTED);
    assert.is(error.reason, 'LOGIN_THROTTLED');
    return error.details.retryDelayMs;
  }
}

test('a username is throttled after its free failures, with a delay that doubles', async () => {
  const { throttle, advance } = setup();
  for (let i = 0; i < 3; i += 1) await throttle.recordFailure('alice', '10.0.0.1');
  assert.is(await retryDelayOf(throttle.assertAllowed('alice', '10.0.0.2')), undefined);
  await throttle.recordFailure('alice', '10.0.0.1');
  assert.is(await retryDelayOf(throttle.assertAllowed('alice', '10.0.0.2')), 1000);
  advance(1000);
  assert.is(await retryDelayOf(throttle.assertAllowed('alice', '10.0.0.2')), undefined);
  await throttle.recordFailure('alice', '10.0.0.1');
  assert.is(await retryDelayOf(throttle.assertAllowed('alice', '10.0.0.2')), 2000);
  assert.is(
    await retryDelayOf(throttle.assertAllowed('bob', '10.0.0.2')),
    undefined,
    'other users are not affected',
  );
});

test('an address spraying many usernames is throttled for every username', async () => {
  const { throttle } = setup();
  for (let i = 0; i < 6; i += 1) await throttle.recordFailure(`user${i}`, '192.0.2.7');
  assert.is(await retryDelayOf(throttle.assertAllowed('someone-new', '192.0.2.7')), 1000);
  assert.is(await retryDelayOf(throttle.assertAllowed('someone-new', '192.0.2.8')), undefined);
});

test('a successful login clears the username, not the address', async () => {
  const { throttle } = setup();
  for (let i = 0; i < 6; i += 1) await throttle.recordFailure('carol', '198.51.100.1');
  await throttle.recordSuccess('carol');
  assert.is(await retryDelayOf(throttle.assertAllowed('carol', '198.51.100.2')), undefined);
  const fromSprayer = await retryDelayOf(throttle.assertAllowed('carol', '198.51.100.1'));
  assert.ok(fromSprayer !== undefined && fromSprayer > 0, 'the address still waits');
});

const addresses: [string, string][] = [
  ['127.0.0.1:5555', '127.0.0.1'],
  ['[::1]:5555', '::1'],
  ['::ffff:127.0.0.1:41234', '::ffff:127.0.0.1'],
  ['unknown', 'unknown'],
];
for (const [peer, address] of addresses) {
  test(`the client address of peer ${peer} is ${address}`, () => {
    assert.is(clientAddressOf(peer), address);
  });
}

test.run();
