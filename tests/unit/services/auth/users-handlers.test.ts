import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Code, isAppError } from '../../../../src/platform/errors/index.ts';
import {
  AuthReason,
  type UserView,
  usernameFromUserName,
  userToMessage,
} from '../../../../src/services/auth/index.ts';

const names: { name: string; username: string | undefined }[] = [
  { name: 'users/alice', username: 'alice' },
  { name: 'users/a.b-c_D9', username: 'a.b-c_D9' },
  { name: `users/${'x'.repeat(64)}`, username: 'x'.repeat(64) },
  { name: `users/${'x'.repeat(65)}`, username: undefined },
  { name: 'users/', username: undefined },
  { name: 'users/al ice', username: undefined },
  { name: 'users/alice/extra', username: undefined },
  { name: 'apiKeys/alice', username: undefined },
  { name: 'alice', username: undefined },
  { name: '', username: undefined },
];

test('a resource name users/{username} gives its username, anything else INVALID_ARGUMENT on the field', () => {
  for (const { name, username } of names) {
    if (username !== undefined) {
      assert.is(usernameFromUserName(name, 'name'), username, name);
      continue;
    }
    try {
      usernameFromUserName(name, 'user.name');
      assert.unreachable(`${name}: expected INVALID_ARGUMENT`);
    } catch (error) {
      assert.ok(isAppError(error), name);
      assert.is(error.code, Code.INVALID_ARGUMENT, name);
      assert.is(error.reason, AuthReason.INVALID_USERNAME, name);
      assert.equal(error.details.fieldViolations?.[0]?.field, 'user.name', name);
    }
  }
});

test('a user maps to the proto User with its resource name and no password field', () => {
  const time = new Date('2026-01-02T03:04:05.678Z');
  const view: UserView & { passwordHash?: string } = {
    username: 'bob',
    displayName: 'Bob',
    roles: ['operator'],
    disabled: true,
    createTime: time,
    updateTime: time,
    passwordUpdateTime: time,
    lastLoginTime: undefined,
    passwordHash: 'scrypt$N=2,r=1,p=1$salt$key',
  };
  assert.equal(userToMessage(view), {
    name: 'users/bob',
    username: 'bob',
    displayName: 'Bob',
    roles: ['operator'],
    disabled: true,
    createTime: time,
    updateTime: time,
    lastLoginTime: undefined,
    passwordUpdateTime: time,
  });
});

test.run();
