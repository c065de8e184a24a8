/**
 * `npm run generate`: TypeScript types and grpc-js definitions (ts-proto, via buf) and the
 * descriptor set the server reads at run time (reflection, policies, HTTP rules), all into
 * src/gen/. The output is committed; CI regenerates it and fails on any difference.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { copyProtoDeps } from './proto-deps.ts';

const root = process.cwd();
const bin = join(root, 'node_modules', '.bin');
const env = { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` };

copyProtoDeps(root);
execFileSync('buf', ['generate'], { cwd: root, env, stdio: 'inherit' });
execFileSync('buf', ['build', '--output', 'src/gen/hcs.binpb'], { cwd: root, env, stdio: 'inherit' });
