import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AppError, Code } from '../../../../src/platform/errors/index.ts';
import {
  assertInside,
  parseRangeHeader,
  parseSandboxPath,
} from '../../../../src/services/system/file-sandbox/index.ts';

const ACCEPTED: [string, string[]][] = [
  ['', []],
  ['a', ['a']],
  ['firmware/pump-v2.bin', ['firmware', 'pump-v2.bin']],
  ['...', ['...']], // three dots is a name, not a parent
  ['.hidden', ['.hidden']],
  ['a b/ü/日本', ['a b', 'ü', '日本']],
  ['50%/x%41', ['50%', 'x%41']], // a "%" that encodes no separator, dot or NUL is plain text
];

test('plain relative paths split into their segments, unchanged', () => {
  for (const [path, segments] of ACCEPTED) assert.equal(parseSandboxPath(path, 'path'), segments, path);
});

const REFUSED = [
  '/',
  '/a',
  'C:x',
  'a\\b',
  'a/../b',
  '..',
  '.',
  'a//b',
  'a/',
  'a\u0000',
  'a\u001b',
  '%2e%2e',
  '%252F',
  'a%00',
  'x'.repeat(256),
  `${'a/'.repeat(128)}a`,
];

test('every refused path is INVALID_ARGUMENT naming the field, never an fs exception', () => {
  for (const path of REFUSED) {
    try {
      parseSandboxPath(path, 'destination_path');
      assert.unreachable(JSON.stringify(path));
    } catch (error) {
      assert.instance(error, AppError);
      assert.is((error as AppError).code, Code.INVALID_ARGUMENT);
      assert.equal((error as AppError).details.fieldViolations?.[0]?.field, 'destination_path');
    }
  }
});

test('an absolute path is refused as absolute, not only for the empty segment it starts with', () => {
  for (const path of ['/', '/a', '/etc/passwd', 'C:x']) {
    try {
      parseSandboxPath(path, 'path');
      assert.unreachable(path);
    } catch (error) {
      assert.instance(error, AppError);
      assert.match((error as AppError).message, /is absolute/, path);
    }
  }
});

test('a host path is inside the sandbox only at or below the root, not in a sibling sharing its name', () => {
  const root = '/data/files';
  for (const inside of ['/data/files', '/data/files/a', '/data/files/a/b']) assertInside(root, inside, 'x');
  for (const outside of ['/data/files-old/a', '/data/filesystem', '/data', '/etc/passwd']) {
    try {
      assertInside(root, outside, 'x');
      assert.unreachable(outside);
    } catch (error) {
      assert.instance(error, AppError);
      assert.is((error as AppError).code, Code.PERMISSION_DENIED, outside);
      assert.is((error as AppError).reason, 'FILE_PATH_ESCAPES', outside);
    }
  }
});

// header, size → [start, end] or undefined (whole file) or 'unsatisfiable'
const RANGES: [string | undefined, bigint, [bigint, bigint] | undefined | 'unsatisfiable'][] = [
  [undefined, 10n, undefined],
  ['bytes=0-0', 10n, [0n, 0n]],
  ['bytes=2-', 10n, [2n, 9n]],
  ['bytes=-3', 10n, [7n, 9n]],
  ['bytes=-30', 10n, [0n, 9n]],
  ['bytes=5-99', 10n, [5n, 9n]],
  ['BYTES = 1 - 2', 10n, [1n, 2n]],
  ['bytes=10-', 10n, 'unsatisfiable'],
  ['bytes=-0', 10n, 'unsatisfiable'],
  ['bytes=0-', 0n, 'unsatisfiable'],
  ['bytes=3-2', 10n, undefined],
  ['bytes=1-2,4-5', 10n, undefined],
  ['bytes=-', 10n, undefined],
  ['lines=1-2', 10n, undefined],
  ['bytes=99999999999999999999-', 10n, undefined],
];

test('Range headers: one range is honoured, cut to the file; past the end is 416; anything else is ignored', () => {
  for (const [header, size, expected] of RANGES) {
    if (expected === 'unsatisfiable') {
      assert.throws(
        () => parseRangeHeader(header, size),
        (error: AppError) => error.code === Code.OUT_OF_RANGE,
        header,
      );
      continue;
    }
    const range = parseRangeHeader(header, size);
    assert.equal(range === undefined ? undefined : [range.start, range.end], expected, header);
  }
});

test.run();
