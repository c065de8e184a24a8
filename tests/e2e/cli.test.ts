import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { callRaw, rawClient } from '../helpers/grpc-client.ts';
import { ROOT, runTs, tempDir, watch } from '../helpers/process.ts';
import { startServer } from '../helpers/server.ts';

function holdPort(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ server, port: typeof address === 'object' && address ? address.port : 0 });
    });
  });
}

test('bad configuration: every bad variable is reported by name, exit 2, no port opened', async () => {
  // Hold the ports the server would use: if it tried to listen it would fail differently.
  const grpc = await holdPort();
  const http = await holdPort();
  const run = runTs('src/main.ts', ['serve'], {
    env: {
      HCS_HOST: '127.0.0.1',
      HCS_GRPC_PORT: String(grpc.port),
      HCS_HTTP_PORT: String(http.port),
      HCS_LOG_LEVEL: 'chatty',
      HCS_ENV: 'staging',
      HCS_DATABASE_URL: 'mysql://db/hcs',
      HCS_SHUTDOWN_TIMEOUT_MS: 'soon',
    },
  });
  const code = await run.exited;
  grpc.server.close();
  http.server.close();
  assert.is(code, 2);
  const stderr = run.stderr.join('\n');
  for (const name of ['HCS_LOG_LEVEL', 'HCS_ENV', 'HCS_DATABASE_URL', 'HCS_SHUTDOWN_TIMEOUT_MS']) {
    assert.match(stderr, name);
  }
  assert.match(stderr, 'expected one of');
  assert.not.match(stderr, 'EADDRINUSE');
  assert.is(run.stdout.filter((line) => line.includes('serving')).length, 0);
});

test('production with a weak secret refuses to start with exit 2', async () => {
  const run = runTs('src/main.ts', ['serve'], { env: { HCS_ENV: 'production', HCS_SECRET_KEY: 'changeme' } });
  assert.is(await run.exited, 2);
  assert.match(run.stderr.join('\n'), 'HCS_SECRET_KEY');
});

test('SIGTERM during an in-flight call lets it finish, then exits 0', async () => {
  const server = await startServer({ script: 'tests/fixtures/slow-serve.ts', args: [] });
  const slowPath = String(server.logLines().find((line) => line.msg === 'slow method')?.slowPath);
  const client = rawClient(server.grpcTarget, await server.adminToken());
  const call = callRaw(client, slowPath);
  await new Promise((resolve) => setTimeout(resolve, 300));
  server.child.kill('SIGTERM');
  const { error } = await call;
  assert.is(error, undefined, `the in-flight call should succeed, got ${error?.message}`);
  assert.is(await server.exited, 0);
  const messages = server.logLines().map((line) => line.msg);
  assert.ok(messages.includes('shutting down: draining in-flight calls'));
  assert.ok(messages.includes('hcs stopped'));
  client.close();
});

test('hcs health exits 0 against a serving server and 1 when nothing listens', async () => {
  const server = await startServer();
  const ok = runTs('src/main.ts', ['health', '--target', server.grpcTarget]);
  assert.is(await ok.exited, 0);
  assert.is(ok.stdout[0], 'SERVING');
  const viaEnv = runTs('src/main.ts', ['health'], { env: { HCS_GRPC_PORT: String(server.grpcPort) } });
  assert.is(await viaEnv.exited, 0);
  assert.is(await server.stop(), 0);
  const down = runTs('src/main.ts', ['health', '--target', server.grpcTarget, '--timeout', '1000']);
  assert.is(await down.exited, 1);
  assert.match(down.stderr.join('\n'), server.grpcTarget);
});

test('SIGINT stops the server cleanly too', async () => {
  const server = await startServer();
  assert.is(await server.stop('SIGINT'), 0);
});

const helps: [string[], RegExp][] = [
  [['--help'], /Usage: hcs <command>/],
  [['serve', '--help'], /Usage: hcs serve/],
  [['health', '--help'], /Usage: hcs health/],
  [['help', 'health'], /Usage: hcs health/],
];

for (const [args, expected] of helps) {
  test(`hcs ${args.join(' ')} prints help and exits 0`, async () => {
    const run = runTs('src/main.ts', args);
    assert.is(await run.exited, 0);
    assert.match(run.stdout.join('\n'), expected);
  });
}

test('an unknown command or option is a usage error with exit 2', async () => {
  const unknown = runTs('src/main.ts', ['frobnicate']);
  assert.is(await unknown.exited, 2);
  assert.match(unknown.stderr.join('\n'), 'unknown command "frobnicate"');
  const badOption = runTs('src/main.ts', ['health', '--bogus']);
  assert.is(await badOption.exited, 2);
});

test('npm start serves with nothing but the defaults (ports chosen freely here)', async () => {
  const child = spawn('npm', ['start', '--silent'], {
    cwd: ROOT,
    env: {
      ...withoutHcsVariables(process.env),
      HCS_HOST: '127.0.0.1',
      HCS_GRPC_PORT: '0',
      HCS_HTTP_PORT: '0',
      HCS_DATA_DIR: tempDir('hcs-data-'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const running = watch(child);
  const serving = await running.waitForLog((line) => line.msg === 'hcs is serving');
  const health = runTs('src/main.ts', ['health', '--target', `127.0.0.1:${serving.grpcPort}`]);
  assert.is(await health.exited, 0);
  // Signal the server itself, as a process supervisor would; npm then exits with its status.
  process.kill(Number(serving.pid), 'SIGTERM');
  assert.is(await running.exited, 0);
  assert.ok(running.logLines().some((line) => line.msg === 'hcs stopped'));
});

function withoutHcsVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('HCS_')));
}

test.run();
