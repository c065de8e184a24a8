import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AppError, Code } from '../../../../src/platform/errors/index.ts';
import {
  assertLoginAllowed,
  type LoginAttempt,
  type LoginThrottleOptions,
  loginRetryDelayMs,
  validateLoginThrottleOptions,
} from '../../../../src/services/auth/rate-limit-policy.ts';

const defaults = validateLoginThrottleOptions();
const now = 1_800_000_000_000;
const MINUTE = 60_000;

/** Failures for a key whose last failure was `agoMs` before `now`. */
const failed = (count: number, agoMs = 0) => ({ count, lastFailureAt: now - agoMs });

test('the first five failures per username are free, then the delay doubles from 1 s up to 15 min', () => {
  const cases: [number, number][] = [
    [0, 0],
    [5, 0],
    [6, 1000],
    [7, 2000],
    [8, 4000],
    [15, 512_000],
    [16, 15 * MINUTE],
    [1000, 15 * MINUTE],
  ];
  for (const [count, delay] of cases) {
    assert.is(loginRetryDelayMs({ username: failed(count), now }, defaults), delay, `${count} failures`);
  }
});

test('the delay counts from the last failure, so waiting it out allows the next try', () => {
  const cases: [number, number][] = [
    [0, 4000],
    [1500, 2500],
    [3999, 1],
    [4000, 0],
    [MINUTE, 0],
  ];
  for (const [agoMs, delay] of cases) {
    assert.is(loginRetryDelayMs({ username: failed(8, agoMs), now }, defaults), delay, `${agoMs} ms ago`);
  }
});

test('an address gets 20 free failures, and the larger of the two waits wins', () => {
  const cases: [string, LoginAttempt, number][] = [
    ['address only, within its free failures', { address: failed(20), now }, 0],
    ['address only, past them', { address: failed(22), now }, 2000],
    ['username waits longer', { username: failed(9), address: failed(22), now }, 8000],
    ['address waits longer', { username: failed(6), address: failed(25), now }, 16_000],
    ['no counters at all', { now }, 0],
  ];
  for (const [name, attempt, delay] of cases) assert.is(loginRetryDelayMs(attempt, defaults), delay, name);
});

test('a throttled login is RESOURCE_EXHAUSTED LOGIN_THROTTLED with the retry delay', () => {
  let error: unknown;
  try {
    assertLoginAllowed({ username: failed(7, 500), now }, defaults);
  } catch (caught) {
    error = caught;
  }
  assert.instance(error, AppError);
  const appError = error as AppError;
  assert.is(appError.code, Code.RESOURCE_EXHAUSTED);
  assert.is(appError.reason, 'LOGIN_THROTTLED');
  assert.is(appError.details.retryDelayMs, 1500);
  assertLoginAllowed({ username: failed(7, 2000), now }, defaults);
});

test('custom options change the free failures and the delays', () => {
  const options = validateLoginThrottleOptions({
    freeFailuresPerUsername: 0,
    baseDelayMs: 100,
    maxDelayMs: 250,
  });
  const cases: [number, number][] = [
    [0, 0],
    [1, 100],
    [2, 200],
    [3, 250],
  ];
  for (const [count, delay] of cases) {
    assert.is(loginRetryDelayMs({ username: failed(count), now }, options), delay, `${count} failures`);
  }
});

test('options that cannot work are refused', () => {
  const cases: LoginThrottleOptions[] = [
    { freeFailuresPerUsername: -1 },
    { baseDelayMs: 1.5 },
    { maxDelayMs: 10, baseDelayMs: 100 },
  ];
  for (const options of cases) {
    assert.throws(() => validateLoginThrottleOptions(options), RangeError, JSON.stringify(options));
  }
});

test.run();
