/**
 * Copies the third-party protos into `.proto-deps/`, the second buf module: the Google protos
 * our contracts import (google-proto-files), and the health and reflection protos of the
 * services grpc-js serves beside ours (so reflection can describe them with exact, buf-built
 * descriptors). Copying keeps buf working offline and the versions pinned by package-lock.json.
 */
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The files the contracts import, or the generated code needs (google.rpc error details). */
export const GOOGLE_PROTOS = [
  'google/api/annotations.proto',
  'google/api/http.proto',
  'google/api/field_behavior.proto',
  'google/api/httpbody.proto',
  'google/rpc/status.proto',
  'google/rpc/error_details.proto',
  'google/rpc/code.proto',
];

/** Protos of the gRPC services served beside ours: package-relative source → path in the module. */
const GRPC_PROTOS: [string, string, string][] = [
  ['grpc-health-check', 'proto/health/v1/health.proto', 'grpc/health/v1/health.proto'],
  [
    '@grpc/reflection',
    'build/proto/grpc/reflection/v1/reflection.proto',
    'grpc/reflection/v1/reflection.proto',
  ],
  [
    '@grpc/reflection',
    'build/proto/grpc/reflection/v1alpha/reflection.proto',
    'grpc/reflection/v1alpha/reflection.proto',
  ],
];

export function copyProtoDeps(root: string): string {
  const require = createRequire(join(root, 'package.json'));
  const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));
  const target = join(root, '.proto-deps');
  rmSync(target, { recursive: true, force: true });
  const copy = (from: string, to: string) => {
    mkdirSync(dirname(join(target, to)), { recursive: true });
    cpSync(from, join(target, to));
  };
  for (const file of GOOGLE_PROTOS) copy(join(packageDir('google-proto-files'), file), file);
  for (const [name, from, to] of GRPC_PROTOS) copy(join(packageDir(name), from), to);
  return target;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  copyProtoDeps(process.cwd());
}
