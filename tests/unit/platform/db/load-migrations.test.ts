import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { MigrationObject } from '@mikro-orm/core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compileMigrations } from '../../../../scripts/compile-migrations.ts';
import { loadMigrations, MIGRATIONS_DIR } from '../../../../src/platform/db/index.ts';

const test = suite('migrations compiled by the build');

for (const dialect of ['sqlite', 'postgresql'] as const) {
  test(`${dialect}: the compiled migrations are the TypeScript ones, in the same order, runnable`, async () => {
    // Inside the project, so the compiled files resolve @mikro-orm/migrations as dist/ does.
    const dir = mkdtempSync(join(MIGRATIONS_DIR, '..', '.compiled-migrations-'));
    try {
      compileMigrations(join(MIGRATIONS_DIR, dialect), join(dir, dialect));
      const compiled = (await import(pathToFileURL(join(dir, dialect, 'index.js')).href)) as {
        migrations: MigrationObject[];
      };
      const source = await loadMigrations(dialect, MIGRATIONS_DIR);
      assert.ok(source.length > 0);
      assert.equal(
        compiled.migrations.map((migration) => migration.name),
        source.map((migration) => migration.name),
      );
      for (const migration of compiled.migrations) {
        const instance = new (migration.class as new (...args: never[]) => object)();
        assert.type((instance as { up?: unknown }).up, 'function', migration.name);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test.run();
