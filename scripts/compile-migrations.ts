import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2023,
  module: ts.ModuleKind.ES2022,
  verbatimModuleSyntax: true,
  rewriteRelativeImportExtensions: true,
};

/**
 * Compiles one dialect's migrations (`from/*.ts`) to ES modules in `to/`, with their relative
 * imports rewritten to `.js`; `npm run build` writes them to `dist/migrations/<dialect>/`, where
 * `loadMigrations` prefers them to the TypeScript files.
 */
export function compileMigrations(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const name of readdirSync(from).filter((file) => file.endsWith('.ts'))) {
    const { outputText } = ts.transpileModule(readFileSync(join(from, name), 'utf8'), {
      compilerOptions: COMPILER_OPTIONS,
      fileName: name,
    });
    writeFileSync(join(to, name.replace(/\.ts$/, '.js')), outputText);
  }
}
