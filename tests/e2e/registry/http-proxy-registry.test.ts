import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { HealthState, type ServiceInstance } from '../../../src/gen/hcs/v1/registry.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { eventually, FAST_REGISTRY_ENV, httpInstance, registryClient } from '../../helpers/registry.ts';
import { echoHandler, startUpstream, type Upstream } from './proxy-fixtures.ts';

// The proxy as `hcs serve` wires it: the upstreams are the registry's own healthy instances.
let app: TestApp;
let client: ReturnType<typeof registryClient>;
let blue: Upstream;
let green: Upstream;
let proxyToken: string;

test.before(async () => {
  blue = await startUpstream(echoHandler('blue'));
  green = await startUpstream(echoHandler('green'));
  app = await startTestApp({ env: FAST_REGISTRY_ENV });
  client = registryClient(
    app.grpcTarget,
    app.mintToken({ subject: 'apiKeys/billing', roles: ['service'], scopes: ['*'] }),
  );
  proxyToken = app.mintToken({ subject: 'users/caller', roles: ['viewer'], scopes: ['registry:proxy'] });
});

test.after(async () => {
  client?.close();
  await app?.close();
  await blue?.close();
  await green?.close();
});

const proxied = (path: string) =>
  fetch(`${app.httpBase}/api/v1/proxy/${path}`, { headers: { authorization: `Bearer ${proxyToken}` } });
const upstreamOf = async (path: string) => {
  const response = await proxied(path);
  return response.status === 200 ? response.headers.get('x-upstream') : `status ${response.status}`;
};

test('no instance registered: 503 NO_HEALTHY_INSTANCE', async () => {
  const response = await proxied('billing/invoices');
  assert.is(response.status, 503);
  assert.match(await response.text(), 'NO_HEALTHY_INSTANCE');
});

test('a registered instance is proxied to; one made unhealthy is left out; one deregistered is gone', async () => {
  const ttl = { seconds: '60', nanos: 0 } as unknown as NonNullable<ServiceInstance['leaseTtl']>;
  const registered = await client.register({
    parent: 'services/billing',
    instanceId: 'blue',
    instance: httpInstance(blue.port, { leaseTtl: ttl }),
  });
  assert.ok(registered.leaseId);
  const response = await proxied('billing/invoices/42?expand=lines');
  assert.is(response.status, 200);
  const echoed = (await response.json()) as { name: string; url: string };
  assert.is(echoed.name, 'blue');
  assert.is(echoed.url, '/invoices/42?expand=lines');

  await client.register({
    parent: 'services/billing',
    instanceId: 'green',
    instance: httpInstance(green.port, { leaseTtl: ttl }),
  });
  // Both take turns once the view has the second instance.
  await eventually(async () => {
    const seen = new Set([await upstreamOf('billing/x'), await upstreamOf('billing/x')]);
    return seen.has('blue') && seen.has('green');
  }, 'both instances answering');

  await client.setHealth({
    name: 'services/billing/instances/blue',
    healthState: HealthState.HEALTH_STATE_UNHEALTHY,
  });
  await eventually(async () => {
    const answers = [
      await upstreamOf('billing/x'),
      await upstreamOf('billing/x'),
      await upstreamOf('billing/x'),
    ];
    return answers.every((answer) => answer === 'green');
  }, 'only green answering');

  await client.deregister({ name: 'services/billing/instances/green' });
  await eventually(async () => (await proxied('billing/x')).status === 503, 'no healthy instance left');
});

test.run();
