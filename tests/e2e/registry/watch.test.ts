import { status } from '@grpc/grpc-js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  InstanceEventType as Event,
  HealthState,
  type WatchInstancesResponse,
} from '../../../src/gen/hcs/v1/registry.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import {
  changesOf,
  eventually,
  FAST_REGISTRY_ENV,
  httpInstance,
  registryClient,
} from '../../helpers/registry.ts';

let app: TestApp;
let client: ReturnType<typeof registryClient>;

test.before(async () => {
  app = await startTestApp({ env: { ...FAST_REGISTRY_ENV, HCS_REGISTRY_WATCH_HISTORY: '5' } });
  client = registryClient(
    app.grpcTarget,
    app.mintToken({ subject: 'apiKeys/w', roles: ['service'], scopes: ['*'] }),
  );
});

test.after(async () => {
  client?.close();
  await app?.close();
});

const synced = (events: WatchInstancesResponse[]) =>
  events.findIndex((e) => e.eventType === Event.INSTANCE_EVENT_TYPE_SYNCED);
test('a watch sends the snapshot, SYNCED, then every change in order, each with a resume token', async () => {
  await client.register({ parent: 'services/watched', instanceId: 'a', instance: httpInstance(1001) });
  await client.register({ parent: 'services/other', instanceId: 'x', instance: httpInstance(1002) });
  const watch = client.watch({ parent: 'services/watched' });
  await eventually(() => synced(watch.events) >= 0, 'SYNCED');
  assert.equal(changesOf(watch.events), ['ADDED a']);
  await client.register({ parent: 'services/watched', instanceId: 'b', instance: httpInstance(1003) });
  await client.setHealth({
    name: 'services/watched/instances/a',
    healthState: HealthState.HEALTH_STATE_DRAINING,
    healthReason: 'deploy',
  });
  await client.register({ parent: 'services/other', instanceId: 'y', instance: httpInstance(1004) });
  await client.deregister({ name: 'services/watched/instances/b' });
  await eventually(() => watch.events.length >= 5, 'four changes');
  assert.equal(changesOf(watch.events), ['ADDED a', 'ADDED b', 'MODIFIED a', 'REMOVED b']);
  const drained = watch.events.find((e) => e.eventType === Event.INSTANCE_EVENT_TYPE_MODIFIED);
  assert.is(drained?.reason, 'health set by apiKeys/w');
  const tokens = watch.events.map((e) => e.resumeToken);
  assert.ok(tokens.every((t) => t !== ''));
  watch.cancel();
});

test('resuming from a token replays only what came after it, then goes live', async () => {
  const first = client.watch({ parent: 'services/resumed' });
  await eventually(() => synced(first.events) >= 0, 'SYNCED');
  await client.register({ parent: 'services/resumed', instanceId: 'r1', instance: httpInstance(1) });
  await eventually(() => first.events.length === 2, 'r1');
  const token = first.events[1]?.resumeToken as string;
  first.cancel();
  await client.register({ parent: 'services/resumed', instanceId: 'r2', instance: httpInstance(2) });
  await client.deregister({ name: 'services/resumed/instances/r1' });
  const resumed = client.watch({ parent: 'services/resumed', resumeToken: token });
  await eventually(() => synced(resumed.events) >= 0, 'SYNCED after replay');
  assert.equal(changesOf(resumed.events), ['ADDED r2', 'REMOVED r1']);
  await client.register({ parent: 'services/resumed', instanceId: 'r3', instance: httpInstance(3) });
  await eventually(() => changesOf(resumed.events).includes('ADDED r3'), 'live r3');
  resumed.cancel();
});

test('an idle watch gets PROGRESS events whose token resumes without a gap', async () => {
  const watch = client.watch({
    parent: 'services/idle',
    progressInterval: { seconds: '0', nanos: 200_000_000 },
  });
  const progress = await eventually(
    () => watch.events.find((e) => e.eventType === Event.INSTANCE_EVENT_TYPE_PROGRESS),
    'a progress event',
  );
  assert.is(progress.instance, undefined);
  // Changes elsewhere move the position on, so the progress token is not the SYNCED one.
  await client.register({ parent: 'services/elsewhere', instanceId: 'p', instance: httpInstance(5) });
  const later = await eventually(
    () =>
      watch.events
        .filter((e) => e.eventType === Event.INSTANCE_EVENT_TYPE_PROGRESS)
        .find((e) => e.resumeToken !== progress.resumeToken),
    'a progress event with a newer token',
  );
  watch.cancel();
  await client.register({ parent: 'services/idle', instanceId: 'i1', instance: httpInstance(6) });
  const resumed = client.watch({ parent: 'services/idle', resumeToken: later.resumeToken });
  await eventually(() => synced(resumed.events) >= 0, 'SYNCED');
  assert.equal(changesOf(resumed.events), ['ADDED i1']);
  resumed.cancel();
});

