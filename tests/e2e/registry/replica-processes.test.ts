import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  InstanceEventType as Event,
  HealthState,
  InstanceRemovalReason,
} from '../../../src/gen/hcs/v1/registry.ts';
import {
  createTestPostgresDatabase,
  postgresSuitesEnabled,
  type TestPostgresDatabase,
} from '../../helpers/postgres.ts';
import { deleteKeys, REDIS_URL, redisSuitesEnabled, uniquePrefix } from '../../helpers/redis.ts';
import {
  changesOf,
  eventually,
  FAST_REGISTRY_ENV,
  httpInstance,
  isSynced,
  registryClient,
} from '../../helpers/registry.ts';
import { type ServerProcess, startServer } from '../../helpers/server.ts';

/**
 * Two `hcs serve` processes on one PostgreSQL database and one Redis key prefix, as replicas
 * run: what one writes the other resolves and streams, a lease expires once for both, and the
 * active health checks run on one of them at a time.
 */
if (
  (await postgresSuitesEnabled('registry replica processes')) &&
  (await redisSuitesEnabled('registry replica processes'))
) {
  let database: TestPostgresDatabase;
  let prefix: string;
  let a: ServerProcess;
  let b: ServerProcess;
  let onA: ReturnType<typeof registryClient>;
  let onB: ReturnType<typeof registryClient>;
  let upstream: Server | undefined;

  test.before(async () => {
    database = await createTestPostgresDatabase();
    prefix = uniquePrefix();
    const env = {
      ...FAST_REGISTRY_ENV,
      HCS_DATABASE_URL: database.url,
      HCS_REDIS_URL: REDIS_URL,
      HCS_REDIS_PREFIX: prefix,
      HCS_AUTO_MIGRATE: 'true',
      HCS_SECRET_KEY: 'registry-replica-processes-secret-0123456789',
      HCS_SHUTDOWN_TIMEOUT_MS: '500',
    };
    // One after the other: the first one migrates the empty database.
    a = await startServer({ env });
    b = await startServer({ env });
    const token = await a.adminToken();
    onA = registryClient(a.grpcTarget, token);
    onB = registryClient(b.grpcTarget, token);
  });

  test.after(async () => {
    onA?.close();
    onB?.close();
    await Promise.all([a?.stop(), b?.stop()]);
    upstream?.close();
    await database?.drop();
    await deleteKeys(prefix);
  });

  test('an instance registered on A is resolved on B, and a watch on B sees what A changes', async () => {
    const watch = onB.watch({ parent: 'services/shared' });
    await eventually(() => isSynced(watch.events), 'SYNCED on B');
    await onA.register({ parent: 'services/shared', instanceId: 's1', instance: httpInstance(8080) });
    await eventually(
      async () => (await onB.resolve({ name: 'services/shared' })).instances.length === 1,
      'B to resolve s1',
    );
    await onA.setHealth({
      name: 'services/shared/instances/s1',
      healthState: HealthState.HEALTH_STATE_DRAINING,
    });
    await onA.deregister({ name: 'services/shared/instances/s1' });
    await eventually(() => changesOf(watch.events).length === 3, 'three changes on B');
    assert.equal(changesOf(watch.events), ['ADDED s1', 'MODIFIED s1', 'REMOVED s1']);
    assert.equal((await onB.resolve({ name: 'services/shared' })).instances, []);
    watch.cancel();
  });

  test('a lease that runs out is expired and removed once, though both replicas sweep', async () => {
    const watches = [onA.watch({ parent: 'services/expiring' }), onB.watch({ parent: 'services/expiring' })];
    for (const watch of watches) await eventually(() => isSynced(watch.events), 'SYNCED');
    const start = watches[0]?.events.at(-1)?.resumeToken as string;
    await onA.register({
      parent: 'services/expiring',
      instanceId: 'e1',
      instance: httpInstance(8080, { leaseTtl: { seconds: '0', nanos: 300_000_000 } }),
    });
    for (const watch of watches)
      await eventually(() => changesOf(watch.events).includes('REMOVED e1'), 'the removal');
    // A later change on each side: a second expiry or removal would have been ordered before it.
    await onB.register({ parent: 'services/expiring', instanceId: 'after', instance: httpInstance(8081) });
    await onA.deregister({ name: 'services/expiring/instances/after' });
    for (const watch of watches)
      await eventually(() => changesOf(watch.events).includes('REMOVED after'), 'the later changes');
    const expected = ['ADDED e1', 'MODIFIED e1', 'REMOVED e1', 'ADDED after', 'REMOVED after'];
    for (const watch of watches) {
      assert.equal(changesOf(watch.events), expected);
      const removed = watch.events.find((e) => e.eventType === Event.INSTANCE_EVENT_TYPE_REMOVED);
      assert.is(removed?.removalReason, InstanceRemovalReason.INSTANCE_REMOVAL_REASON_LEASE_EXPIRED);
      watch.cancel();
    }
    // The stored history says the same, read back on B from before the registration.
    const replay = onB.watch({ parent: 'services/expiring', resumeToken: start });
    await eventually(() => isSynced(replay.events), 'the replay');
    assert.equal(changesOf(replay.events), expected);
    replay.cancel();
  });

  test('the health checks run on one replica at a time, and move when it stops', async () => {
    let upstreamStatus = 200;
    let probes = 0;
    upstream = createServer((request, response) => {
      if (request.url === '/healthz') probes++;
      response.statusCode = upstreamStatus;
      response.end();
    });
    await new Promise<void>((resolve) => upstream?.listen(0, '127.0.0.1', resolve));
    const port = (upstream.address() as AddressInfo).port;
    const watch = onB.watch({ parent: 'services/checked' });
    await eventually(() => isSynced(watch.events), 'SYNCED');
    // A second per probe: a loaded machine must not turn a slow answer into a failed check.
    const second = { seconds: '1', nanos: 0 };
    await onA.register({
      parent: 'services/checked',
      instanceId: 'c1',
      instance: httpInstance(port, {
        healthCheck: {
          http: { path: '/healthz' },
          grpc: undefined,
          interval: second,
          timeout: second,
          healthyThreshold: 1,
          unhealthyThreshold: 1,
        },
      }),
    });
    await eventually(() => probes >= 3, 'probes');
    const runs = (server: ServerProcess) =>
      server.logLines().filter((line) => line.msg === 'registry health checks run on this replica').length;
    assert.equal([runs(a) + runs(b), Math.min(runs(a), runs(b))], [1, 0], 'exactly one replica runs them');
    const [leader, other] = runs(a) === 1 ? [a, b] : [b, a];

    upstreamStatus = 503;
    await eventually(() => changesOf(watch.events).includes('MODIFIED c1'), 'the failed check');
    assert.equal(changesOf(watch.events), ['ADDED c1', 'MODIFIED c1'], 'one change, not one per replica');
    assert.is(watch.events.at(-1)?.reason, 'HTTP check failed 1 times: HTTP status 503');

    // The leader stops (releasing the lock); the other replica takes the checks over.
    const survivor = leader === a ? onB : onA;
    await leader.stop();
    await other.waitForLog((line) => line.msg === 'registry health checks run on this replica', 20_000);
    upstreamStatus = 200;
    const healthy = await eventually(
      async () =>
        (await survivor.get({ name: 'services/checked/instances/c1' })).instance.healthState ===
        HealthState.HEALTH_STATE_HEALTHY,
      'the surviving replica’s check to pass',
    );
    assert.ok(healthy);
    watch.cancel();
  });

  test.run();
}
