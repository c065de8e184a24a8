/**
 * `npm run build`: compiles src/ to dist/ for production and copies the descriptor set the
 * server reads at run time next to the compiled code.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = process.cwd();
rmSync(join(root, 'dist'), { recursive: true, force: true });
execFileSync(join(root, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json'], {
  cwd: root,
  stdio: 'inherit',
});
cpSync(join(root, 'src', 'gen', 'hcs.binpb'), join(root, 'dist', 'gen', 'hcs.binpb'));
chmodSync(join(root, 'dist', 'main.js'), 0o755);