test('filters by tags and health: an instance leaving the filter is seen once, then no more', async () => {
  const watch = client.watch({
    parent: 'services/-',
    tags: ['edge'],
    healthStates: [HealthState.HEALTH_STATE_HEALTHY],
  });
  await eventually(() => synced(watch.events) >= 0, 'SYNCED');
  await client.register({
    parent: 'services/tagged',
    instanceId: 't1',
    instance: httpInstance(1, { tags: ['edge'] }),
  });
  await client.register({
    parent: 'services/tagged',
    instanceId: 't2',
    instance: httpInstance(1, { tags: ['core'] }),
  });
  await client.setHealth({
    name: 'services/tagged/instances/t1',
    healthState: HealthState.HEALTH_STATE_UNHEALTHY,
  });
  await client.setHealth({
    name: 'services/tagged/instances/t1',
    healthState: HealthState.HEALTH_STATE_DRAINING,
  });
  await client.register({
    parent: 'services/tagged',
    instanceId: 't3',
    instance: httpInstance(1, { tags: ['edge'] }),
  });
  await eventually(() => changesOf(watch.events).includes('ADDED t3'), 't3');
  assert.equal(changesOf(watch.events), ['ADDED t1', 'MODIFIED t1', 'ADDED t3']);
  watch.cancel();
});

test('a token the history no longer holds is OUT_OF_RANGE; a forged one is INVALID_ARGUMENT', async () => {
  const watch = client.watch({ parent: 'services/pruned' });
  await eventually(() => synced(watch.events) >= 0, 'SYNCED');
  const oldToken = watch.events[synced(watch.events)]?.resumeToken as string;
  watch.cancel();
  for (let i = 0; i < 12; i++) {
    await client.register({ parent: 'services/pruned', instanceId: `p${i}`, instance: httpInstance(1) });
  }
  const error = await eventually(async () => {
    const attempt = client.watch({ parent: 'services/pruned', resumeToken: oldToken });
    const ended = await Promise.race([
      attempt.ended,
      new Promise((resolve) => setTimeout(() => resolve('open'), 500)),
    ]);
    attempt.cancel();
    return (ended as { code?: number } | undefined)?.code === status.OUT_OF_RANGE ? ended : undefined;
  }, 'the history to be pruned past the token');
  assert.match((error as { details: string }).details, 'watch again without it');
  const forged = client.watch({ parent: 'services/pruned', resumeToken: 'not-a-token' });
  assert.is((await forged.ended)?.code, status.INVALID_ARGUMENT);
});

test('over REST a watch is NDJSON, or Server-Sent Events when asked for', async () => {
  const token = await app.adminToken();
  for (const accept of ['application/x-ndjson', 'text/event-stream']) {
    const controller = new AbortController();
    const response = await fetch(
      `${app.httpBase}/api/v1/services/rest-watched/instances:watch?progressInterval=0.2s`,
      {
        headers: { authorization: `Bearer ${token}`, accept },
        signal: controller.signal,
      },
    );
    assert.is(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', accept);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    const decoder = new TextDecoder();
    await client.register({
      parent: 'services/rest-watched',
      instanceId: `h-${accept.length}`,
      instance: httpInstance(7),
    });
    while (!text.includes('INSTANCE_EVENT_TYPE_PROGRESS')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value);
    }
    assert.match(text, 'INSTANCE_EVENT_TYPE_SYNCED');
    assert.match(text, `"instanceId":"h-${accept.length}"`);
    if (accept === 'text/event-stream') assert.match(text, /^data: \{"result":/m);
    else assert.match(text, /^\{"result":\{"eventType":"INSTANCE_EVENT_TYPE_/m);
    controller.abort();
  }
});

test.run();
