import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { MigrationObject } from '@mikro-orm/core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { bundleServer } from '../../../../scripts/bundle-server.ts';
import { loadMigrations, MIGRATIONS_DIR } from '../../../../src/platform/db/index.ts';

const test = suite('migrations bundled by the build');
// Inside the project, so the bundle resolves the packages it leaves out as dist/ does.
const root = join(MIGRATIONS_DIR, '..');
let dir = '';

test.before(async () => {
  dir = mkdtempSync(join(root, '.bundled-server-'));
  await bundleServer(root, dir);
});

test.after(() => {
  rmSync(dir, { recursive: true, force: true });
});

for (const dialect of ['sqlite', 'postgresql'] as const) {
  test(`${dialect}: the bundled migrations are the TypeScript ones, in the same order, runnable`, async () => {
    const bundled = (await import(pathToFileURL(join(dir, 'migrations', dialect, 'index.js')).href)) as {
      migrations: MigrationObject[];
    };
    const source = await loadMigrations(dialect, MIGRATIONS_DIR);
    assert.ok(source.length > 0);
    assert.equal(
      bundled.migrations.map((migration) => migration.name),
      source.map((migration) => migration.name),
    );
    for (const migration of bundled.migrations) {
      const instance = new (migration.class as new (...args: never[]) => object)();
      assert.type((instance as { up?: unknown }).up, 'function', migration.name);
    }
  });
}

test.run();
