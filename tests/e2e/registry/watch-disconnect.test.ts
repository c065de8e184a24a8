import { request as httpRequest } from 'node:http';
import { status } from '@grpc/grpc-js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InstanceEventType, RegistryServiceService } from '../../../src/gen/hcs/v1/registry.ts';
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
let token: string;

test.before(async () => {
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
  token = await app.adminToken();
  client = registryClient(app.grpcTarget, token);
  await client.register({ parent: 'services/watched', instanceId: 'w1', instance: httpInstance(9001) });
});

test.after(async () => {
  client?.close();
  await app?.close();
});

// The timers that keep this process alive (unref'd ones are not listed).
const liveTimers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;

// A progress interval longer than the test: a watch's timer that outlived its stream would
// still be pending when the count is read.
const PROGRESS = '60s';
const N = 4;

/** An HTTP watch read until SYNCED; `close()` destroys the connection as a client going away does. */
async function httpWatch(accept: string) {
  const url = new URL(`${app.httpBase}/api/v1/services/watched/instances:watch?progressInterval=${PROGRESS}`);
  return new Promise<{ close(): void }>((resolve, reject) => {
    const req = httpRequest(url, { headers: { authorization: `Bearer ${token}`, accept } }, (response) => {
      if (response.statusCode !== 200) reject(new Error(`watch over HTTP answered ${response.statusCode}`));
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        text += chunk;
        if (text.includes('INSTANCE_EVENT_TYPE_SYNCED')) resolve({ close: () => req.destroy() });
      });
      response.on('error', () => undefined);
    });
    req.on('error', () => undefined);
    req.end();
  });
}

test('watches whose callers went away free their subscriptions and timers (gRPC cancel, NDJSON and SSE closed)', async () => {
  const baselineWatches = registry.openWatches();
  const baselineTimers = liveTimers();
  const grpcWatches = Array.from({ length: N }, () =>
    client.watch({ parent: 'services/watched', progressInterval: { seconds: '60', nanos: 0 } }),
  );
  for (const watch of grpcWatches) {
    await eventually(
      () => watch.events.some((e) => e.eventType === InstanceEventType.INSTANCE_EVENT_TYPE_SYNCED),
      'SYNCED over gRPC',
    );
  }
  const httpWatches = [];
  for (let i = 0; i < N; i++) {
    httpWatches.push(await httpWatch('application/x-ndjson'), await httpWatch('text/event-stream'));
  }
  assert.is(registry.openWatches(), baselineWatches + 3 * N, 'every watch holds a subscription');
  assert.ok(liveTimers() >= baselineTimers + 3 * N, 'every watch has its progress timer');

  for (const watch of grpcWatches) watch.cancel();
  for (const watch of httpWatches) watch.close();
  await eventually(() => registry.openWatches() === baselineWatches, 'the subscriptions to be dropped');
  await eventually(() => liveTimers() <= baselineTimers, 'the progress timers to be cleared');
  for (const watch of grpcWatches) assert.is((await watch.ended)?.code, status.CANCELLED);
});

test.run();
