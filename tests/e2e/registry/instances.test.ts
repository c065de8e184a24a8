import { status } from '@grpc/grpc-js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { HealthState, InstanceView } from '../../../src/gen/hcs/v1/registry.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { errorFacts, FAST_REGISTRY_ENV, httpInstance, registryClient } from '../../helpers/registry.ts';

let app: TestApp;
let alice: ReturnType<typeof registryClient>;
let bob: ReturnType<typeof registryClient>;
let admin: ReturnType<typeof registryClient>;

test.before(async () => {
  app = await startTestApp({ env: FAST_REGISTRY_ENV });
  const service = (subject: string) =>
    app.mintToken({ subject, roles: ['service'], scopes: ['registry:read', 'registry:write'] });
  alice = registryClient(app.grpcTarget, service('apiKeys/alice'));
  bob = registryClient(app.grpcTarget, service('apiKeys/bob'));
  admin = registryClient(app.grpcTarget, await app.adminToken());
});

test.after(async () => {
  for (const client of [alice, bob, admin]) client?.close();
  await app?.close();
});

async function refusal(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return errorFacts(error);
  }
  throw new Error('the call succeeded');
}

test('register returns the stored instance with its owner and a lease id; get reads it back', async () => {
  const registered = await alice.register({
    parent: 'services/billing',
    instanceId: 'b-1',
    instance: httpInstance(8081, {
      grpcAddress: { host: '10.0.0.5', port: 9090 },
      version: '1.4.2',
      tags: ['primary', 'primary', 'gpu'],
      metadata: { weight: '10' },
      zone: 'line-3',
      node: 'edge-07',
      leaseTtl: { seconds: '30', nanos: 0 },
    }),
  });
  assert.ok(registered.leaseId.length > 10);
  const instance = registered.instance as NonNullable<typeof registered.instance>;
  assert.is(instance.name, 'services/billing/instances/b-1');
  assert.is(instance.owner, 'apiKeys/alice');
  assert.equal(instance.tags, ['primary', 'gpu']);
  assert.is(instance.healthState, HealthState.HEALTH_STATE_HEALTHY);
  assert.is(instance.leaseExpireTime?.getTime(), (instance.renewTime?.getTime() ?? 0) + 30_000);
  const read = await bob.get({ name: instance.name });
  assert.equal(read.instance.metadata, { weight: '10' });
  assert.is(read.instance.node, 'edge-07');
});

test('only the owner or an admin may renew, set health or deregister; others get PERMISSION_DENIED', async () => {
  const { leaseId } = await alice.register({
    parent: 'services/billing',
    instanceId: 'b-2',
    instance: httpInstance(8082),
  });
  const name = 'services/billing/instances/b-2';
  for (const attempt of [
    bob.renew({ name, leaseId }),
    bob.setHealth({ name, healthState: HealthState.HEALTH_STATE_DRAINING }),
    bob.deregister({ name }),
  ]) {
    const facts = await refusal(attempt);
    assert.is(facts.code, status.PERMISSION_DENIED);
    assert.is(facts.reason, 'NOT_INSTANCE_OWNER');
  }
  const drained = await admin.setHealth({
    name,
    healthState: HealthState.HEALTH_STATE_DRAINING,
    healthReason: 'maintenance',
  });
  assert.is(drained.instance.healthState, HealthState.HEALTH_STATE_DRAINING);
  assert.is(drained.instance.owner, 'apiKeys/alice', 'an admin acting keeps the owner');
  await alice.renew({ name, leaseId });
});

test('the same id from another owner is ALREADY_EXISTS and changes nothing', async () => {
  await alice.register({
    parent: 'services/billing',
    instanceId: 'b-3',
    instance: httpInstance(8083, { version: '1' }),
  });
  const facts = await refusal(
    bob.register({
      parent: 'services/billing',
      instanceId: 'b-3',
      instance: httpInstance(9999, { version: '2' }),
    }),
  );
  assert.is(facts.code, status.ALREADY_EXISTS);
  assert.is(facts.reason, 'INSTANCE_OWNED_BY_OTHER');
  const read = await alice.get({ name: 'services/billing/instances/b-3' });
  assert.is(read.instance.version, '1');
  assert.is(read.instance.httpAddress?.port, 8083);
});

test('re-registering by the owner is idempotent and makes the old lease id stale (ABORTED)', async () => {
  const first = await alice.register({
    parent: 'services/billing',
    instanceId: 'b-4',
    instance: httpInstance(8084),
  });
  const second = await alice.register({
    parent: 'services/billing',
    instanceId: 'b-4',
    instance: httpInstance(8084),
  });
  assert.is.not(first.leaseId, second.leaseId);
  assert.is(second.instance?.createTime?.getTime(), first.instance?.createTime?.getTime());
  assert.is(
    second.instance?.updateTime?.getTime(),
    first.instance?.updateTime?.getTime(),
    'nothing but the lease changed',
  );
  const stale = await refusal(
    alice.renew({ name: 'services/billing/instances/b-4', leaseId: first.leaseId }),
  );
  assert.is(stale.code, status.ABORTED);
  assert.is(stale.reason, 'STALE_LEASE');
  const renewed = await alice.renew({
    name: 'services/billing/instances/b-4',
    leaseId: second.leaseId,
    leaseTtl: { seconds: '60', nanos: 0 },
  });
  assert.is(renewed.instance.leaseTtl?.seconds, '60');
});

test('deregister removes at once; again is NOT_FOUND unless allow_missing', async () => {
  await alice.register({ parent: 'services/billing', instanceId: 'b-5', instance: httpInstance(8085) });
  const name = 'services/billing/instances/b-5';
  await alice.deregister({ name });
  assert.is((await refusal(alice.get({ name }))).code, status.NOT_FOUND);
  const again = await refusal(alice.deregister({ name }));
  assert.is(again.code, status.NOT_FOUND);
  assert.is(again.reason, 'INSTANCE_NOT_FOUND');
  await alice.deregister({ name, allowMissing: true });
});

