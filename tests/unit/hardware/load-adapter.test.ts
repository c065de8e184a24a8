import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  ADAPTER_NAMES,
  createUnavailableAdapter,
  loadAdapter,
} from '../../../src/hardware/adapters/index.ts';
import { createHardwareRuntime, isHardwareError, unavailable } from '../../../src/hardware/index.ts';
import { rejectsKind } from './helpers.ts';

test('every shipped adapter loads by name, with its options', async () => {
  for (const name of ADAPTER_NAMES) {
    const adapter = await loadAdapter(name);
    assert.is(adapter.name, name);
  }
  const simulated = await loadAdapter('simulated', { devices: [{ id: 'only-relay', model: 'relay-board' }] });
  await simulated.initialize();
  assert.equal(
    (await simulated.discover(new AbortController().signal)).map((device) => device.id),
    ['only-relay'],
  );
});

test('bad options still throw INVALID_REQUEST naming the field', async () => {
  try {
    await loadAdapter('hid', { allowList: [{ vendorId: 0x1_0000, productId: 1 }] });
    assert.unreachable('accepted a vendor id above 0xffff');
  } catch (error) {
    assert.ok(isHardwareError(error, 'INVALID_REQUEST') && /allowList\[0\]\.vendorId/.test(error.message));
  }
});

test('an adapter whose code cannot load is listed unavailable with the reason; the others run', async () => {
  const broken = createUnavailableAdapter(
    'hid',
    unavailable('DRIVER_MISSING', 'node-hid could not be loaded: test'),
  );
  const runtime = createHardwareRuntime({ adapters: [broken, await loadAdapter('simulated')] });
  await runtime.start();
  assert.equal(
    runtime.adapters().map((status) => [status.name, status.availability.ok]),
    [
      ['hid', false],
      ['simulated', true],
    ],
  );
  await rejectsKind(runtime.discover('hid'), 'UNAVAILABLE', 'discover on the broken adapter');
  assert.is((await runtime.discover('simulated')).length, 3);
  await runtime.stop();
});

test.run();
