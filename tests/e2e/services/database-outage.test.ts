import type { AddressInfo } from 'node:net';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { AuthServiceService, ListUsersRequest } from '../../../src/gen/hcs/v1/auth.ts';
import { Code } from '../../../src/platform/errors/index.ts';
import { startTestApp, TEST_ADMIN, type TestApp } from '../../helpers/app.ts';
import { callRaw, rawClient, statusDetails } from '../../helpers/grpc-client.ts';
import {
  createTestPostgresDatabase,
  postgresSuitesEnabled,
  type TestPostgresDatabase,
} from '../../helpers/postgres.ts';

/** A TCP relay to PostgreSQL that can be cut: the database "goes away" under a running hcs. */
async function startRelay(): Promise<{ port: number; cut(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(5432, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    async cut() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

if (await postgresSuitesEnabled('database outage')) {
  const test = suite('a database outage during a call');
  let database: TestPostgresDatabase;
  let app: TestApp;
  let token: string;
  let relay: Awaited<ReturnType<typeof startRelay>>;

  test.before(async () => {
    database = await createTestPostgresDatabase();
    relay = await startRelay();
    app = await startTestApp({
      env: {
        HCS_DATABASE_URL: `postgres://postgres@127.0.0.1:${relay.port}/${database.name}`,
        HCS_AUTO_MIGRATE: 'true',
        HCS_SECRET_KEY: 'a-test-secret-that-is-long-enough-for-hs256',
      },
    });
    token = await app.adminToken();
  });

  test.after(async () => {
    await app.close();
    await database.drop();
  });

  test('reads work while the database is there', async () => {
    const { error } = await callRaw(
      rawClient(app.grpcTarget, token),
      AuthServiceService.listUsers.path,
      Buffer.from(ListUsersRequest.encode({ pageSize: 10, pageToken: '', filter: '', orderBy: '' }).finish()),
    );
    assert.not.ok(error);
  });

  test('every AuthService method answers UNAVAILABLE or a client error, never INTERNAL', async () => {
    await relay.cut();
    const client = rawClient(app.grpcTarget, token);
    const unavailable: string[] = [];
    for (const method of Object.values(AuthServiceService)) {
      const { error } = await callRaw(client, method.path);
      assert.is.not(error?.code, Code.INTERNAL, `${method.path}: ${error?.details}`);
      if (error?.code === Code.UNAVAILABLE) {
        unavailable.push(method.path);
        assert.is(statusDetails(error)?.errorInfo?.reason, 'DATABASE_UNAVAILABLE', method.path);
      }
    }
    // The methods that read the database with an empty request reach it, and say why they fail.
    for (const path of [
      AuthServiceService.listUsers.path,
      AuthServiceService.listApiKeys.path,
      AuthServiceService.listSecurityEvents.path,
    ]) {
      assert.ok(unavailable.includes(path), `${path} is UNAVAILABLE, got only ${unavailable.join(', ')}`);
    }
  });

  test('over REST the same failure is 503 with Retry-After, for a sign-in too', async () => {
    const users = await fetch(`${app.httpBase}/api/v1/users`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.is(users.status, 503);
    assert.is(users.headers.get('retry-after'), '1');
    const signIn = await fetch(`${app.httpBase}/api/v1/auth/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'password', ...TEST_ADMIN }),
    });
    assert.is(signIn.status, 503);
    assert.is(((await signIn.json()) as { error: string }).error, 'temporarily_unavailable');
  });

  test.run();
}
