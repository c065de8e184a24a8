import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ApiKey } from '../../../../src/services/auth/api-key.entity.ts';
import { apiKeyStateOf } from '../../../../src/services/auth/api-keys.ts';

const AT = Date.parse('2026-06-01T12:00:00Z');

function key(times: { expireTime?: number; revokeTime?: number }): ApiKey {
  return {
    expireTime: times.expireTime === undefined ? null : new Date(times.expireTime),
    revokeTime: times.revokeTime === undefined ? null : new Date(times.revokeTime),
  } as ApiKey;
}

// key times, state at AT
const STATES: [string, { expireTime?: number; revokeTime?: number }, string][] = [
  ['no expiry', {}, 'active'],
  ['expiring a millisecond later', { expireTime: AT + 1 }, 'active'],
  ['expiring at that very millisecond', { expireTime: AT }, 'expired'],
  ['expired a millisecond before', { expireTime: AT - 1 }, 'expired'],
  ['revoked', { revokeTime: AT - 1 }, 'revoked'],
  ['revoked and expired', { expireTime: AT - 1, revokeTime: AT - 2 }, 'revoked'],
  ['revoked before a future expiry', { expireTime: AT + 60_000, revokeTime: AT - 1 }, 'revoked'],
];

test('an API key authenticates until the millisecond of its expire_time, and never once revoked', () => {
  for (const [name, times, state] of STATES) assert.is(apiKeyStateOf(key(times), AT), state, name);
});

test.run();
