import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Imports a module of the compiled build (`dist/`, made by `npm run build`), typed as its source
 * (`loadCompiled<typeof import('../src/app.ts')>('app.js')`). Benchmarks that run hcs in their own
 * process use it so they measure the code production runs: under tsx, the source gets a naming
 * helper wrapped around every function it creates, a per-call cost production does not pay.
 */
export async function loadCompiled<T>(path: string): Promise<T> {
  const url = new URL(`../dist/${path}`, import.meta.url);
  if (!existsSync(fileURLToPath(url))) {
    throw new Error(`dist/${path} is missing: run \`npm run build\` first`);
  }
  return (await import(url.href)) as T;
}
