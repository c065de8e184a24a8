import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server as GrpcServer, ServerCredentials } from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  HealthState,
  InstanceEventType,
  LoadBalancingPolicy,
  RegistryServiceService,
} from '../../../src/gen/hcs/v1/registry.ts';
import { defineServiceModule } from '../../../src/services/index.ts';
import {
  createRegistryService,
  REGISTRY_ENTITIES,
  type RegistryService,
} from '../../../src/services/registry/index.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { eventually, FAST_REGISTRY_ENV, httpInstance, registryClient } from '../../helpers/registry.ts';

let app: TestApp;
let registry: RegistryService;
let client: ReturnType<typeof registryClient>;
let upstream: Server;
let upstreamPort: number;
let upstreamStatus = 200;
let grpcUpstream: GrpcServer;
let grpcPort: number;
const grpcHealth = new HealthImplementation({ '': 'SERVING' });

test.before(async () => {
  upstream = createServer((request, response) => {
    response.statusCode = request.url === '/healthz' ? upstreamStatus : 404;
    response.end();
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamPort = (upstream.address() as AddressInfo).port;
  grpcUpstream = new GrpcServer();
  grpcHealth.addToServer(grpcUpstream);
  grpcPort = await new Promise<number>((resolve, reject) =>
    grpcUpstream.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, port) =>
      error ? reject(error) : resolve(port),
    ),
  );
  const module = defineServiceModule({
    name: 'registry',
    definition: RegistryServiceService,
    entities: REGISTRY_ENTITIES,
    create: (deps) => {
      registry = createRegistryService(deps);
      return registry;
    },
  });
  app = await startTestApp({ env: FAST_REGISTRY_ENV, modules: [module] });
  client = registryClient(
    app.grpcTarget,
    app.mintToken({ subject: 'apiKeys/h', roles: ['service'], scopes: ['*'] }),
  );
});

test.after(async () => {
  client?.close();
  await app?.close();
  upstream?.close();
  grpcUpstream?.forceShutdown();
});

const ms = (value: number) => ({ seconds: String(Math.floor(value / 1000)), nanos: (value % 1000) * 1e6 });

test('an HTTP check turns an instance unhealthy after its threshold of failures and healthy again', async () => {
  const watch = client.watch({ parent: 'services/checked-http' });
  await client.register({
    parent: 'services/checked-http',
    instanceId: 'h1',
    instance: httpInstance(upstreamPort, {
      healthCheck: {
        http: { path: '/healthz' },
        interval: ms(1000),
        timeout: ms(1000),
        healthyThreshold: 2,
        unhealthyThreshold: 2,
      },
    }),
  });
  const name = 'services/checked-http/instances/h1';
  upstreamStatus = 503;
  const down = await eventually(
    () => watch.events.find((e) => e.instance?.healthState === HealthState.HEALTH_STATE_UNHEALTHY),
    'the check to fail',
  );
  assert.match(down.reason, 'HTTP check failed 2 times: HTTP status 503');
  assert.is((await client.resolve({ name: 'services/checked-http' })).instances.length, 0);
  upstreamStatus = 200;
  const up = await eventually(
    () =>
      watch.events.find(
        (e) =>
          e.eventType === InstanceEventType.INSTANCE_EVENT_TYPE_MODIFIED &&
          e.instance?.healthState === HealthState.HEALTH_STATE_HEALTHY,
      ),
    'the check to pass again',
  );
  assert.match(up.reason, 'passed');
  assert.is((await client.get({ name })).instance.healthReason, '');
  watch.cancel();
});

test('a check never overrides DRAINING set by the owner', async () => {
  upstreamStatus = 503;
  await client.register({
    parent: 'services/checked-drain',
    instanceId: 'd1',
    instance: httpInstance(upstreamPort, {
      healthCheck: {
        http: { path: '/healthz' },
        interval: ms(1000),
        timeout: ms(1000),
        healthyThreshold: 1,
        unhealthyThreshold: 1,
      },
    }),
  });
  const name = 'services/checked-drain/instances/d1';
  await client.setHealth({ name, healthState: HealthState.HEALTH_STATE_DRAINING });
  await new Promise((resolve) => setTimeout(resolve, 3000));
  assert.is((await client.get({ name })).instance.healthState, HealthState.HEALTH_STATE_DRAINING);
  upstreamStatus = 200;
});

