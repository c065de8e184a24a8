import { randomBytes } from 'node:crypto';
import { createConnection } from 'node:net';
import { MikroORM } from '@mikro-orm/core';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

/** The shared PostgreSQL of the machine and of CI (trust auth). */
export const POSTGRES_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** Whether something accepts TCP connections at 127.0.0.1:`port` within `timeoutMs`. */
export function pingPostgres(port = 5432, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => done(true));
  });
}

/**
 * Whether the PostgreSQL suites can run. Without PostgreSQL at 127.0.0.1:5432 they are skipped
 * with a printed reason, except in CI (`CI=true`), where a failing test says it is required.
 */
export async function postgresSuitesEnabled(label: string, port = 5432): Promise<boolean> {
  if (await pingPostgres(port)) return true;
  if (process.env.CI === 'true') {
    const required = suite(`${label} (PostgreSQL required)`);
    required(`PostgreSQL at 127.0.0.1:${port} is required in CI`, () => {
      assert.unreachable(`PostgreSQL is required in CI: nothing listens at 127.0.0.1:${port} (${label})`);
    });
    required.run();
  } else {
    console.log(`skipped: ${label} — no PostgreSQL at 127.0.0.1:${port}`);
  }
  return false;
}

/** A database of its own for one suite; `drop()` removes it (and ends its connections). */
export interface TestPostgresDatabase {
  readonly name: string;
  readonly url: string;
  drop(): Promise<void>;
}

async function withAdmin<T>(run: (execute: (sql: string) => Promise<unknown>) => Promise<T>): Promise<T> {
  const orm = await MikroORM.init({
    driver: PostgreSqlDriver,
    clientUrl: POSTGRES_ADMIN_URL,
    entities: [],
    discovery: { warnWhenNoEntities: false },
    ensureDatabase: false,
    pool: { min: 0, max: 1 },
  });
  try {
    return await run((sql) => orm.em.getConnection().execute(sql));
  } finally {
    await orm.close(true);
  }
}

/** Creates an empty database `hcs_test_<random>` on the shared server. */
export async function createTestPostgresDatabase(): Promise<TestPostgresDatabase> {
  const name = `hcs_test_${randomBytes(6).toString('hex')}`;
  await withAdmin((execute) => execute(`create database "${name}"`));
  return {
    name,
    url: `postgres://postgres@127.0.0.1:5432/${name}`,
    drop: async () => {
      await withAdmin((execute) => execute(`drop database if exists "${name}" with (force)`));
    },
  };
}
