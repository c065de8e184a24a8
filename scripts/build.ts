/**
 * `npm run build`: compiles src/ to dist/ with tsc (the exported client and its type
 * declarations), then replaces the server's entry, `dist/main.js`, with a bundle of the server
 * and its dependencies and writes the migrations into the same bundle (`bundleServer`), and
 * copies the descriptor set the server reads at run time next to the compiled code.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { bundleServer } from './bundle-server.ts';

const root = process.cwd();
const dist = join(root, 'dist');
rmSync(dist, { recursive: true, force: true });
execFileSync(join(root, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json'], {
  cwd: root,
  stdio: 'inherit',
});
await bundleServer(root, dist);
cpSync(join(root, 'src', 'gen', 'hcs.binpb'), join(dist, 'gen', 'hcs.binpb'));
chmodSync(join(dist, 'main.js'), 0o755);
