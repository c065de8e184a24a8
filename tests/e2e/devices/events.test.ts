import { Metadata } from '@grpc/grpc-js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  DeviceEventType,
  ExecuteCommandRequest,
  StreamDeviceEventsRequest,
  type StreamDeviceEventsResponse,
} from '../../../src/gen/hcs/v1/devices.ts';
import { type DeviceBench, registerBench, startDeviceBench } from './device-fixtures.ts';

let bench: DeviceBench;

test.before(async () => {
  bench = await startDeviceBench();
  await registerBench(bench);
});
test.after(async () => {
  await bench?.close();
});

const MARKERS = new Set([
  DeviceEventType.DEVICE_EVENT_TYPE_SYNCED,
  DeviceEventType.DEVICE_EVENT_TYPE_PROGRESS,
]);

/**
 * Opens a gRPC event stream and collects its events (not its SYNCED/PROGRESS markers) until
 * `count` arrived; `ready` once the stream says it is live (SYNCED).
 */
function collect(request: Partial<StreamDeviceEventsRequest>, count: number) {
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${bench.token}`);
  const call = bench.client.streamDeviceEvents(StreamDeviceEventsRequest.fromPartial(request), metadata);
  const events: StreamDeviceEventsResponse[] = [];
  let synced: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    synced = resolve;
  });
  const done = new Promise<StreamDeviceEventsResponse[]>((resolve, reject) => {
    call.on('data', (event: StreamDeviceEventsResponse) => {
      if (event.eventType === DeviceEventType.DEVICE_EVENT_TYPE_SYNCED) synced();
      if (MARKERS.has(event.eventType)) return;
      events.push(event);
      if (events.length === count) {
        call.cancel();
        resolve(events);
      }
    });
    call.on('error', (error: { code: number }) => {
      if (error.code !== 1) reject(error);
    });
  });
  return { done, ready };
}

/** The next `count` messages of a gRPC event stream, markers included. */
function firstMessages(request: Partial<StreamDeviceEventsRequest>, count: number) {
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${bench.token}`);
  const call = bench.client.streamDeviceEvents(StreamDeviceEventsRequest.fromPartial(request), metadata);
  const messages: StreamDeviceEventsResponse[] = [];
  return new Promise<StreamDeviceEventsResponse[]>((resolve, reject) => {
    call.on('data', (message: StreamDeviceEventsResponse) => {
      messages.push(message);
      if (messages.length === count) {
        call.cancel();
        resolve(messages);
      }
    });
    call.on('error', (error: { code: number }) => {
      if (error.code !== 1) reject(error);
    });
  });
}

const execute = (name: string, command: string, fields: Partial<ExecuteCommandRequest> = {}) =>
  bench.grpc('executeCommand', ExecuteCommandRequest.fromPartial({ name, command, ...fields }));

test('a command streams QUEUED, RUNNING, its completion and its readings, filtered by device and labels', async () => {
  const stream = collect({ devices: ['devices/th-1'], labels: { bench: 'a' } }, 4);
  await stream.ready;
  await execute('devices/relay-1', 'all_off'); // another device: filtered out
  await execute('devices/th-1', 'read_climate');
  const events = await stream.done;
  assert.equal(
    events.map((e) => [e.eventType, e.device, e.commandExecution?.state ?? 0]),
    [
      [DeviceEventType.DEVICE_EVENT_TYPE_COMMAND_STATE_CHANGED, 'devices/th-1', 4],
      [DeviceEventType.DEVICE_EVENT_TYPE_COMMAND_STATE_CHANGED, 'devices/th-1', 1],
      [DeviceEventType.DEVICE_EVENT_TYPE_COMMAND_COMPLETED, 'devices/th-1', 2],
      [DeviceEventType.DEVICE_EVENT_TYPE_READINGS, 'devices/th-1', 0],
    ],
  );
  assert.equal(
    events[3]?.readings?.readings.map((r) => r.resource),
    ['temperature', 'humidity'],
  );
  const unlabelled = collect({ devices: ['devices/th-1'], labels: { bench: 'b' } }, 1);
  await unlabelled.ready;
  await execute('devices/th-1', 'ping');
  const timeout = new Promise((resolve) => setTimeout(() => resolve('none'), 500));
  assert.is(await Promise.race([unlabelled.done, timeout]), 'none');
});

