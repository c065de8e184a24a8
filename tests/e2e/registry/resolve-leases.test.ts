import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { FAST_REGISTRY_ENV, httpInstance, registryClient } from '../../helpers/registry.ts';

let app: TestApp;
let owner: ReturnType<typeof registryClient>;

test.before(async () => {
  app = await startTestApp({ env: { ...FAST_REGISTRY_ENV, HCS_REGISTRY_SWEEP_INTERVAL_MS: '600000' } });
  owner = registryClient(
    app.grpcTarget,
    app.mintToken({ subject: 'apiKeys/owner', roles: ['service'], scopes: ['*'] }),
  );
});

test.after(async () => {
  owner?.close();
  await app?.close();
});

// Renewals are heartbeats and write no change, so the in-process view still holds the lease
// expiry of the registration: resolve must not read "expired" from it.
test('an instance renewed in time is resolved long past its first lease expiry', async () => {
  const registered = await owner.register({
    parent: 'services/renewed',
    instanceId: 'r',
    // A lease of a second, renewed every tenth of one: only a stall of most of a second between
    // two renewals, or between the last one and resolve, could let it lapse on a loaded host.
    instance: httpInstance(8080, { leaseTtl: { seconds: '1', nanos: 0 } }),
  });
  const firstExpiry = registered.instance?.leaseExpireTime?.getTime() ?? 0;
  while (Date.now() < firstExpiry + 500) {
    await sleep(100);
    await owner.renew({ name: 'services/renewed/instances/r', leaseId: registered.leaseId });
  }
  const resolved = await owner.resolve({ name: 'services/renewed' });
  assert.equal(
    resolved.instances.map((i) => i.instanceId),
    ['r'],
  );
});

test.run();
