import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Config } from '../../../src/platform/config/index.ts';
import { createDatabase, type Database } from '../../../src/platform/db/index.ts';
import { type Code, Code as Codes, isAppError } from '../../../src/platform/errors/index.ts';
import { createLogger } from '../../../src/platform/log/index.ts';
import {
  AuthReason,
  createPasswordHasher,
  createUsers,
  type UserProcedures,
  UserSchema,
  userProcedures,
} from '../../../src/services/auth/index.ts';
import { ListReason } from '../../../src/services/common/index.ts';
import { ENTITIES } from '../../../src/services/index.ts';
import type { CallContext } from '../../../src/transport/rpc/index.ts';

type DbConfig = Pick<Config, 'databaseUrl' | 'dataDir'>;

/** What a dialect's test file provides to the shared cases. */
export interface UsersTarget {
  label: string;
  /** Creates an empty database of its own; `cleanup` removes it. */
  open(): Promise<{ config: DbConfig; cleanup(): Promise<void> }>;
}

const logger = createLogger({ level: 'silent' });
const entities = ENTITIES;
// The cheapest cost scrypt accepts here: the tests are about users, not hashing.
const hasher = createPasswordHasher({ cost: { N: 1024, r: 1, p: 1, keyLength: 16 } });
const PASSWORD = 'correct horse battery';
// These procedures do not read their call context.
const CTX = {} as CallContext;

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.unreachable('expected a rejection');
  return undefined;
}

async function assertRejects(
  promise: Promise<unknown>,
  code: Code,
  reason: string,
  field?: string,
): Promise<void> {
  const error = await rejection(promise);
  assert.ok(isAppError(error), `expected an AppError, got ${String(error)}`);
  assert.is(error.code, code, `code of ${error.message}`);
  assert.is(error.reason, reason);
  if (field !== undefined) assert.equal(error.details.fieldViolations?.[0]?.field, field);
}

function newUser(username: string, roles = ['viewer']) {
  return {
    user: {
      name: '',
      username,
      displayName: '',
      roles,
      disabled: false,
      createTime: undefined,
      updateTime: undefined,
      lastLoginTime: undefined,
      passwordUpdateTime: undefined,
    },
    password: PASSWORD,
  };
}

/**
 * The user RPCs on a real database, and the migrations that create their table. The cases run
 * in order on one database per suite.
 */