test('unplugging and plugging emit DETACHED/ATTACHED and the operating state changes', async () => {
  const stream = collect(
    {
      devices: ['devices/psu-1'],
      eventTypes: [
        DeviceEventType.DEVICE_EVENT_TYPE_ATTACHED,
        DeviceEventType.DEVICE_EVENT_TYPE_DETACHED,
        DeviceEventType.DEVICE_EVENT_TYPE_STATE_CHANGED,
      ],
    },
    4,
  );
  await stream.ready;
  bench.sim.unplug('sim-psu-1');
  bench.sim.plug('sim-psu-1');
  const events = await stream.done;
  assert.equal(
    events.map((e) => [e.eventType, e.stateChange?.operatingState ?? e.discoveredDevice?.address]),
    [
      [DeviceEventType.DEVICE_EVENT_TYPE_DETACHED, 'sim-psu-1'],
      [DeviceEventType.DEVICE_EVENT_TYPE_STATE_CHANGED, 2],
      [DeviceEventType.DEVICE_EVENT_TYPE_ATTACHED, 'sim-psu-1'],
      [DeviceEventType.DEVICE_EVENT_TYPE_STATE_CHANGED, 1],
    ],
  );
});

test('a stream resumed with a token replays the later events (NDJSON over REST); a foreign token is OUT_OF_RANGE', async () => {
  const stream = collect({ devices: ['devices/relay-1'] }, 3);
  await stream.ready;
  await execute('devices/relay-1', 'all_off');
  const [first, second, third] = await stream.done;
  const controller = new AbortController();
  const response = await fetch(
    `${bench.app.httpBase}/api/v1/devices:streamEvents?devices=devices/relay-1&resumeToken=${encodeURIComponent(first?.resumeToken ?? '')}`,
    { headers: { authorization: `Bearer ${bench.token}` }, signal: controller.signal },
  );
  assert.is(response.status, 200);
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  let text = '';
  while (text.split('\n').filter(Boolean).length < 2) {
    const { value, done } = await reader.read();
    if (done) break;
    text += Buffer.from(value).toString();
  }
  controller.abort();
  const replayed = text
    .split('\n')
    .filter(Boolean)
    .slice(0, 2)
    .map((line) => (JSON.parse(line) as { result: { resumeToken: string } }).result.resumeToken);
  assert.equal(replayed, [second?.resumeToken, third?.resumeToken]);
  const foreign = await fetch(`${bench.app.httpBase}/api/v1/devices:streamEvents?resumeToken=elsewhere:3`, {
    headers: { authorization: `Bearer ${bench.token}` },
  });
  const body = await foreign.text();
  assert.match(body, /RESUME_TOKEN_EXPIRED/);
});

test('a stream says SYNCED once live, and PROGRESS with a token that resumes when quiet; a bad interval is refused', async () => {
  // On a fresh stream SYNCED comes first, whatever the type filter.
  const [synced] = await firstMessages(
    { devices: ['devices/relay-1'], eventTypes: [DeviceEventType.DEVICE_EVENT_TYPE_READINGS] },
    1,
  );
  assert.is(synced?.eventType, DeviceEventType.DEVICE_EVENT_TYPE_SYNCED);
  assert.is(synced?.device, '');
  assert.ok(synced?.resumeToken);

  // A quiet stream (events of another device only) gets PROGRESS; its token skips what passed.
  const quiet = firstMessages(
    { devices: ['devices/psu-1'], progressInterval: { seconds: '1', nanos: 0 } },
    2,
  );
  await execute('devices/relay-1', 'all_off');
  const [, progress] = await quiet;
  assert.is(progress?.eventType, DeviceEventType.DEVICE_EVENT_TYPE_PROGRESS);
  const resumed = await firstMessages(
    { devices: ['devices/psu-1'], resumeToken: progress?.resumeToken ?? '' },
    1,
  );
  assert.is(resumed[0]?.eventType, DeviceEventType.DEVICE_EVENT_TYPE_SYNCED, 'nothing to replay');
  assert.is(resumed[0]?.resumeToken, progress?.resumeToken);

  // The relay's events since the first token are replayed, then SYNCED.
  const replay = await firstMessages(
    { devices: ['devices/relay-1'], resumeToken: synced?.resumeToken ?? '' },
    4,
  );
  assert.equal(
    replay.map((message) => [message.eventType, message.device]),
    [
      [DeviceEventType.DEVICE_EVENT_TYPE_COMMAND_STATE_CHANGED, 'devices/relay-1'],
      [DeviceEventType.DEVICE_EVENT_TYPE_COMMAND_STATE_CHANGED, 'devices/relay-1'],
      [DeviceEventType.DEVICE_EVENT_TYPE_COMMAND_COMPLETED, 'devices/relay-1'],
      [DeviceEventType.DEVICE_EVENT_TYPE_SYNCED, ''],
    ],
  );

  const refused = await fetch(`${bench.app.httpBase}/api/v1/devices:streamEvents?progressInterval=0.5s`, {
    headers: { authorization: `Bearer ${bench.token}` },
  });
  assert.is(refused.status, 400);
  assert.match(await refused.text(), /INVALID_PROGRESS_INTERVAL/);
});

test.run();
