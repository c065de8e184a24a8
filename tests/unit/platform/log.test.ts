import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { captureLogs } from '../../helpers/log.ts';

function capture() {
  return captureLogs();
}

const secrets: [string, Record<string, unknown>][] = [
  ['a password', { password: 'hunter2' }],
  ['a nested password', { user: { password: 'hunter2' } }],
  ['an authorization header', { headers: { authorization: 'Bearer hunter2' } }],
  ['a nested authorization header', { req: { headers: { authorization: 'Bearer hunter2' } } }],
  ['an API key header', { metadata: { 'x-api-key': 'hunter2' } }],
  ['a refresh token', { refresh_token: 'hunter2' }],
  ['an access token', { body: { accessToken: 'hunter2' } }],
  ['an API key', { apiKey: 'hunter2' }],
  ['a secret', { config: { secretKey: 'hunter2' } }],
];

for (const [name, fields] of secrets) {
  test(`redacts ${name}`, () => {
    const { lines, logger } = capture();
    logger.info(fields, 'event');
    const text = JSON.stringify(lines);
    assert.not.match(text, 'hunter2');
    assert.match(text, '[redacted]');
  });
}

test('writes one JSON object per line with level name and ISO time', () => {
  const { lines, logger } = capture();
  logger.child({ requestId: 'r-1' }).warn({ code: 'NOT_FOUND' }, 'call failed');
  assert.is(lines.length, 1);
  assert.is(lines[0]?.level, 'warn');
  assert.is(lines[0]?.requestId, 'r-1');
  assert.is(lines[0]?.msg, 'call failed');
  assert.match(String(lines[0]?.time), /^\d{4}-\d\d-\d\dT/);
});

test.run();
