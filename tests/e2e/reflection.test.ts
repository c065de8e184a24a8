import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadContract } from '../../src/transport/rpc/index.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { ROOT } from '../helpers/process.ts';

const run = promisify(execFile);
const BUF = join(ROOT, 'node_modules', '.bin', 'buf');
const contract = loadContract();
let server: TestApp;

/** `buf curl` over plain-text HTTP/2 gRPC with reflection, as a person debugging hcs would. */
async function bufCurl(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(
      BUF,
      ['curl', '--protocol', 'grpc', '--http2-prior-knowledge', ...args],
      { timeout: 30_000 },
    );
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failure = error as { stdout: string; stderr: string; code: number };
    return { stdout: failure.stdout, stderr: failure.stderr, code: failure.code };
  }
}

test.before(async () => {
  server = await startTestApp();
});

test.after(async () => {
  await server?.close();
});

test('reflection lists the five hcs services, health and reflection itself', async () => {
  const { stdout, code, stderr } = await bufCurl(['--list-services', `http://${server.grpcTarget}`]);
  assert.is(code, 0, stderr);
  const services = stdout.trim().split('\n').sort();
  for (const name of [
    'grpc.health.v1.Health',
    'grpc.reflection.v1.ServerReflection',
    'grpc.reflection.v1alpha.ServerReflection',
    'hcs.v1.AnalyticsService',
    'hcs.v1.AuthService',
    'hcs.v1.DeviceService',
    'hcs.v1.RegistryService',
    'hcs.v1.SystemService',
  ]) {
    assert.ok(services.includes(name), `${name} in ${stdout}`);
  }
});

test('reflection lists every method of the contract', async () => {
  const { stdout, code, stderr } = await bufCurl(['--list-methods', `http://${server.grpcTarget}`]);
  assert.is(code, 0, stderr);
  const listed = new Set(stdout.trim().split('\n'));
  for (const method of contract.methods) {
    assert.ok(listed.has(`${method.service}/${method.method}`), `${method.path} listed`);
  }
});

test('a client with no proto files calls health through reflection', async () => {
  const { stdout, code, stderr } = await bufCurl([
    '--data',
    '{}',
    `http://${server.grpcTarget}/grpc.health.v1.Health/Check`,
  ]);
  assert.is(code, 0, stderr);
  assert.equal(JSON.parse(stdout), { status: 'SERVING' });
});

test('a client with no proto files calls an hcs method through reflection and sees the typed error', async () => {
  // A method of a service not built yet, so the typed error is UNIMPLEMENTED.
  const method = contract.methods.find((m) => m.kind === 'unary' && m.service !== 'hcs.v1.AuthService');
  assert.ok(method);
  const { stderr, code } = await bufCurl([
    '--header',
    `authorization: Bearer ${await server.adminToken()}`,
    '--data',
    '{}',
    `http://${server.grpcTarget}${method.path}`,
  ]);
  assert.is.not(code, 0);
  const error = JSON.parse(stderr) as { code: string; message: string; details?: { type: string }[] };
  assert.is(error.code, 'unimplemented');
  assert.match(error.message, method.path);
  assert.ok(
    error.details?.some((detail) => detail.type === 'google.rpc.ErrorInfo'),
    stderr,
  );
});

test.run();
