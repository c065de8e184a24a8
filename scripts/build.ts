/**
 * `npm run build`: compiles src/ to dist/ for production, copies the descriptor set the server
 * reads at run time next to the compiled code, and compiles the migrations to
 * `dist/migrations/<dialect>/` (see `loadMigrations`: Node would otherwise strip their types at
 * every start, which costs time and memory).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { compileMigrations } from './compile-migrations.ts';

const root = process.cwd();
rmSync(join(root, 'dist'), { recursive: true, force: true });
execFileSync(join(root, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json'], {
  cwd: root,
  stdio: 'inherit',
});
cpSync(join(root, 'src', 'gen', 'hcs.binpb'), join(root, 'dist', 'gen', 'hcs.binpb'));
chmodSync(join(root, 'dist', 'main.js'), 0o755);

for (const dialect of ['sqlite', 'postgresql']) {
  compileMigrations(join(root, 'migrations', dialect), join(root, 'dist', 'migrations', dialect));
}
