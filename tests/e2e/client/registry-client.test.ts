import { type ServiceError, status } from '@grpc/grpc-js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  createRegistryClient,
  HealthState,
  type LiveEndpoints,
  type RegistryClient,
  type RegistryEndpoint,
  registerAndKeepAlive,
  roundRobin,
  watchEndpoints,
} from '../../../src/client/index.ts';
import { TEST_CHANNEL_OPTIONS } from '../../helpers/channel-options.ts';
import { tempDir } from '../../helpers/process.ts';
import { freePort } from '../../helpers/redis.ts';
import { eventually, FAST_REGISTRY_ENV } from '../../helpers/registry.ts';
import { type ServerProcess, startServer } from '../../helpers/server.ts';

const API_KEY = 'client-test-api-key-0123456789abcdef';
let env: Record<string, string>;
let server: ServerProcess;
let client: RegistryClient;
let live: LiveEndpoints;
const synced: string[] = [];

// A real `hcs serve` on fixed ports, so the clients find it again after a restart.
const startHcs = async (dataDir: string) => {
  server = await startServer({ env: { ...env, HCS_DATA_DIR: dataDir } });
};

test.before(async () => {
  env = {
    ...FAST_REGISTRY_ENV,
    HCS_GRPC_PORT: String(await freePort()),
    HCS_HTTP_PORT: String(await freePort()),
    HCS_SERVICE_API_KEYS: API_KEY,
    HCS_SHUTDOWN_TIMEOUT_MS: '500',
  };
  await startHcs(tempDir('hcs-data-'));
  client = createRegistryClient({
    target: server.grpcTarget,
    apiKey: API_KEY,
    channelOptions: {
      ...TEST_CHANNEL_OPTIONS,
      'grpc.initial_reconnect_backoff_ms': 100,
      'grpc.max_reconnect_backoff_ms': 500,
    },
  });
});

test.after(async () => {
  live?.close();
  client?.close();
  await server?.stop();
});

const ids = (list: readonly { instanceId: string }[]) => list.map((e) => e.instanceId).join();
const ttl = (ms: number) => ({ seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1e6 });
const instance = (grpcPort: number | undefined, httpPort: number | undefined) => ({
  ...(grpcPort === undefined ? {} : { grpcAddress: { host: '127.0.0.1', port: grpcPort } }),
  ...(httpPort === undefined ? {} : { httpAddress: { host: '127.0.0.1', port: httpPort } }),
  leaseTtl: ttl(60_000),
});
/** Registers, retrying while the channel reconnects to a restarted server. */
const registerSoon = (instanceId: string, body: ReturnType<typeof instance>) =>
  eventually(
    () =>
      client.register({ parent: 'services/echo', instanceId, instance: body }).then(
        () => true,
        (error: ServiceError) => (error.code === status.UNAVAILABLE ? false : Promise.reject(error)),
      ),
    `registering ${instanceId}`,
  );

test('resolve and the live endpoint list follow registrations, health and deregistrations', async () => {
  await client.register({ parent: 'services/echo', instanceId: 'a1', instance: instance(7001, 7101) });
  await client.register({ parent: 'services/echo', instanceId: 'a2', instance: instance(undefined, 7102) });
  const resolved = await client.resolve('echo');
  assert.equal(resolved.map((e) => [e.instanceId, e.grpcTarget, e.httpBaseUrl]).sort(), [
    ['a1', '127.0.0.1:7001', 'http://127.0.0.1:7101'],
    ['a2', undefined, 'http://127.0.0.1:7102'],
  ]);

  live = watchEndpoints(client, 'echo', {
    retryInitialMs: 50,
    retryMaxMs: 500,
    onSynced: (how) => synced.push(how),
  });
  await live.ready;
  assert.is(ids(live.current()), 'a1,a2');
  await client.register({ parent: 'services/echo', instanceId: 'a3', instance: instance(7003, undefined) });
  await eventually(() => ids(live.current()) === 'a1,a2,a3', 'a3 to join');
  await client.deregister({ name: 'services/echo/instances/a1' });
  await eventually(() => ids(live.current()) === 'a2,a3', 'a1 to leave');
  const name = 'services/echo/instances/a3';
  await client.setHealth({ name, healthState: HealthState.HEALTH_STATE_DRAINING, healthReason: 'deploy' });
  await eventually(() => ids(live.current()) === 'a2', 'the draining a3 to leave');
  await client.setHealth({ name, healthState: HealthState.HEALTH_STATE_HEALTHY });
  await eventually(() => ids(live.current()) === 'a2,a3', 'a3 back once healthy');
  assert.equal(synced, ['snapshot']);
});

