import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chooseLogFormat, formatNotice, printNotice } from '../../../src/platform/log/index.ts';
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

const formats: [env: 'development' | 'production' | 'test', isTTY: boolean, format: 'pretty' | 'json'][] = [
  ['development', true, 'pretty'],
  ['development', false, 'json'],
  ['production', true, 'json'],
  ['production', false, 'json'],
  ['test', true, 'json'],
  ['test', false, 'json'],
];

for (const [env, isTTY, format] of formats) {
  test(`${env} ${isTTY ? 'at a terminal' : 'into a pipe or file'} writes ${format} lines`, () => {
    assert.is(chooseLogFormat({ env, isTTY }), format);
  });
}

test('a notice is framed, every line padded to the longest', () => {
  assert.is(
    formatNotice(['first line', '', '    s3cret', 'last']),
    [
      '+--------------+',
      '|  first line  |',
      '|              |',
      '|      s3cret  |',
      '|  last        |',
      '+--------------+',
      '',
    ].join('\n'),
  );
});

test('a notice is printed to a terminal only', () => {
  const written: string[] = [];
  const stream = (isTTY: boolean) =>
    ({ isTTY, write: (text: string) => written.push(text) }) as unknown as NodeJS.WriteStream;
  assert.is(printNotice(['to a pipe'], stream(false)), false);
  assert.equal(written, []);
  assert.is(printNotice(['to a terminal'], stream(true)), true);
  assert.match(written.join(''), '|  to a terminal  |');
});

test('an error quoting a huge input makes a log line of a few KiB', () => {
  const { lines, logger } = captureLogs();
  const input = 'x'.repeat(1_500_000);
  const error = Object.assign(new Error(`bad value ${input}`), {
    sql: input,
    values: Array(100_000).fill(input),
  });
  logger.error({ err: new Error('wrapped', { cause: error }) }, 'call failed');
  const size = JSON.stringify(lines[0]).length;
  assert.ok(size < 64 * 1024, `a line of ${size} characters`);
  assert.match(JSON.stringify(lines[0]), 'bad value xxx');
});

test.run();
