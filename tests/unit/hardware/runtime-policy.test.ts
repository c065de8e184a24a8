import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSimulatedAdapter } from '../../../src/hardware/adapters/simulated/index.ts';
import { type Adapter, createHardwareRuntime, type HardwareEvent } from '../../../src/hardware/index.ts';
import { ref, rejectsKind, startRuntime } from './helpers.ts';
import { eventually, instrument, line, text } from './instrumented-adapter.ts';

const relay = [{ id: 'relay-0', model: 'relay-board' as const }];

test('a timeout fails the call with TIMEOUT and aborts the signal the adapter was given', async () => {
  const { hw, sim, probe } = await startRuntime({ devices: relay }, { timeoutMs: 50, readRetries: 0 });
  sim.setFaults('relay-0', { dropReplyRate: 1 });
  const error = await rejectsKind(
    hw.exchange(ref('relay-0'), line('GET 1')),
    'TIMEOUT',
    'unanswered command',
  );
  assert.match(error.message, /simulated\/relay-0/);
  assert.ok(
    probe.signals.length > 0 && probe.signals.every((signal) => signal.aborted),
    'the adapter saw the abort',
  );
  await hw.stop();
});

test('a caller’s own AbortSignal reaches the adapter and the call ends CANCELLED', async () => {
  const { hw, probe } = await startRuntime({ devices: relay }, { timeoutMs: 60_000 });
  const controller = new AbortController();
  const reading = hw.read(ref('relay-0'), {}, { signal: controller.signal }); // nothing to read: waits
  await eventually(() => probe.signals.length === 1, 'the read to reach the adapter');
  controller.abort();
  await rejectsKind(reading, 'CANCELLED', 'aborted read');
  assert.ok(probe.signals[0]?.aborted);
  assert.is(probe.calls.get('relay-0:read'), 1, 'a cancelled read is not retried');
  await hw.stop();
});

test('reads are retried after TIMEOUT or IO_ERROR, up to readRetries', async () => {
  const { hw, sim, probe } = await startRuntime(
    { devices: relay },
    { readRetries: 2, retryDelayMs: 1, failureThreshold: 100 },
  );
  sim.setFaults('relay-0', { ioErrorRate: 1 });
  await rejectsKind(hw.read(ref('relay-0')), 'IO_ERROR', 'always failing read');
  assert.is(probe.calls.get('relay-0:read'), 3, 'one attempt and two retries');
  await hw.stop();
});

test('a read that failed is answered by its retry', async () => {
  const { hw, sim, probe } = await startRuntime(
    { devices: relay, seed: 4 },
    { readRetries: 8, retryDelayMs: 1, failureThreshold: 1000 },
  );
  let answered = 0;
  for (let i = 0; i < 20; i += 1) {
    sim.setFaults('relay-0', {});
    await hw.write(ref('relay-0'), line(`GET ${(i % 8) + 1}`));
    sim.setFaults('relay-0', { ioErrorRate: 0.5 });
    if (text(await hw.read(ref('relay-0'))) === 'OFF\n') answered += 1;
  }
  assert.is(answered, 20, 'every reply was read despite failed attempts');
  assert.ok((probe.calls.get('relay-0:read') ?? 0) > 25, 'some reads needed retries');
  await hw.stop();
});

test('writes and exchanges are never retried: the device may have acted', async () => {
  const { hw, sim, probe } = await startRuntime(
    { devices: relay },
    { readRetries: 5, failureThreshold: 100 },
  );
  sim.setFaults('relay-0', { ioErrorRate: 1 });
  await rejectsKind(hw.write(ref('relay-0'), line('SET 1 ON')), 'IO_ERROR', 'write');
  assert.is(probe.calls.get('relay-0:write'), 1);
  await rejectsKind(hw.exchange(ref('relay-0'), line('SET 1 ON')), 'IO_ERROR', 'exchange');
  assert.is(probe.calls.get('relay-0:write'), 2);
  await hw.stop();
});

test('a device is DOWN after failureThreshold consecutive failures, then probed back UP', async () => {
  const { hw, sim } = await startRuntime(
    { devices: relay },
    { failureThreshold: 3, readRetries: 0, probeIntervalMs: 20 },
  );
  const events: HardwareEvent[] = [];
  hw.subscribe((event) => events.push(event));
  sim.setFaults('relay-0', { ioErrorRate: 1 });
  for (let i = 0; i < 3; i += 1) await rejectsKind(hw.write(ref('relay-0'), line('PING')), 'IO_ERROR');
  assert.is(hw.health(ref('relay-0')).state, 'DOWN');
  const refused = await rejectsKind(hw.write(ref('relay-0'), line('PING')), 'DEVICE_DOWN', 'while DOWN');
  assert.match(refused.message, /3 consecutive failures/);
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.is(hw.health(ref('relay-0')).state, 'DOWN', 'the probe fails while the fault lasts');
  sim.setFaults('relay-0', {});
  await eventually(() => hw.health(ref('relay-0')).state === 'UP', 'the probe to bring it UP');
  assert.is(text(await hw.exchange(ref('relay-0'), line('PING'))), 'PONG\n');
  const states = events.flatMap((event) => (event.type === 'health' ? [event.health.state] : []));
  assert.equal(states, ['DOWN', 'UP']);
  await hw.stop();
});