test('round robin hands out each endpoint in turn, only those with the address asked for', async () => {
  const endpoint = (id: string, grpc: string | undefined, http: string | undefined) =>
    ({ instanceId: id, name: id, grpcTarget: grpc, httpBaseUrl: http }) as RegistryEndpoint;
  let list = [
    endpoint('x', 'h:1', 'http://h:1'),
    endpoint('y', undefined, 'http://h:2'),
    endpoint('z', 'h:3', undefined),
  ];
  const http = roundRobin(() => list, { address: 'http' });
  const grpc = roundRobin(() => list, { address: 'grpc' });
  assert.equal([http.next(), http.next(), http.next()], ['http://h:1', 'http://h:2', 'http://h:1']);
  assert.equal([grpc.next(), grpc.next(), grpc.next()], ['h:1', 'h:3', 'h:1']);
  list = [endpoint('z', 'h:3', undefined)];
  assert.equal([grpc.next(), grpc.next()], ['h:3', 'h:3'], 'a departed endpoint is never handed out');
  assert.is(http.next(), undefined, 'none with an HTTP address');
  // Over the live list of the service.
  const live2 = roundRobin(live, { address: 'http' });
  assert.equal([live2.next(), live2.next()], ['http://127.0.0.1:7102', 'http://127.0.0.1:7102']);
});

test('keep-alive renews a lease past its ttl, and close deregisters', async () => {
  const kept = await registerAndKeepAlive(client, {
    service: 'kept',
    instanceId: 'k1',
    // A lease of a second, renewed every third of one: only a stall of two thirds of a second
    // (not a loaded host's usual hundred milliseconds) could let it lapse between two renewals.
    instance: { httpAddress: { host: '127.0.0.1', port: 7201 }, leaseTtl: ttl(1000) },
  });
  assert.is(kept.name, 'services/kept/instances/k1');
  const firstExpiry = kept.instance().leaseExpireTime?.getTime() ?? 0;
  const watched = watchEndpoints(client, 'kept', { healthStates: [] as HealthState[] });
  const states: string[] = [];
  watched.onChange((list) => states.push(list.map((e) => HealthState[e.instance.healthState]).join()));
  await watched.ready;
  // Three lease times and more: without renewals the sweep (every 100 ms) would have expired it.
  await eventually(() => Date.now() > firstExpiry + 2000, 'three lease times');
  assert.ok((kept.instance().leaseExpireTime?.getTime() ?? 0) > Date.now(), 'the lease runs');
  assert.is(ids(await client.resolve('kept')), 'k1');
  assert.not.ok(
    states.some((s) => s.includes('UNHEALTHY')),
    `never expired: ${states.join(' | ')}`,
  );

  await kept.close();
  assert.is(ids(await client.resolve('kept')), '');
  await eventually(() => watched.current().length === 0, 'the watcher to see it leave');
  watched.close();
});

test('the live list survives a restart of the server, resuming from its last token', async () => {
  await server.stop();
  await startHcs(server.dataDir);
  await registerSoon('a4', instance(7004, undefined));
  await eventually(() => ids(live.current()) === 'a2,a3,a4', 'a4 after the restart');
  assert.equal(synced, ['snapshot', 'resume']);
});

test('a server whose history does not hold the token makes the list start over from a snapshot', async () => {
  await server.stop();
  // A new, empty database: a2..a4 are gone, and the old token is beyond its history (OUT_OF_RANGE).
  await startHcs(tempDir('hcs-data-'));
  await registerSoon('b1', instance(7005, undefined));
  await eventually(() => ids(live.current()) === 'b1', 'only b1 after the re-snapshot');
  assert.equal(synced, ['snapshot', 'resume', 'snapshot']);
});

test.run();
