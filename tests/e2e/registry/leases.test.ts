import { status } from '@grpc/grpc-js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { HealthState, InstanceEventType, InstanceRemovalReason } from '../../../src/gen/hcs/v1/registry.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import {
  errorFacts,
  eventually,
  FAST_REGISTRY_ENV,
  httpInstance,
  registryClient,
} from '../../helpers/registry.ts';

let app: TestApp;
let owner: ReturnType<typeof registryClient>;

test.before(async () => {
  app = await startTestApp({ env: { ...FAST_REGISTRY_ENV, HCS_REGISTRY_LEASE_GRACE_MS: '1500' } });
  owner = registryClient(
    app.grpcTarget,
    app.mintToken({ subject: 'apiKeys/owner', roles: ['service'], scopes: ['*'] }),
  );
});

test.after(async () => {
  owner?.close();
  await app?.close();
});

const ttl = (ms: number) => ({ seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1e6 });

test('an expired lease turns the instance unhealthy at once, then removes it after the grace period', async () => {
  const watch = owner.watch({ parent: 'services/expiring' });
  await eventually(
    () => watch.events.some((e) => e.eventType === InstanceEventType.INSTANCE_EVENT_TYPE_SYNCED),
    'synced',
  );
  const registered = await owner.register({
    parent: 'services/expiring',
    instanceId: 'e-1',
    instance: httpInstance(8080, { leaseTtl: ttl(300) }),
  });
  const expireAt = registered.instance?.leaseExpireTime?.getTime() ?? 0;
  const unhealthy = await eventually(
    () =>
      watch.events.find(
        (e) =>
          e.eventType === InstanceEventType.INSTANCE_EVENT_TYPE_MODIFIED &&
          e.instance?.healthState === HealthState.HEALTH_STATE_UNHEALTHY,
      ),
    'the unhealthy event',
  );
  assert.is(unhealthy.reason, 'lease expired');
  assert.is(unhealthy.instance?.healthReason, 'lease expired');
  assert.ok((unhealthy.eventTime?.getTime() ?? 0) >= expireAt, 'not before the lease ran out');
  const resolved = await owner.resolve({ name: 'services/expiring' });
  assert.is(resolved.instances.length, 0, 'an expired instance is not resolved');
  const removed = await eventually(
    () => watch.events.find((e) => e.eventType === InstanceEventType.INSTANCE_EVENT_TYPE_REMOVED),
    'the removal',
  );
  assert.is(removed.removalReason, InstanceRemovalReason.INSTANCE_REMOVAL_REASON_LEASE_EXPIRED);
  assert.ok(
    (removed.eventTime?.getTime() ?? 0) - (unhealthy.eventTime?.getTime() ?? 0) >= 1500,
    'not before the grace period passed',
  );
  const gone = await owner
    .renew({ name: 'services/expiring/instances/e-1', leaseId: registered.leaseId })
    .catch(errorFacts);
  assert.is((gone as ReturnType<typeof errorFacts>).code, status.NOT_FOUND);
  watch.cancel();
});

test('renewing within the grace period makes it healthy again', async () => {
  const registered = await owner.register({
    parent: 'services/expiring',
    instanceId: 'e-2',
    instance: httpInstance(8080, { leaseTtl: ttl(300) }),
  });
  const name = 'services/expiring/instances/e-2';
  await eventually(
    async () => (await owner.get({ name })).instance.healthState === HealthState.HEALTH_STATE_UNHEALTHY,
    'expiry',
  );
  const renewed = await owner.renew({ name, leaseId: registered.leaseId, leaseTtl: ttl(60_000) });
  assert.is(renewed.instance.healthState, HealthState.HEALTH_STATE_HEALTHY);
  assert.is(renewed.instance.healthReason, '');
  assert.is((await owner.resolve({ name: 'services/expiring' })).instances.length, 1);
});

test('renewals keep an instance alive past many lease times', async () => {
  const registered = await owner.register({
    parent: 'services/expiring',
    instanceId: 'e-3',
    instance: httpInstance(8080, { leaseTtl: ttl(2_000) }),
  });
  const name = 'services/expiring/instances/e-3';
  // Three lease times, renewed every tenth of one: only a stall of most of a lease time (a
  // loaded host) could let it lapse between two renewals.
  const until = Date.now() + 6_000;
  while (Date.now() < until) {
    await owner.renew({ name, leaseId: registered.leaseId });
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.is((await owner.get({ name })).instance.healthState, HealthState.HEALTH_STATE_HEALTHY);
});

test('a health set by the owner cannot revive an expired lease (FAILED_PRECONDITION)', async () => {
  await owner.register({
    parent: 'services/expiring',
    instanceId: 'e-4',
    instance: httpInstance(8080, { leaseTtl: ttl(300) }),
  });
  const name = 'services/expiring/instances/e-4';
  await eventually(
    async () => (await owner.get({ name })).instance.healthState === HealthState.HEALTH_STATE_UNHEALTHY,
    'expiry',
  );
  const refused = await owner
    .setHealth({ name, healthState: HealthState.HEALTH_STATE_HEALTHY })
    .catch(errorFacts);
  assert.is((refused as ReturnType<typeof errorFacts>).code, status.FAILED_PRECONDITION);
});

test('a replica whose view holds no instance does not query instances to sweep them', async () => {
  const idle = await startTestApp({ env: FAST_REGISTRY_ENV });
  try {
    const sweepQueries = () =>
      idle.logs.filter((line) => /registry_instances.*lease_expire/.test(String(line.msg))).length;
    const before = sweepQueries();
    await new Promise((resolve) => setTimeout(resolve, 2500));
    assert.is(sweepQueries() - before, 0);
  } finally {
    await idle.close();
  }
});

test.run();
