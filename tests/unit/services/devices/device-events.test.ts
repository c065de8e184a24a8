import pino from 'pino';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type Bus, createMemoryBus } from '../../../../src/platform/bus/index.ts';
import type { Execution } from '../../../../src/services/devices/command-execution.entity.ts';
import {
  createDeviceEvents,
  type DeviceEvent,
  type EventFilter,
  type StreamItem,
} from '../../../../src/services/devices/device-events.ts';

const logger = pino({ level: 'silent' });
const ALL: EventFilter = {
  devices: new Set(),
  kinds: new Set(),
  resources: new Set(),
  labels: {},
  resumeToken: '',
};

const execution = (): Execution => ({
  id: '01J00000000000000000000000',
  device: 'th-1',
  command: 'read_temperature',
  parameters: {},
  profileRevision: 1,
  state: 'running',
  stateReason: '',
  errorCode: 0,
  errorMessage: '',
  readings: [],
  actor: 'users/alice',
  requestId: null,
  job: '',
  node: 'n1',
  timeoutMs: 5000,
  createTime: new Date('2026-01-01T00:00:00.000Z'),
  startTime: new Date('2026-01-01T00:00:00.010Z'),
  endTime: null,
});

const commandEvent = (): DeviceEvent => ({
  time: '2026-01-01T00:00:00.010Z',
  kind: 'command_state_changed',
  device: 'th-1',
  labels: { room: 'lab' },
  execution: execution(),
});

/** A bus that counts what is published on it. */
function countingBus(): Bus & { published: () => number } {
  const inner = createMemoryBus();
  let published = 0;
  return {
    ...inner,
    publish(topic, message) {
      published += 1;
      return inner.publish(topic, message);
    },
    published: () => published,
  };
}

/** The next `count` events a stream yields (markers skipped), leaving it open. */
async function nextEvents(stream: AsyncGenerator<StreamItem>, count: number): Promise<DeviceEvent[]> {
  const events: DeviceEvent[] = [];
  while (events.length < count) {
    const { value, done } = await stream.next();
    if (done) break;
    if (value.marker === undefined) events.push(value.event);
  }
  return events;
}

test('without Redis an event reaches this replica’s streams and nothing goes on the bus', async () => {
  const bus = countingBus();
  const events = createDeviceEvents({ bus, logger, shared: false });
  await events.start();
  const controller = new AbortController();
  const stream = events.stream(ALL, controller.signal, 60_000);
  await stream.next(); // synced
  const sent = commandEvent();
  events.publish(sent);
  const [got] = await nextEvents(stream, 1);
  assert.equal(got, sent);
  assert.ok(got?.execution?.startTime instanceof Date);
  assert.is(bus.published(), 0, 'no message on a bus only this process reads');
  controller.abort();
  await events.close();
  await bus.close();
});

test('with Redis each event is delivered once here and once on every other replica, dates intact', async () => {
  // One bus shared by two hubs stands in for Redis between two replicas.
  const bus = countingBus();
  const here = createDeviceEvents({ bus, logger, shared: true });
  const there = createDeviceEvents({ bus, logger, shared: true });
  await here.start();
  await there.start();
  const controller = new AbortController();
  const local = here.stream(ALL, controller.signal, 60_000);
  const remote = there.stream(ALL, controller.signal, 60_000);
  await local.next();
  await remote.next();
  here.publish(commandEvent());
  here.publish({ ...commandEvent(), kind: 'command_completed' });
  const [localEvents, remoteEvents] = await Promise.all([nextEvents(local, 2), nextEvents(remote, 2)]);
  assert.equal(
    localEvents.map((event) => event.kind),
    ['command_state_changed', 'command_completed'],
  );
  assert.equal(
    remoteEvents.map((event) => event.kind),
    ['command_state_changed', 'command_completed'],
  );
  assert.equal(remoteEvents[0]?.execution?.startTime, new Date('2026-01-01T00:00:00.010Z'));
  assert.equal(bus.published(), 2);
  // The echo of its own events does not reach this replica's streams a second time.
  here.publish({ ...commandEvent(), kind: 'attached' });
  const [next] = await nextEvents(local, 1);
  assert.is(next?.kind, 'attached');
  controller.abort();
  await here.close();
  await there.close();
  await bus.close();
});

test.run();
