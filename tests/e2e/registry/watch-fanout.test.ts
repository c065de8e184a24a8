import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { HealthState } from '../../../src/gen/hcs/v1/registry.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import {
  changesOf,
  eventually,
  FAST_REGISTRY_ENV,
  httpInstance,
  isSynced,
  registryClient,
} from '../../helpers/registry.ts';

let app: TestApp;
let client: ReturnType<typeof registryClient>;
let token: string;

test.before(async () => {
  app = await startTestApp({ env: FAST_REGISTRY_ENV });
  token = app.mintToken({ subject: 'apiKeys/fan', roles: ['service'], scopes: ['*'] });
  client = registryClient(app.grpcTarget, token);
});

test.after(async () => {
  client?.close();
  await app?.close();
});

test('watchers with different filters, several sharing each, each get exactly the changes they select', async () => {
  const filters = {
    service: { parent: 'services/fan-a' },
    tagged: { parent: 'services/fan-a', tags: ['edge'] },
    healthy: { parent: 'services/-', healthStates: [HealthState.HEALTH_STATE_HEALTHY] },
    other: { parent: 'services/fan-b' },
  };
  const watches = Object.entries(filters).flatMap(([name, filter]) =>
    Array.from({ length: 3 }, () => ({ name, watch: client.watch(filter) })),
  );
  await eventually(() => watches.every(({ watch }) => isSynced(watch.events)), 'every watch SYNCED');
  await client.register({ parent: 'services/fan-a', instanceId: 'plain', instance: httpInstance(1) });
  await client.register({
    parent: 'services/fan-a',
    instanceId: 'edge',
    instance: httpInstance(2, { tags: ['edge'] }),
  });
  await client.register({ parent: 'services/fan-b', instanceId: 'b', instance: httpInstance(3) });
  await client.setHealth({
    name: 'services/fan-a/instances/edge',
    healthState: HealthState.HEALTH_STATE_DRAINING,
  });
  await client.setHealth({
    name: 'services/fan-a/instances/edge',
    healthState: HealthState.HEALTH_STATE_UNHEALTHY,
  });
  await client.deregister({ name: 'services/fan-b/instances/b' });
  // The last change every filter except `tagged` selects: after it, nothing more is on its way.
  await client.register({ parent: 'services/fan-b', instanceId: 'end', instance: httpInstance(4) });
  await client.register({
    parent: 'services/fan-a',
    instanceId: 'end',
    instance: httpInstance(4, { tags: ['edge'] }),
  });
  await eventually(
    () => watches.every(({ watch }) => changesOf(watch.events).some((c) => c.endsWith(' end'))),
    'every watch has its last change',
  );
  const expected: Record<string, string[]> = {
    service: ['ADDED plain', 'ADDED edge', 'MODIFIED edge', 'MODIFIED edge', 'ADDED end'],
    tagged: ['ADDED edge', 'MODIFIED edge', 'MODIFIED edge', 'ADDED end'],
    // Seen leaving (HEALTHY → DRAINING), then no more while it is not healthy.
    healthy: ['ADDED plain', 'ADDED edge', 'ADDED b', 'MODIFIED edge', 'REMOVED b', 'ADDED end', 'ADDED end'],
    other: ['ADDED b', 'REMOVED b', 'ADDED end'],
  };
  for (const { name, watch } of watches) assert.equal(changesOf(watch.events), expected[name], name);
  // One change is one event: watchers sharing it get the same resume token and content.
  const tokensOf = (name: string) =>
    watches
      .filter((w) => w.name === name)
      .map(({ watch }) => watch.events.slice(1).map((e) => e.resumeToken));
  for (const name of Object.keys(filters)) {
    const [first, ...rest] = tokensOf(name);
    for (const tokens of rest) assert.equal(tokens, first, name);
  }
  for (const { watch } of watches) watch.cancel();
});

test('a watcher that stops reading does not hold back the others', async () => {
  // Its own connection, as a slow client has: it stops reading, so the server's writes to it
  // wait for back-pressure while every other stream goes on.
  const slowClient = registryClient(app.grpcTarget, token);
  const slow = slowClient.watch({ parent: 'services/fan-slow' });
  const fast = client.watch({ parent: 'services/fan-slow' });
  await eventually(() => isSynced(slow.events) && isSynced(fast.events), 'both SYNCED');
  slow.pause();
  // Changes large enough to fill the slow stream's flow-control window and socket buffers.
  const metadata = Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`k${i}`, 'x'.repeat(1000)]));
  const count = 120;
  for (let i = 0; i < count; i++) {
    await client.register({
      parent: 'services/fan-slow',
      instanceId: `i${i}`,
      instance: httpInstance(5000, { metadata }),
    });
  }
  await eventually(() => changesOf(fast.events).length === count, 'the fast watch has every change');
  assert.ok(
    changesOf(slow.events).length < count,
    `the paused watch got ${changesOf(slow.events).length} of ${count}: it was never slow`,
  );
  slow.resume();
  await eventually(() => changesOf(slow.events).length === count, 'the slow watch catches up once it reads');
  assert.equal(changesOf(slow.events), changesOf(fast.events));
  slow.cancel();
  fast.cancel();
  slowClient.close();
});

test.run();