test('a success resets the failure count', async () => {
  const { hw, sim } = await startRuntime({ devices: relay }, { failureThreshold: 2, readRetries: 0 });
  sim.setFaults('relay-0', { ioErrorRate: 1 });
  await rejectsKind(hw.write(ref('relay-0'), line('PING')), 'IO_ERROR');
  sim.setFaults('relay-0', {});
  await hw.exchange(ref('relay-0'), line('PING'));
  sim.setFaults('relay-0', { ioErrorRate: 1 });
  await rejectsKind(hw.write(ref('relay-0'), line('PING')), 'IO_ERROR');
  assert.is(hw.health(ref('relay-0')).state, 'UP');
  assert.is(hw.health(ref('relay-0')).consecutiveFailures, 1);
  await hw.stop();
});

test('hot-plug: unplug and plug raise detach and attach; a read in flight fails DEVICE_ABSENT', async () => {
  const { hw, sim } = await startRuntime({ devices: relay }, { timeoutMs: 60_000 });
  const events: HardwareEvent[] = [];
  hw.subscribe((event) => events.push(event));
  await eventually(() => hw.present('simulated').length === 1, 'the initial listing');
  const reading = hw.read(ref('relay-0'), {}, {});
  await new Promise((resolve) => setTimeout(resolve, 20));
  sim.unplug('relay-0');
  await rejectsKind(reading, 'DEVICE_ABSENT', 'read at unplug');
  assert.equal(hw.present('simulated'), []);
  sim.plug('relay-0');
  assert.equal(
    events.flatMap((event) => (event.type === 'attach' || event.type === 'detach' ? [event.type] : [])),
    ['detach', 'attach'],
  );
  assert.is(
    text(await hw.exchange(ref('relay-0'), line('PING'))),
    'PONG\n',
    'usable again after plugging in',
  );
  await hw.stop();
});

test('an adapter whose hot-plug events fail to start is re-enumerated instead', async () => {
  const sim = createSimulatedAdapter({ devices: relay });
  const adapter: Adapter = {
    name: sim.name,
    presence: sim.presence,
    initialize: () => sim.initialize(),
    available: () => sim.available(),
    start: () => Promise.reject(new Error('hot-plug is not supported here')),
    stop: () => sim.stop(),
    discover: (signal) => sim.discover(signal),
    open: (deviceId, signal) => sim.open(deviceId, signal),
  };
  const hw = createHardwareRuntime({ adapters: [adapter], rediscoverIntervalMs: 20 });
  const events: string[] = [];
  hw.subscribe((event) => {
    if (event.type !== 'health') events.push(`${event.type} ${event.device.id}`);
  });
  await hw.start();
  assert.ok(hw.adapters()[0]?.availability.ok, 'the adapter is still available');
  await eventually(() => hw.present('simulated').length === 1, 'the initial listing');
  sim.unplug('relay-0');
  await eventually(() => events.length === 1, 'the detach found by re-enumeration');
  sim.plug('relay-0');
  await eventually(() => events.length === 2, 'the attach found by re-enumeration');
  assert.equal(events, ['detach relay-0', 'attach relay-0']);
  await hw.stop();
});

test('closing a device with a read in flight ends that read, and the device reopens', async () => {
  const { hw, probe } = await startRuntime({ devices: relay }, { timeoutMs: 60_000 });
  const reading = hw.read(ref('relay-0'));
  await eventually(() => probe.signals.length === 1, 'the read to start');
  await hw.closeDevice(ref('relay-0'));
  await rejectsKind(reading, 'CANCELLED', 'read at close');
  assert.is(text(await hw.exchange(ref('relay-0'), line('PING'))), 'PONG\n');
  assert.is(probe.opens(), 2);
  await hw.stop();
});

test('an adapter that ignores its signal keeps the slot only for the grace, then its connection is closed', async () => {
  const sim = createSimulatedAdapter({ devices: relay });
  const deaf: Adapter = {
    name: sim.name,
    presence: sim.presence,
    initialize: () => sim.initialize(),
    available: () => sim.available(),
    start: (onPresence) => sim.start(onPresence),
    stop: () => sim.stop(),
    discover: (signal) => sim.discover(signal),
    open: async (deviceId, signal) => {
      const inner = await sim.open(deviceId, signal);
      const deafTo = new AbortController().signal; // the adapter bug under test: signals are dropped
      return {
        read: (request) => inner.read(request, deafTo),
        write: (data, request) => inner.write(data, request, deafTo),
        close: () => inner.close(),
      };
    },
  };
  const probe = instrument(deaf);
  const hw = createHardwareRuntime({
    adapters: [probe.adapter],
    timeoutMs: 30,
    abandonGraceMs: 50,
    readRetries: 0,
    failureThreshold: 100,
  });
  await hw.start();
  const first = hw.read(ref('relay-0')); // nothing to read: hangs in the deaf adapter
  const second = hw.exchange(ref('relay-0'), line('PING'));
  await rejectsKind(first, 'TIMEOUT', 'the deaf read');
  assert.is(text(await second), 'PONG\n', 'the queue moved on after the grace');
  assert.is(probe.maxInFlight.get('relay-0'), 1, 'never two operations in flight on the device');
  assert.is(probe.opens(), 2, 'the stuck connection was closed and a new one opened');
  await hw.stop();
});

test.run();