export function runUserCases(target: UsersTarget): void {
  const test = suite(`users on ${target.label}`);
  let db: Database | undefined;
  let cleanup: (() => Promise<void>) | undefined;
  let rpc: UserProcedures;
  const responses: unknown[] = [];
  const open = () => {
    if (db === undefined) throw new Error('database not opened');
    return db;
  };
  const storedHash = async (username: string) =>
    (await open().em().findOneOrFail(UserSchema, { username })).passwordHash;

  test.before(async () => {
    const opened = await target.open();
    cleanup = opened.cleanup;
    db = await createDatabase({ config: opened.config, logger, entities });
    const procedures = userProcedures(createUsers({ em: () => open().em(), hasher }));
    // Every response passes through here, so the last case can check none carried a hash.
    rpc = Object.fromEntries(
      Object.entries(procedures).map(([key, call]) => [
        key,
        async (request: never, ctx: unknown) => {
          const response = await (call as (r: never, c: unknown) => Promise<unknown>)(request, ctx);
          responses.push(response);
          return response;
        },
      ]),
    ) as unknown as UserProcedures;
  });
  test.after(async () => {
    await db?.close();
    await cleanup?.();
  });

  test('all migrations on an empty database give exactly the schema of the entities, auth tables included', async () => {
    const db = open();
    await db.migrate.up();
    assert.is(await db.orm.schema.getUpdateSchemaSQL({ wrap: false }), '');
  });

  test('down to the start then up again round-trips to the same schema', async () => {
    const db = open();
    const all = (await db.migrate.status()).executed;
    assert.equal(await db.migrate.down({ to: 0 }), [...all].reverse());
    assert.match(await db.orm.schema.getUpdateSchemaSQL({ wrap: false }), /create table .users/);
    assert.equal(await db.migrate.up(), all);
    assert.is(await db.orm.schema.getUpdateSchemaSQL({ wrap: false }), '');
  });

  test('a created user is returned with its name, defaults and times, and read back', async () => {
    const before = Date.now();
    const { user } = await rpc.createUser(newUser('alice', ['viewer', 'admin', 'viewer']), CTX);
    assert.is(user?.name, 'users/alice');
    assert.is(user?.displayName, 'alice');
    assert.equal(user?.roles, ['admin', 'viewer']);
    assert.is(user?.disabled, false);
    assert.ok((user?.createTime?.getTime() ?? 0) >= before - 5);
    assert.is(user?.lastLoginTime, undefined);
    const got = await rpc.getUser({ name: 'users/alice' }, CTX);
    assert.equal(got.user, user);
    assert.ok(await hasher.verify(PASSWORD, await storedHash('alice')));
  });

  test('a taken username is ALREADY_EXISTS USER_ALREADY_EXISTS', async () => {
    await assertRejects(
      rpc.createUser(newUser('alice'), CTX),
      Codes.ALREADY_EXISTS,
      AuthReason.USER_ALREADY_EXISTS,
    );
  });

  test('an unknown user is NOT_FOUND USER_NOT_FOUND for get, update, delete and reset', async () => {
    const missing = newUser('nobody').user;
    await assertRejects(
      rpc.getUser({ name: 'users/nobody' }, CTX),
      Codes.NOT_FOUND,
      AuthReason.USER_NOT_FOUND,
    );
    await assertRejects(
      rpc.updateUser({ user: { ...missing, name: 'users/nobody' }, updateMask: ['disabled'] }, CTX),
      Codes.NOT_FOUND,
      AuthReason.USER_NOT_FOUND,
    );
    await assertRejects(
      rpc.deleteUser({ name: 'users/nobody' }, CTX),
      Codes.NOT_FOUND,
      AuthReason.USER_NOT_FOUND,
    );
    await assertRejects(
      rpc.resetUserPassword({ name: 'users/nobody', newPassword: PASSWORD }, CTX),
      Codes.NOT_FOUND,
      AuthReason.USER_NOT_FOUND,
    );
  });

  const invalidCases: { name: string; call(): Promise<unknown>; reason: string; field: string }[] = [
    {
      name: 'a username with a space',
      call: () => rpc.createUser(newUser('bad name'), CTX),
      reason: AuthReason.INVALID_USERNAME,
      field: 'user.username',
    },
    {
      name: 'a username of 65 characters',
      call: () => rpc.createUser(newUser('a'.repeat(65)), CTX),
      reason: AuthReason.INVALID_USERNAME,
      field: 'user.username',
    },
    {
      name: 'an unknown role',
      call: () => rpc.createUser(newUser('carol', ['root']), CTX),
      reason: AuthReason.INVALID_ROLES,
      field: 'user.roles',
    },
    {
      name: 'no role',
      call: () => rpc.createUser(newUser('carol', []), CTX),
      reason: AuthReason.INVALID_ROLES,
      field: 'user.roles',
    },
    {
      name: 'a short password',
      call: () => rpc.createUser({ ...newUser('carol'), password: 'short' }, CTX),
      reason: AuthReason.PASSWORD_TOO_SHORT,
      field: 'password',
    },
    {
      name: 'a short new password on reset',
      call: () => rpc.resetUserPassword({ name: 'users/alice', newPassword: 'short' }, CTX),
      reason: AuthReason.PASSWORD_TOO_SHORT,
      field: 'new_password',
    },
    {
      name: 'a name that is not users/{username}',
      call: () => rpc.getUser({ name: 'apiKeys/alice' }, CTX),
      reason: AuthReason.INVALID_USERNAME,
      field: 'name',
    },
    {
      name: 'a negative page size',
      call: () => rpc.listUsers({ pageSize: -1, pageToken: '', filter: '', orderBy: '' }, CTX),
      reason: ListReason.INVALID_PAGE_SIZE,
      field: 'page_size',
    },
    {
      name: 'a filter, which this server does not evaluate',
      call: () => rpc.listUsers({ pageSize: 0, pageToken: '', filter: 'disabled = true', orderBy: '' }, CTX),
      reason: ListReason.INVALID_LIST_OPTION,
      field: 'filter',
    },
    {
      name: 'an order other than by username',
      call: () => rpc.listUsers({ pageSize: 0, pageToken: '', filter: '', orderBy: 'create_time desc' }, CTX),
      reason: ListReason.INVALID_LIST_OPTION,
      field: 'order_by',
    },
    {
      name: 'a page token the server did not issue',
      call: () => rpc.listUsers({ pageSize: 0, pageToken: 'not-a-token', filter: '', orderBy: '' }, CTX),
      reason: ListReason.INVALID_PAGE_TOKEN,
      field: 'page_token',
    },
    {
      name: 'an update mask naming username and create_time',
      call: () =>
        rpc.updateUser(
          {
            user: { ...newUser('alice').user, name: 'users/alice' },
            updateMask: ['username', 'create_time'],
          },
          CTX,
        ),
      reason: AuthReason.INVALID_UPDATE_MASK,
      field: 'update_mask',
    },
  ];

  test('invalid requests are INVALID_ARGUMENT with a field violation and change nothing', async () => {
    for (const { name, call, reason, field } of invalidCases) {
      const error = await rejection(call());
      assert.ok(isAppError(error), `${name}: expected an AppError`);
      assert.is(error.code, Codes.INVALID_ARGUMENT, `${name}: code`);
      assert.is(error.reason, reason, `${name}: reason`);
      assert.is(error.details.fieldViolations?.[0]?.field, field, `${name}: field`);
    }
    const message = (await rejection(invalidCases.at(-1)?.call() ?? Promise.resolve())) as Error;
    assert.match(message.message, 'username, create_time');
    const listed = await rpc.listUsers({ pageSize: 0, pageToken: '', filter: '', orderBy: '' }, CTX);
    assert.equal(
      listed.users.map((user) => user.username),
      ['alice'],
    );
  });

  test('listing pages through every user in username order, with page size bounds', async () => {
    for (const username of ['u03', 'u01', 'u05', 'u02', 'u04']) await rpc.createUser(newUser(username), CTX);
    const seen: string[] = [];
    let pageToken = '';
    let pages = 0;
    do {
      const page = await rpc.listUsers({ pageSize: 2, pageToken, filter: '', orderBy: '' }, CTX);
      assert.ok(page.users.length <= 2);
      seen.push(...page.users.map((user) => user.username));
      pageToken = page.nextPageToken;
      pages++;
    } while (pageToken !== '');
    assert.equal(seen, ['alice', 'u01', 'u02', 'u03', 'u04', 'u05']);
    assert.is(pages, 3);
    const all = await rpc.listUsers({ pageSize: 5000, pageToken: '', filter: '', orderBy: '' }, CTX);
    assert.is(all.users.length, 6);
    assert.is(all.nextPageToken, '');
  });

  test('update applies the fields of the mask only, an empty mask the non-default fields', async () => {
    const before = (await rpc.getUser({ name: 'users/u01' }, CTX)).user;
    const masked = await rpc.updateUser(
      {
        user: { ...newUser('x', ['admin']).user, name: 'users/u01', displayName: 'Ursula', disabled: true },
        updateMask: ['display_name'],
      },
      CTX,
    );
    assert.is(masked.user?.displayName, 'Ursula');
    assert.equal(masked.user?.roles, ['viewer']);
    assert.is(masked.user?.disabled, false);
    assert.ok((masked.user?.updateTime?.getTime() ?? 0) >= (before?.updateTime?.getTime() ?? Infinity));
    const implied = await rpc.updateUser(
      {
        user: { ...newUser('x', ['operator', 'admin']).user, name: 'users/u01', disabled: true },
        updateMask: undefined,
      },
      CTX,
    );
    assert.is(implied.user?.displayName, 'Ursula');
    assert.equal(implied.user?.roles, ['admin', 'operator']);
    assert.is(implied.user?.disabled, true);
    assert.equal((await rpc.getUser({ name: 'users/u01' }, CTX)).user, implied.user);
    const all = await rpc.updateUser(
      { user: { ...newUser('x', ['viewer']).user, name: 'users/u01' }, updateMask: ['*'] },
      CTX,
    );
    assert.is(all.user?.displayName, 'u01');
    assert.is(all.user?.disabled, false);
  });

  test('reset password: the new one verifies, the old one no longer does', async () => {
    const before = (await rpc.getUser({ name: 'users/u02' }, CTX)).user;
    const chosen = await rpc.resetUserPassword(
      { name: 'users/u02', newPassword: 'a brand new password' },
      CTX,
    );
    assert.is(chosen.generatedPassword, '');
    assert.ok(await hasher.verify('a brand new password', await storedHash('u02')));
    assert.not.ok(await hasher.verify(PASSWORD, await storedHash('u02')));
    const after = (await rpc.getUser({ name: 'users/u02' }, CTX)).user;
    assert.ok(
      (after?.passwordUpdateTime?.getTime() ?? 0) >= (before?.passwordUpdateTime?.getTime() ?? Infinity),
    );
    const generated = await rpc.resetUserPassword({ name: 'users/u02', newPassword: '' }, CTX);
    assert.is(generated.generatedPassword.length, 24);
    assert.ok(await hasher.verify(generated.generatedPassword, await storedHash('u02')));
  });

  test('the last enabled admin cannot be demoted, disabled or deleted', async () => {
    const alice = (await rpc.getUser({ name: 'users/alice' }, CTX)).user;
    if (alice === undefined) throw new Error('alice is missing');
    // One at a time: a rejection nobody awaits yet would end the test run.
    const lastAdmin = [
      () => rpc.updateUser({ user: { ...alice, roles: ['viewer'] }, updateMask: ['roles'] }, CTX),
      () => rpc.updateUser({ user: { ...alice, disabled: true }, updateMask: ['disabled'] }, CTX),
      () => rpc.deleteUser({ name: 'users/alice' }, CTX),
    ];
    for (const attempt of lastAdmin) {
      await assertRejects(attempt(), Codes.FAILED_PRECONDITION, AuthReason.LAST_ADMIN);
    }
    assert.equal((await rpc.getUser({ name: 'users/alice' }, CTX)).user, alice);
    const u04 = (await rpc.getUser({ name: 'users/u04' }, CTX)).user;
    if (u04 === undefined) throw new Error('u04 is missing');
    await rpc.updateUser({ user: { ...u04, roles: ['admin'] }, updateMask: ['roles'] }, CTX);
    const disabled = await rpc.updateUser(
      { user: { ...alice, disabled: true }, updateMask: ['disabled'] },
      CTX,
    );
    assert.is(disabled.user?.disabled, true);
  });

  test('two admins demoting each other at once: exactly one change wins, one admin is left', async () => {
    await rpc.createUser(newUser('race-a', ['admin']), CTX);
    await rpc.createUser(newUser('race-b', ['admin']), CTX);
    // Leave the two racers as the only enabled admins.
    const others = (
      await rpc.listUsers({ pageSize: 1000, pageToken: '', filter: '', orderBy: '' }, CTX)
    ).users.filter(
      (user) => user.roles.includes('admin') && !user.disabled && !user.username.startsWith('race-'),
    );
    for (const other of others) {
      await rpc.updateUser({ user: { ...other, disabled: true }, updateMask: ['disabled'] }, CTX);
    }
    const demote = (username: string) =>
      rpc.updateUser(
        {
          user: { ...newUser(username).user, name: `users/${username}`, roles: ['viewer'] },
          updateMask: ['roles'],
        },
        CTX,
      );
    const outcomes = await Promise.allSettled([demote('race-a'), demote('race-b')]);
    assert.equal(outcomes.map((outcome) => outcome.status).sort(), ['fulfilled', 'rejected']);
    const refused = outcomes.find((outcome) => outcome.status === 'rejected');
    assert.is((refused as PromiseRejectedResult).reason.reason, AuthReason.LAST_ADMIN);
    const admins = (
      await rpc.listUsers({ pageSize: 1000, pageToken: '', filter: '', orderBy: '' }, CTX)
    ).users.filter((user) => user.roles.includes('admin') && !user.disabled);
    assert.is(admins.length, 1);
    for (const other of others) {
      await rpc.updateUser({ user: { ...other, disabled: false }, updateMask: ['disabled'] }, CTX);
    }
  });

  test('a deleted user is gone, and its username can be taken again', async () => {
    assert.equal(await rpc.deleteUser({ name: 'users/u03' }, CTX), {});
    await assertRejects(rpc.getUser({ name: 'users/u03' }, CTX), Codes.NOT_FOUND, AuthReason.USER_NOT_FOUND);
    const again = await rpc.createUser(newUser('u03'), CTX);
    assert.is(again.user?.name, 'users/u03');
  });

  test('no response ever carried a password hash', () => {
    assert.ok(responses.length > 10);
    const text = JSON.stringify(responses);
    assert.not.match(text, 'scrypt$');
    assert.not.match(text, /password_?hash/i);
  });

  test.run();
}
