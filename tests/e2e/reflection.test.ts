import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fromBinary } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';
import { credentials, status as GrpcStatus } from '@grpc/grpc-js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  ServerReflectionClient,
  type ServerReflectionResponse,
} from '../../src/gen/grpc/reflection/v1alpha/reflection.ts';
import { loadContract } from '../../src/transport/rpc/index.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { TEST_CHANNEL_OPTIONS } from '../helpers/channel-options.ts';
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

test('reflection v1alpha, which grpcurl asks first, lists services and sends files with their imports', async () => {
  const client = new ServerReflectionClient(
    server.grpcTarget,
    credentials.createInsecure(),
    TEST_CHANNEL_OPTIONS,
  );
  const call = client.serverReflectionInfo();
  const answers: ServerReflectionResponse[] = [];
  const done = new Promise<void>((resolve, reject) => {
    call.on('data', (answer: ServerReflectionResponse) => answers.push(answer));
    call.on('end', resolve);
    call.on('error', reject);
  });
  call.write({ host: '', listServices: '*' });
  call.write({ host: '', fileContainingSymbol: 'hcs.v1.AuthService' });
  call.write({ host: '', fileContainingSymbol: 'hcs.v1.NoSuchThing' });
  call.end();
  await done;
  client.close();
  assert.is(answers.length, 3);
  const services = answers[0]?.listServicesResponse?.service.map((service) => service.name) ?? [];
  assert.ok(services.includes('hcs.v1.AuthService'), services.join(','));
  const files = (answers[1]?.fileDescriptorResponse?.fileDescriptorProto ?? []).map(
    (bytes) => fromBinary(FileDescriptorProtoSchema, bytes).name,
  );
  assert.ok(files.includes('hcs/v1/auth.proto'), files.join(','));
  assert.ok(files.includes('hcs/v1/common.proto'), files.join(','));
  assert.is(answers[2]?.errorResponse?.errorCode, GrpcStatus.NOT_FOUND);
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
  // GetDevice with no name: the typed error is INVALID_ARGUMENT naming the field.
  const method = contract.methods.find(
    (m) => m.service === 'hcs.v1.DeviceService' && m.method === 'GetDevice',
  );
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
  assert.is(error.code, 'invalid_argument');
  assert.match(error.message, 'name must be devices/{id}');
  assert.ok(
    error.details?.some((detail) => detail.type === 'google.rpc.ErrorInfo'),
    stderr,
  );
});

test.run();
