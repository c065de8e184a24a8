import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AppError } from '../../../../src/platform/errors/index.ts';
import { assertScopeList, isScopeSubset } from '../../../../src/services/auth/scopes.ts';

// requested, granted, whether a refresh may ask for `requested` from a grant of `granted`
const SUBSETS: [string[], string[], boolean][] = [
  [[], ['devices:read'], true],
  [['devices:read'], ['devices:read', 'devices:write'], true],
  [['devices:read', 'devices:write'], ['devices:read'], false],
  [['devices:read'], ['*'], true],
  [['*'], ['*'], true],
  // "*" is wider than any list of named scopes, however long.
  [['*'], ['devices:read'], false],
  [['*', 'devices:read'], ['devices:read'], false],
];

test('a refresh may only narrow: every requested scope granted, "*" only from "*"', () => {
  for (const [requested, granted, expected] of SUBSETS) {
    assert.is(isScopeSubset(requested, granted), expected, `${requested} of ${granted}`);
  }
});

test('a scope list is sorted without repeats, and "*" must stand alone', () => {
  assert.equal(assertScopeList(['devices:write', 'auth:read', 'devices:write'], 'scopes'), [
    'auth:read',
    'devices:write',
  ]);
  assert.equal(assertScopeList(['*', '*'], 'scopes'), ['*']);
  for (const scopes of [
    ['*', 'auth:read'],
    ['*', 'auth:read', 'auth:write'],
  ]) {
    try {
      assertScopeList(scopes, 'api_key.scopes');
      assert.unreachable(String(scopes));
    } catch (error) {
      assert.instance(error, AppError);
      assert.is((error as AppError).reason, 'INVALID_SCOPE', String(scopes));
      assert.equal((error as AppError).details.fieldViolations?.[0]?.field, 'api_key.scopes');
    }
  }
});

test.run();
