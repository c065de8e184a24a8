import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { HealthState, InstanceEventType } from '../../../src/gen/hcs/v1/registry.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import {
  createTestPostgresDatabase,
  postgresSuitesEnabled,
  type TestPostgresDatabase,
} from '../../helpers/postgres.ts';
import { deleteKeys, REDIS_URL, redisSuitesEnabled, uniquePrefix } from '../../helpers/redis.ts';
import { eventually, FAST_REGISTRY_ENV, httpInstance, registryClient } from '../../helpers/registry.ts';

/**
 * Two hcs apps, each with its own platform (database pool, Redis connections, view), share the real PostgreSQL and Redis, as replicas do: what one
 * registers the other lists, resolves and streams to its watchers; a restarted process keeps
 * the instances and resumes a watch from a token the other one issued.
 */
if ((await postgresSuitesEnabled('registry replicas')) && (await redisSuitesEnabled('registry replicas'))) {
  let database: TestPostgresDatabase;
  let prefix: string;
  let env: Record<string, string>;
  const servers: TestApp[] = [];

  const start = async () => {
    const server = await startTestApp({ env });
    servers.push(server);
    return server;
  };
  const clientOf = async (server: TestApp) => registryClient(server.grpcTarget, await server.adminToken());

  test.before(async () => {
    database = await createTestPostgresDatabase();
    prefix = uniquePrefix();
    env = {
      ...FAST_REGISTRY_ENV,
      HCS_DATABASE_URL: database.url,
      HCS_REDIS_URL: REDIS_URL,
      HCS_REDIS_PREFIX: prefix,
      HCS_AUTO_MIGRATE: 'true',
      HCS_SECRET_KEY: 'registry-replicas-test-secret-0123456789abcdef',
    };
  });

  test.after(async () => {
    await Promise.all(servers.map((server) => server.close()));
    await database?.drop();
    await deleteKeys(prefix);
  });

  test('a registration on one replica reaches the other replica’s watchers, lists and resolve', async () => {
    const a = await start();
    const b = await start();
    const onA = await clientOf(a);
    const onB = await clientOf(b);
    const watch = onB.watch({ parent: 'services/shared' });
    await eventually(
      () => watch.events.some((e) => e.eventType === InstanceEventType.INSTANCE_EVENT_TYPE_SYNCED),
      'SYNCED',
    );
    const { leaseId } = await onA.register({
      parent: 'services/shared',
      instanceId: 's1',
      instance: httpInstance(8080, { leaseTtl: { seconds: '60', nanos: 0 } }),
    });
    const added = await eventually(
      () => watch.events.find((e) => e.eventType === InstanceEventType.INSTANCE_EVENT_TYPE_ADDED),
      'ADDED on B',
    );
    assert.is(added.instance?.name, 'services/shared/instances/s1');
    assert.is((await onB.resolve({ name: 'services/shared' })).instances.length, 1);
    await onB.renew({ name: 'services/shared/instances/s1', leaseId });
    await onB.setHealth({
      name: 'services/shared/instances/s1',
      healthState: HealthState.HEALTH_STATE_DRAINING,
    });
    const onAWatch = onA.watch({ parent: 'services/shared' });
    await eventually(
      () => onAWatch.events.find((e) => e.instance?.healthState === HealthState.HEALTH_STATE_DRAINING),
      'A to see the health set on B',
    );
    await eventually(
      () =>
        watch.events.filter((e) => e.eventType === InstanceEventType.INSTANCE_EVENT_TYPE_MODIFIED).length ===
        1,
      'MODIFIED on B',
    );
    const token = watch.events.at(-1)?.resumeToken as string;
    watch.cancel();
    onAWatch.cancel();

    // A restarts; what it held is in the database, and B's token resumes on it.
    await a.close();
    servers.splice(servers.indexOf(a), 1);
    await onB.register({
      parent: 'services/shared',
      instanceId: 's2',
      instance: httpInstance(8081, { leaseTtl: { seconds: '60', nanos: 0 } }),
    });
    const a2 = await start();
    const onA2 = await clientOf(a2);
    const listed = await onA2.list({ parent: 'services/shared' });
    assert.equal(
      listed.instances.map((i) => i.instanceId),
      ['s1', 's2'],
    );
    const resumed = onA2.watch({ parent: 'services/shared', resumeToken: token });
    await eventually(
      () => resumed.events.some((e) => e.eventType === InstanceEventType.INSTANCE_EVENT_TYPE_SYNCED),
      'SYNCED after replay',
    );
    assert.equal(
      resumed.events
        .filter((e) => e.instance !== undefined)
        .map((e) => `${e.eventType} ${e.instance?.instanceId}`),
      [`${InstanceEventType.INSTANCE_EVENT_TYPE_ADDED} s2`],
    );
    resumed.cancel();
    for (const client of [onA, onB, onA2]) client.close();
  });

  test('a lease that ran out while every server was down gets one more lease_ttl after the restart', async () => {
    for (const server of servers.splice(0)) await server.close();
    const first = await start();
    const client = await clientOf(first);
    await client.register({
      parent: 'services/sleepy',
      instanceId: 'z1',
      // Long enough that a loaded host's restart (start, connect, first call) fits in the lease
      // the restart grants, so "not expired at boot" is read before the sweep may expire it.
      instance: httpInstance(8080, { leaseTtl: { seconds: '4', nanos: 0 } }),
    });
    client.close();
    await first.close();
    servers.splice(servers.indexOf(first), 1);
    await new Promise((resolve) => setTimeout(resolve, 4500));
    const again = await start();
    const after = await clientOf(again);
    const { instance } = await after.get({ name: 'services/sleepy/instances/z1' });
    assert.is(instance.healthState, HealthState.HEALTH_STATE_HEALTHY, 'not expired at boot');
    assert.ok((instance.leaseExpireTime?.getTime() ?? 0) > Date.now() - 500, 'the lease was extended');
    // Not renewed: it then expires as usual.
    await eventually(
      async () =>
        (await after.get({ name: 'services/sleepy/instances/z1' })).instance.healthState ===
        HealthState.HEALTH_STATE_UNHEALTHY,
      'expiry',
    );
    after.close();
  });

  test.run();
}
