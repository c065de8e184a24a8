import { ConnectionException, NotFoundError, UniqueConstraintViolationException } from '@mikro-orm/core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { DbReason, fromOrmError } from '../../../../src/platform/db/index.ts';
import { AppError, Code } from '../../../../src/platform/errors/index.ts';

const test = suite('fromOrmError');

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

const cases: { name: string; error: unknown; code: Code; reason: string }[] = [
  {
    name: 'NotFoundError',
    error: new NotFoundError('nope'),
    code: Code.NOT_FOUND,
    reason: DbReason.NOT_FOUND,
  },
  {
    name: 'UniqueConstraintViolationException',
    error: new UniqueConstraintViolationException(new Error('dup')),
    code: Code.ALREADY_EXISTS,
    reason: DbReason.ALREADY_EXISTS,
  },
  {
    name: 'raw PostgreSQL unique violation (23505)',
    error: withCode('dup', '23505'),
    code: Code.ALREADY_EXISTS,
    reason: DbReason.ALREADY_EXISTS,
  },
  {
    name: 'raw SQLite foreign key violation',
    error: withCode('fk', 'SQLITE_CONSTRAINT_FOREIGNKEY'),
    code: Code.FAILED_PRECONDITION,
    reason: DbReason.REFERENCED_ROW_MISSING,
  },
  {
    name: 'ConnectionException',
    error: new ConnectionException(new Error('gone')),
    code: Code.UNAVAILABLE,
    reason: DbReason.DATABASE_UNAVAILABLE,
  },
  {
    name: 'ECONNREFUSED',
    error: withCode('connect ECONNREFUSED', 'ECONNREFUSED'),
    code: Code.UNAVAILABLE,
    reason: DbReason.DATABASE_UNAVAILABLE,
  },
  {
    name: 'PostgreSQL shutting down (57P01)',
    error: withCode('terminating connection due to administrator command', '57P01'),
    code: Code.UNAVAILABLE,
    reason: DbReason.DATABASE_UNAVAILABLE,
  },
  {
    name: 'SQLite busy',
    error: withCode('database is locked', 'SQLITE_BUSY'),
    code: Code.UNAVAILABLE,
    reason: DbReason.DATABASE_UNAVAILABLE,
  },
  {
    name: 'PostgreSQL NUL in text (22021)',
    error: withCode('invalid byte sequence for encoding "UTF8": 0x00', '22021'),
    code: Code.INVALID_ARGUMENT,
    reason: DbReason.UNSTORABLE_VALUE,
  },
  {
    name: 'PostgreSQL value too long (22001)',
    error: withCode('value too long for type character varying(255)', '22001'),
    code: Code.INVALID_ARGUMENT,
    reason: DbReason.UNSTORABLE_VALUE,
  },
  { name: 'a plain Error', error: new Error('boom'), code: Code.INTERNAL, reason: DbReason.DATABASE_ERROR },
  { name: 'a thrown string', error: 'boom', code: Code.INTERNAL, reason: DbReason.DATABASE_ERROR },
];

for (const { name, error, code, reason } of cases) {
  test(`${name} → ${reason}, keeping the cause and a generic message`, () => {
    const translated = fromOrmError(error);
    assert.is(translated.code, code);
    assert.is(translated.reason, reason);
    assert.is(translated.cause, error);
    assert.not.match(translated.message, /boom|dup|ECONNREFUSED/);
  });
}

test('an AppError passes through unchanged', () => {
  const error = new AppError(Code.NOT_FOUND, 'USER_NOT_FOUND', 'user "bob" does not exist');
  assert.is(fromOrmError(error), error);
});

test('an unavailable database asks the client to retry after 1 s', () => {
  assert.is(fromOrmError(withCode('x', 'ECONNRESET')).details.retryDelayMs, 1000);
});

test.run();
