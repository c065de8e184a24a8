import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { MigrationObject } from '@mikro-orm/core';
import { type Dialect, MIGRATIONS_DIR } from './orm-options.ts';

/**
 * The migrations of a dialect, oldest first, from `<dir>/<dialect>/index.ts` (its export
 * `migrations`). Imported at run time by path rather than statically because `migrations/` lives
 * outside `src/` (the compiled build has `src/` as its root); Node 24 loads the TypeScript
 * migration files directly (type stripping), tsx does in development.
 */
export async function loadMigrations(
  dialect: Dialect,
  dir: string = MIGRATIONS_DIR,
): Promise<MigrationObject[]> {
  const file = join(dir, dialect, 'index.ts');
  const module = (await import(pathToFileURL(file).href)) as { migrations?: unknown };
  if (!Array.isArray(module.migrations)) throw new Error(`${file} does not export a "migrations" array`);
  return module.migrations as MigrationObject[];
}