test('list filters by service, tag, health and node, pages by name, and leaves metadata out of BASIC', async () => {
  for (const [id, tags, node] of [
    ['l-1', ['blue'], 'n1'],
    ['l-2', ['green'], 'n1'],
    ['l-3', ['blue'], 'n2'],
    ['l-4', ['blue'], 'n1'],
  ] as const) {
    await alice.register({
      parent: 'services/lister',
      instanceId: id,
      instance: httpInstance(8000, { tags: [...tags], node, metadata: { big: 'x'.repeat(1000) } }),
    });
  }
  await alice.setHealth({
    name: 'services/lister/instances/l-4',
    healthState: HealthState.HEALTH_STATE_UNHEALTHY,
  });
  const filtered = await bob.list({
    parent: 'services/lister',
    filter: 'tags:"blue" AND node = "n1" AND health_state = HEALTH_STATE_HEALTHY',
  });
  assert.equal(
    filtered.instances.map((i) => i.instanceId),
    ['l-1'],
  );
  assert.equal(filtered.instances[0]?.metadata, {}, 'BASIC has no metadata');
  const full = await bob.list({
    parent: 'services/lister',
    filter: 'node = "n2"',
    view: InstanceView.INSTANCE_VIEW_FULL,
  });
  assert.is(full.instances[0]?.metadata.big?.length, 1000);
  const names: string[] = [];
  let pageToken = '';
  do {
    const page = await bob.list({ parent: 'services/lister', pageSize: 3, pageToken });
    assert.ok(page.instances.length <= 3);
    names.push(...page.instances.map((i) => i.instanceId));
    pageToken = page.nextPageToken;
  } while (pageToken !== '');
  assert.equal(names, ['l-1', 'l-2', 'l-3', 'l-4']);
  const all = await bob.list({ parent: 'services/-', filter: 'service = "lister"', pageSize: 1000 });
  assert.is(all.instances.length, 4);
});

test('GetService and ListServices summarize the instances', async () => {
  const summary = await bob.getService({ name: 'services/lister' });
  assert.is(summary.service.instanceCount, 4);
  assert.is(summary.service.healthyInstanceCount, 3);
  const services = await bob.listServices({ pageSize: 1000 });
  assert.ok(services.services.some((s) => s.name === 'services/lister'));
  assert.is((await refusal(bob.getService({ name: 'services/nothing-here' }))).code, status.NOT_FOUND);
});

test('bad input is INVALID_ARGUMENT naming the field, and nothing is stored', async () => {
  const cases: [Record<string, unknown>, string][] = [
    [{ parent: 'services/Bad_Name', instance: httpInstance(1) }, 'parent'],
    [{ parent: 'services/ok', instanceId: 'a/b', instance: httpInstance(1) }, 'instance_id'],
    [{ parent: 'services/ok', instanceId: 'x'.repeat(129), instance: httpInstance(1) }, 'instance_id'],
    [{ parent: 'services/ok', instance: {} }, 'instance.grpc_address'],
    [{ parent: 'services/ok', instance: httpInstance(0) }, 'instance.http_address.port'],
    [{ parent: 'services/ok', instance: httpInstance(70000) }, 'instance.http_address.port'],
    [
      { parent: 'services/ok', instance: { httpAddress: { host: 'bad host', port: 80 } } },
      'instance.http_address.host',
    ],
    [
      { parent: 'services/ok', instance: { httpAddress: { host: 'a\u0000b', port: 80 } } },
      'instance.http_address.host',
    ],
    [{ parent: 'services/ok', instance: httpInstance(80, { version: 'v\u00001' }) }, 'instance.version'],
    [
      { parent: 'services/ok', instance: httpInstance(80, { leaseTtl: { seconds: '0', nanos: 1000 } }) },
      'instance.lease_ttl',
    ],
    [
      {
        parent: 'services/ok',
        instance: httpInstance(80, { leaseTtl: { seconds: '9223372036854775807', nanos: 0 } }),
      },
      'instance.lease_ttl',
    ],
    [{ parent: 'services/ok', instance: httpInstance(80, { tags: ["x' OR 1=1 --"] }) }, 'instance.tags'],
    [
      { parent: 'services/ok', instance: httpInstance(80, { metadata: { 'bad key': 'v' } }) },
      'instance.metadata',
    ],
    [
      {
        parent: 'services/ok',
        instance: httpInstance(80, {
          healthCheck: {
            interval: undefined,
            timeout: undefined,
            healthyThreshold: 0,
            unhealthyThreshold: 0,
          },
        }),
      },
      'instance.health_check',
    ],
  ];
  for (const [request, field] of cases) {
    const facts = await refusal(alice.register(request as never));
    assert.is(facts.code, status.INVALID_ARGUMENT, `${JSON.stringify(request)}: ${facts.message}`);
    assert.is(facts.field, field, facts.message);
  }
  const list = await admin.list({ parent: 'services/ok' });
  assert.is(list.instances.length, 0);
  const badName = await refusal(alice.renew({ name: 'services/x/instances/../y', leaseId: 'a'.repeat(22) }));
  assert.is(badName.field, 'name');
  const badLease = await refusal(alice.renew({ name: 'services/x/instances/y', leaseId: '' }));
  assert.is(badLease.field, 'lease_id');
  const badFilter = await refusal(alice.list({ parent: 'services/-', filter: 'owner = "x" OR 1=1' }));
  assert.is(badFilter.field, 'filter');
});

test.run();
