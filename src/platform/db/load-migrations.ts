import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { MigrationObject } from '@mikro-orm/core';
import { type Dialect, MIGRATIONS_DIR } from './orm-options.ts';

/**
 * `dist/migrations`: the migrations bundled to JavaScript by `npm run build` (entries of the
 * server's bundle, so they share its MikroORM), next to the compiled code. Absent when running
 * from `src/` (tsx).
 */
export const COMPILED_MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

/**
 * The migrations of a dialect, oldest first, from `<dir>/<dialect>/index.js` when the build
 * compiled them, else `<dir>/<dialect>/index.ts` (its export `migrations`). Imported at run time
 * by path rather than statically because `migrations/` lives outside `src/` (the compiled build
 * has `src/` as its root). The compiled copy is preferred because Node 24 loading the TypeScript
 * files itself (type stripping) costs ~200 ms of CPU and ~16 MB of memory it keeps (its
 * WebAssembly transformer) at every start; tsx loads the TypeScript in development.
 * Default `dir`: {@link COMPILED_MIGRATIONS_DIR} if it holds the dialect, else `MIGRATIONS_DIR`.
 */
export async function loadMigrations(dialect: Dialect, dir?: string): Promise<MigrationObject[]> {
  const compiled = join(COMPILED_MIGRATIONS_DIR, dialect, 'index.js');
  const file =
    dir === undefined && existsSync(compiled) ? compiled : join(dir ?? MIGRATIONS_DIR, dialect, 'index.ts');
  const module = (await import(pathToFileURL(file).href)) as { migrations?: unknown };
  if (!Array.isArray(module.migrations)) throw new Error(`${file} does not export a "migrations" array`);
  return module.migrations as MigrationObject[];
}
