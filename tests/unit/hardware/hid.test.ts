import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHidAdapter } from '../../../src/hardware/adapters/hid/index.ts';
import { createHardwareRuntime } from '../../../src/hardware/index.ts';
import { registerAdapterContract } from './adapter-contract.case.ts';
import { FakeHidBus } from './fakes/fake-node-hid.ts';
import { rejectsKind } from './helpers.ts';
import { eventually, timeoutSignal } from './instrumented-adapter.ts';

const ALLOWED = { vendorId: 0x16c0, productId: 0x05df };
const DEVICE_ID = '16c0:05df:SN1:0';

function setUp(options: { allowList?: (typeof ALLOWED)[] } = {}) {
  const bus = new FakeHidBus();
  bus.add({ path: '/dev/hidraw0', serialNumber: 'SN1', product: 'Loopback' });
  const adapter = createHidAdapter({
    allowList: options.allowList ?? [ALLOWED],
    loadNative: async () => bus.module(),
    readSliceMs: 10,
  });
  return { bus, adapter };
}
const never = () => new AbortController().signal;

registerAdapterContract('hid (fake node-hid)', {
  async create() {
    const { bus, adapter } = setUp();
    return {
      adapter,
      deviceId: DEVICE_ID,
      command: {
        data: Buffer.from([1, 2, 3]),
        expect: (answer) => assert.equal([...answer], [1, 2, 3]),
      },
      unplug: () => bus.unplug('/dev/hidraw0'),
    };
  },
});

test('node-hid missing: the adapter is unavailable with DRIVER_MISSING, nothing crashes', async () => {
  const missing = Object.assign(new Error("Cannot find package 'node-hid' imported from hid-native.ts"), {
    code: 'ERR_MODULE_NOT_FOUND',
  });
  const adapter = createHidAdapter({ loadNative: () => Promise.reject(missing) });
  await adapter.initialize();
  const availability = adapter.available();
  assert.is(availability.ok, false);
  if (!availability.ok) {
    assert.is(availability.reason, 'DRIVER_MISSING');
    assert.match(availability.message, /node-hid/);
  }
  const runtime = createHardwareRuntime({ adapters: [adapter] });
  await runtime.start();
  await rejectsKind(runtime.discover('hid'), 'UNAVAILABLE', 'discover on a missing driver');
  assert.equal(runtime.adapters()[0]?.availability, availability);
  await runtime.stop();
});

test('the native binding failing to load on first use is DRIVER_MISSING', async () => {
  const bus = new FakeHidBus();
  const module = bus.module();
  module.devicesAsync = () =>
    Promise.reject(new Error('libudev.so.1: cannot open shared object file: No such file'));
  const adapter = createHidAdapter({ loadNative: async () => module });
  await adapter.initialize();
  const availability = adapter.available();
  assert.ok(
    !availability.ok && availability.reason === 'DRIVER_MISSING' && /libudev/.test(availability.message),
  );
});

test('permission denied on open is reported per device as PERMISSION_DENIED', async () => {
  const { bus, adapter } = setUp();
  bus.denied.add('/dev/hidraw0');
  await adapter.initialize();
  assert.ok(adapter.available().ok, 'the adapter itself stays available');
  const error = await rejectsKind(adapter.open(DEVICE_ID, never()), 'PERMISSION_DENIED', 'open');
  assert.match(error.message, /16c0:05df:SN1:0/);
});

test('a device off the allow-list is listed as NOT_ALLOWED and never opened', async () => {
  const { bus, adapter } = setUp({ allowList: [] });
  await adapter.initialize();
  const [device] = await adapter.discover(never());
  assert.equal(device?.availability.ok, false);
  assert.ok(device && !device.availability.ok && device.availability.reason === 'NOT_ALLOWED');
  await rejectsKind(adapter.open(DEVICE_ID, never()), 'NOT_ALLOWED', 'open');
  assert.is(bus.handles.length, 0, 'no native handle was opened');
  assert.equal(adapter.allowList, []);
});

test('output, input and feature reports carry their report ids', async () => {
  const { bus, adapter } = setUp();
  await adapter.initialize();
  const connection = await adapter.open(DEVICE_ID, never());
  await connection.write(Buffer.from([9, 8]), { target: 'output:5' }, never());
  assert.equal([...(await connection.read({ target: 'input' }, never()))], [9, 8]);
  await connection.write(Buffer.from([0xaa, 0xbb]), { target: 'feature:3' }, never());
  assert.equal([...(await connection.read({ target: 'feature:3', length: 2 }, never()))], [3, 0xaa]);
  bus.input('/dev/hidraw0', Buffer.from([7]));
  assert.equal([...(await connection.read({}, never()))], [7]);
  await connection.close();
  assert.ok(
    bus.handles.every((handle) => handle.closed),
    'the native handle is closed',
  );
});

test('malformed targets and oversized reports are INVALID_REQUEST', async () => {
  const { adapter } = setUp();
  await adapter.initialize();
  const connection = await adapter.open(DEVICE_ID, never());
  for (const target of [
    'output:256',
    'feature',
    'input:1',
    "feature:1'; DROP",
    'bulk:0x81',
    'feature:\u00001',
  ]) {
    await rejectsKind(
      connection.write(Buffer.of(1), { target }, never()),
      'INVALID_REQUEST',
      `write ${target}`,
    );
  }
  await rejectsKind(
    connection.read({ target: 'feature:1', length: 1e9 }, never()),
    'INVALID_REQUEST',
    'huge length',
  );
  await rejectsKind(connection.write(Buffer.alloc(5000), {}, never()), 'INVALID_REQUEST', 'huge report');
  await connection.close();
});

test('a report that arrives after its read timed out is kept for the next read', async () => {
  const { bus, adapter } = setUp();
  await adapter.initialize();
  const connection = await adapter.open(DEVICE_ID, never());
  await rejectsKind(connection.read({}, timeoutSignal(15)), 'TIMEOUT', 'no report yet');
  bus.input('/dev/hidraw0', Buffer.from([42]));
  assert.equal([...(await connection.read({}, never()))], [42]);
  await connection.close();
});

test('an open given up by its caller closes the handle that still arrives', async () => {
  const { bus } = setUp();
  const controller = new AbortController();
  const module = bus.module();
  const open = module.HIDAsync.open;
  module.HIDAsync = {
    open: async (path) => {
      controller.abort(); // the caller gives up while the native open runs
      return open(path);
    },
  };
  const adapter = createHidAdapter({ allowList: [ALLOWED], loadNative: async () => module });
  await adapter.initialize();
  await rejectsKind(adapter.open(DEVICE_ID, controller.signal), 'CANCELLED', 'cancelled open');
  await eventually(
    () => bus.handles.length === 1 && bus.handles.every((handle) => handle.closed),
    'the late handle closed',
  );
});

test('through the runtime, polling re-enumeration reports HID attach and detach', async () => {
  const { bus, adapter } = setUp();
  const runtime = createHardwareRuntime({ adapters: [adapter], rediscoverIntervalMs: 20 });
  const events: string[] = [];
  runtime.subscribe((event) => {
    if (event.type === 'attach' || event.type === 'detach') events.push(`${event.type} ${event.device.id}`);
  });
  await runtime.start();
  const deadline = Date.now() + 10_000;
  while (runtime.present('hid').length !== 1 && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 10));
  bus.add({ path: '/dev/hidraw1', serialNumber: 'SN2' });
  while (events.length < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  bus.unplug('/dev/hidraw0');
  while (events.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  assert.equal(events, ['attach 16c0:05df:SN2:0', `detach ${DEVICE_ID}`]);
  await runtime.stop();
});

test.run();
