/**
 * Creates the next migration of every dialect from the difference between the entities and the
 * schema the existing migrations build, then rewrites each `migrations/<dialect>/index.ts`.
 *
 *   node --import tsx migrations/create.ts [name]
 *
 * Works on scratch databases: a temporary SQLite file, and a database it creates and drops on the
 * PostgreSQL at 127.0.0.1:5432 (trust auth, user postgres, database `test`), which it needs. Review the generated
 * SQL before committing: the generator cannot tell a rename from a drop and an add.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { entities } from '../mikro-orm.config.ts';
import { createDatabase, type Dialect, loadMigrations, MIGRATIONS_DIR } from '../src/platform/db/index.ts';
import { createLogger } from '../src/platform/log/index.ts';
import { createTestPostgresDatabase } from '../tests/helpers/postgres.ts';

const name = process.argv[2];
const logger = createLogger({ level: 'warn' });

async function createFor(dialect: Dialect, databaseUrl: string | undefined, dataDir: string): Promise<void> {
  const migrations = await loadMigrations(dialect);
  const db = await createDatabase({ config: { databaseUrl, dataDir }, logger, entities, migrations });
  try {
    await db.migrate.up();
    const result = await db.orm.migrator.create(join(MIGRATIONS_DIR, dialect), false, false, name);
    if (result.diff.up.length === 0) console.log(`${dialect}: no schema changes`);
    else console.log(`${dialect}: created migrations/${dialect}/${result.fileName}`);
  } finally {
    await db.close();
  }
  writeIndex(dialect);
}

/** Rewrites `migrations/<dialect>/index.ts` to list every migration file of the folder, by name order. */
function writeIndex(dialect: Dialect): void {
  const dir = join(MIGRATIONS_DIR, dialect);
  const files = readdirSync(dir)
    .filter((file) => /^Migration\d+.*\.ts$/.test(file))
    .sort();
  const classes = files.map((file) => file.replace(/\.ts$/, ''));
  const imports = classes.map((cls) => `import { ${cls} } from './${cls}.ts';`);
  const entries = classes.map((cls) => `  { name: '${cls}', class: ${cls} },`);
  const source = [
    "import type { MigrationObject } from '@mikro-orm/core';",
    ...imports,
    '',
    '/** Every migration of this dialect, oldest first. Maintained by `migrations/create.ts`. */',
    'export const migrations: MigrationObject[] = [',
    ...entries,
    '];',
    '',
  ].join('\n');
  writeFileSync(join(dir, 'index.ts'), source.replace('= [\n];', '= [];'));
}

const scratch = mkdtempSync(join(tmpdir(), 'hcs-migration-'));
try {
  await createFor('sqlite', undefined, scratch);
  const pg = await createTestPostgresDatabase();
  try {
    await createFor('postgresql', pg.url, scratch);
  } finally {
    await pg.drop();
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
// Generated files follow the repository's formatting, so `biome ci` stays clean.
execFileSync(
  join(MIGRATIONS_DIR, '..', 'node_modules', '.bin', 'biome'),
  ['format', '--write', MIGRATIONS_DIR],
  {
    stdio: 'inherit',
  },
);