test('a grpc.health.v1 check follows the upstream serving status', async () => {
  await client.register({
    parent: 'services/checked-grpc',
    instanceId: 'g1',
    instance: {
      grpcAddress: { host: '127.0.0.1', port: grpcPort },
      healthCheck: {
        grpc: { service: '' },
        interval: ms(1000),
        timeout: ms(1000),
        healthyThreshold: 1,
        unhealthyThreshold: 1,
      },
    } as never,
  });
  const name = 'services/checked-grpc/instances/g1';
  grpcHealth.setStatus('', 'NOT_SERVING');
  const down = await eventually(async () => {
    const { instance } = await client.get({ name });
    return instance.healthState === HealthState.HEALTH_STATE_UNHEALTHY ? instance : undefined;
  }, 'NOT_SERVING to be seen');
  assert.match(down.healthReason, 'NOT_SERVING', down.healthReason);
  grpcHealth.setStatus('', 'SERVING');
  await eventually(
    async () => (await client.get({ name })).instance.healthState === HealthState.HEALTH_STATE_HEALTHY,
    'SERVING again',
  );
});

test('resolve: round robin rotates, random permutes, least recently used cycles; tags and zone filter', async () => {
  for (const [id, zone, tags] of [
    ['r1', 'a', ['x']],
    ['r2', 'a', ['x', 'y']],
    ['r3', 'b', ['y']],
  ] as const) {
    await client.register({
      parent: 'services/resolved',
      instanceId: id,
      instance: httpInstance(9000, { zone, tags: [...tags] }),
    });
  }
  const firsts = async (policy: LoadBalancingPolicy, extra = {}) => {
    const seen: string[] = [];
    for (let i = 0; i < 6; i++) {
      const { instances } = await client.resolve({
        name: 'services/resolved',
        loadBalancingPolicy: policy,
        ...extra,
      });
      seen.push(instances[0]?.instanceId ?? '');
    }
    return seen;
  };
  const rr = await firsts(LoadBalancingPolicy.LOAD_BALANCING_POLICY_ROUND_ROBIN);
  assert.equal(new Set(rr.slice(0, 3)).size, 3, `round robin: ${rr}`);
  assert.equal(rr.slice(0, 3), rr.slice(3), 'the rotation repeats');
  const lru = await firsts(LoadBalancingPolicy.LOAD_BALANCING_POLICY_LEAST_RECENTLY_USED);
  assert.equal(new Set(lru.slice(0, 3)).size, 3, `LRU: ${lru}`);
  assert.equal(lru.slice(0, 3), lru.slice(3));
  const random = await client.resolve({
    name: 'services/resolved',
    loadBalancingPolicy: LoadBalancingPolicy.LOAD_BALANCING_POLICY_RANDOM,
  });
  assert.equal(random.instances.map((i) => i.instanceId).sort(), ['r1', 'r2', 'r3']);
  const tagged = await client.resolve({ name: 'services/resolved', tags: ['x', 'y'] });
  assert.equal(
    tagged.instances.map((i) => i.instanceId),
    ['r2'],
  );
  const zoned = await client.resolve({ name: 'services/resolved', zone: 'a', maxInstances: 1 });
  assert.is(zoned.instances.length, 1);
  assert.is(zoned.instances[0]?.zone, 'a');
  assert.equal((await client.resolve({ name: 'services/nobody-home' })).instances, []);
});

test('healthyHttpEndpoints gives the proxy healthy HTTP endpoints, with the credentials opt-in, and follows changes', async () => {
  await client.register({
    parent: 'services/proxied',
    instanceId: 'p1',
    instance: httpInstance(7001, { metadata: { 'hcs.proxy.forward-credentials': 'true' } }),
  });
  await client.register({
    parent: 'services/proxied',
    instanceId: 'p2',
    instance: { httpAddress: { host: '::1', port: 7002 } } as never,
  });
  await client.register({
    parent: 'services/proxied',
    instanceId: 'p3',
    instance: { grpcAddress: { host: '127.0.0.1', port: 7003 } } as never,
  });
  assert.equal(registry.healthyHttpEndpoints('proxied'), [
    { instance: 'services/proxied/instances/p1', url: 'http://127.0.0.1:7001', forwardCredentials: true },
    { instance: 'services/proxied/instances/p2', url: 'http://[::1]:7002', forwardCredentials: false },
  ]);
  assert.is(
    registry.healthyHttpEndpoints('proxied'),
    registry.healthyHttpEndpoints('proxied'),
    'cached between changes',
  );
  await client.setHealth({
    name: 'services/proxied/instances/p1',
    healthState: HealthState.HEALTH_STATE_UNHEALTHY,
  });
  assert.equal(
    registry.healthyHttpEndpoints('proxied').map((e) => e.instance),
    ['services/proxied/instances/p2'],
  );
  assert.equal(registry.healthyHttpEndpoints('unknown'), []);
});

test.run();
