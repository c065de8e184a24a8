import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSimulatedAdapter } from '../../../src/hardware/adapters/simulated/index.ts';
import { type Adapter, createHardwareRuntime, isHardwareError } from '../../../src/hardware/index.ts';
import { ref, rejectsKind } from './helpers.ts';
import { line, text } from './instrumented-adapter.ts';

const relay = [{ id: 'relay-0', model: 'relay-board' as const }];

/** A simulated adapter that counts its initializations (where a native library would load). */
function counted() {
  const sim = createSimulatedAdapter({ devices: relay });
  const count = { initialize: 0 };
  const adapter: Adapter = {
    name: sim.name,
    presence: sim.presence,
    initialize: () => {
      count.initialize += 1;
      return sim.initialize();
    },
    available: () => sim.available(),
    start: (onPresence) => sim.start(onPresence),
    stop: () => sim.stop(),
    discover: (signal) => sim.discover(signal),
    open: (deviceId, signal) => sim.open(deviceId, signal),
  };
  return { adapter, count };
}

async function dormantRuntime() {
  const { adapter, count } = counted();
  const hw = createHardwareRuntime({ adapters: [adapter], loadOnFirstUse: ['simulated'] });
  await hw.start();
  return { hw, count };
}

test('an adapter loaded on first use is not initialized by start, and says so', async () => {
  const { hw, count } = await dormantRuntime();
  assert.is(count.initialize, 0);
  const [status] = hw.adapters();
  assert.ok(status && !status.availability.ok);
  assert.ok(!status.availability.ok && status.availability.reason === 'NOT_INITIALIZED');
  assert.match(!status.availability.ok ? status.availability.message : '', /not loaded yet/);
  assert.equal(hw.present('simulated'), []);
  const error = (() => {
    try {
      hw.health(ref('relay-0'));
    } catch (thrown) {
      return thrown;
    }
    return undefined;
  })();
  assert.ok(
    isHardwareError(error) && error.kind === 'UNAVAILABLE',
    'health of a device on it is UNAVAILABLE',
  );
  await hw.stop();
});

test('the first operations on a device load its adapter once, then are answered', async () => {
  const { hw, count } = await dormantRuntime();
  const answers = await Promise.all([
    hw.exchange(ref('relay-0'), line('PING')),
    hw.exchange(ref('relay-0'), line('PING')),
  ]);
  assert.equal(answers.map(text), ['PONG\n', 'PONG\n']);
  assert.is(count.initialize, 1);
  assert.ok(hw.adapters()[0]?.availability.ok, 'available once loaded');
  await hw.stop();
});

test('a scan loads the adapter; use() resolves once its devices are listed', async () => {
  const scanned = await dormantRuntime();
  assert.equal(
    (await scanned.hw.discover('simulated')).map((info) => info.id),
    ['relay-0'],
  );
  assert.is(scanned.count.initialize, 1);
  await scanned.hw.stop();

  const used = await dormantRuntime();
  await used.hw.use('simulated');
  assert.equal(
    used.hw.present('simulated').map((info) => info.id),
    ['relay-0'],
    'present right after use()',
  );
  await used.hw.use('simulated');
  assert.is(used.count.initialize, 1, 'use() again changes nothing');
  await used.hw.stop();
});

test('a stopped runtime never loads a dormant adapter', async () => {
  const { hw, count } = await dormantRuntime();
  await hw.stop();
  await hw.use('simulated');
  await rejectsKind(hw.read(ref('relay-0')), 'UNAVAILABLE', 'read after stop');
  assert.is(count.initialize, 0);
});

test('loadOnFirstUse naming no adapter is refused', () => {
  const { adapter } = counted();
  try {
    createHardwareRuntime({ adapters: [adapter], loadOnFirstUse: ['hid'] });
    assert.unreachable('accepted');
  } catch (error) {
    assert.ok(isHardwareError(error) && error.kind === 'INVALID_REQUEST');
    assert.match(error.message, /"hid"/);
  }
});

test.run();
