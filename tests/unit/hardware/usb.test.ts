import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createUsbAdapter } from '../../../src/hardware/adapters/usb/index.ts';
import { createHardwareRuntime, type HardwareEvent } from '../../../src/hardware/index.ts';
import { registerAdapterContract } from './adapter-contract.case.ts';
import { FakeUsb, FakeUsbDevice } from './fakes/fake-usb.ts';
import { rejectsKind } from './helpers.ts';
import { eventually } from './instrumented-adapter.ts';

const VID = 0x1209;
const PID = 0x0001;
const DEVICE_ID = '1-2.3:1209:0001:SN42';
const BULK = { write: { target: 'bulk:0x01' }, read: { target: 'bulk:0x81', length: 64 } };
const never = () => new AbortController().signal;

function setUp(options: { detachKernelDriver?: boolean; allow?: boolean } = {}) {
  const bus = new FakeUsb();
  const device = bus.plug(new FakeUsbDevice(1, [2, 3], VID, PID, 'SN42'), false);
  const allowList =
    options.allow === false
      ? []
      : [{ vendorId: VID, productId: PID, detachKernelDriver: options.detachKernelDriver }];
  const adapter = createUsbAdapter({ allowList, loadNative: async () => bus.module() });
  return { bus, device, adapter };
}

registerAdapterContract('usb (fake usb)', {
  async create() {
    const { bus, device, adapter } = setUp();
    return {
      adapter,
      deviceId: DEVICE_ID,
      command: {
        data: Buffer.from('ping'),
        write: BULK.write,
        read: BULK.read,
        expect: (answer) => assert.is(Buffer.from(answer).toString(), 'ping'),
      },
      unplug: () => bus.unplug(device),
    };
  },
});

test('a device is identified by bus, port path, vendor:product and serial, never by address', async () => {
  const { adapter, device } = setUp();
  await adapter.initialize();
  const [info] = await adapter.discover(never());
  assert.is(info?.id, DEVICE_ID);
  assert.is(info?.serialNumber, 'SN42');
  device.deviceAddress = 99; // re-enumerated on the same port
  const [again] = await adapter.discover(never());
  assert.is(again?.id, DEVICE_ID);
});

test('usb missing or libusb failing to start: unavailable with DRIVER_MISSING', async () => {
  const missing = createUsbAdapter({
    loadNative: () =>
      Promise.reject(Object.assign(new Error("Cannot find package 'usb'"), { code: 'ERR_MODULE_NOT_FOUND' })),
  });
  await missing.initialize();
  const why = missing.available();
  assert.ok(!why.ok && why.reason === 'DRIVER_MISSING');
  const broken = createUsbAdapter({
    loadNative: async () => ({
      getDeviceList: () => {
        throw new Error('LIBUSB_ERROR_OTHER');
      },
      usb: new FakeUsb().module().usb,
    }),
  });
  await broken.initialize();
  const availability = broken.available();
  assert.ok(
    !availability.ok && availability.reason === 'DRIVER_MISSING' && /libusb/.test(availability.message),
  );
});

test('permission denied is one device’s reason: listed as PERMISSION_DENIED, open refused', async () => {
  const { adapter, bus } = setUp();
  const denied = bus.plug(new FakeUsbDevice(1, [4], VID, PID, 'SN43'), false);
  denied.denied = true;
  await adapter.initialize();
  assert.ok(adapter.available().ok);
  const devices = await adapter.discover(never());
  assert.is(devices.length, 2, 'the device without permission is still listed');
  const blocked = devices.find((device) => device.id.startsWith('1-4:'));
  assert.ok(blocked && !blocked.availability.ok && blocked.availability.reason === 'PERMISSION_DENIED');
  await rejectsKind(adapter.open('1-4:1209:0001', never()), 'PERMISSION_DENIED', 'open');
  const usable = devices.find((device) => device.id === DEVICE_ID);
  assert.equal(usable?.availability, { ok: true });
});

test('a device off the allow-list is never opened, not even to read its serial', async () => {
  const { adapter, device } = setUp({ allow: false });
  let opened = 0;
  const open = device.open.bind(device);
  device.open = (defaultConfig) => {
    opened += 1;
    open(defaultConfig);
  };
  await adapter.initialize();
  const [info] = await adapter.discover(never());
  assert.ok(info && !info.availability.ok && info.availability.reason === 'NOT_ALLOWED');
  await rejectsKind(adapter.open(info.id, never()), 'NOT_ALLOWED', 'open');
  assert.is(opened, 0);
});

test('control transfers write and read back; interrupt endpoints are typed', async () => {
  const { adapter } = setUp();
  await adapter.initialize();
  const connection = await adapter.open(DEVICE_ID, never());
  await connection.write(Buffer.from([1, 2, 3]), { target: 'control:0x40:0x09:0:0' }, never());
  const back = await connection.read({ target: 'control:0xc0:9:0:0', length: 2 }, never());
  assert.equal([...back], [1, 2]);
  await rejectsKind(
    connection.read({ target: 'interrupt:0x81' }, never()),
    'INVALID_REQUEST',
    'bulk endpoint as interrupt',
  );
  await rejectsKind(
    connection.read({ target: 'bulk:0x01' }, never()),
    'INVALID_REQUEST',
    'read from an OUT endpoint',
  );
  await rejectsKind(connection.read({ target: 'bulk:0x85' }, never()), 'NOT_SUPPORTED', 'missing endpoint');
  await rejectsKind(
    connection.read({ target: 'control:0x40:1:0:0' }, never()),
    'INVALID_REQUEST',
    'OUT control as read',
  );
  for (const target of [
    undefined,
    'bulk',
    'bulk:0x1ff',
    'control:1:2:3',
    'bulk:0x81;rm -rf /',
    'bulk:\u00000x81',
  ]) {
    await rejectsKind(
      connection.read(target === undefined ? {} : { target }, never()),
      'INVALID_REQUEST',
      `target ${target}`,
    );
  }
  await rejectsKind(
    connection.read({ ...BULK.read, length: 2 ** 31 }, never()),
    'INVALID_REQUEST',
    'huge length',
  );
  await connection.close();
});

test('a kernel driver is detached only when the allow-list entry permits, and re-attached on close', async () => {
  const refused = setUp();
  refused.device.kernelDriver = true;
  await refused.adapter.initialize();
  const connection = await refused.adapter.open(DEVICE_ID, never());
  const error = await rejectsKind(
    connection.write(Buffer.of(1), BULK.write, never()),
    'DEVICE_BUSY',
    'claim',
  );
  assert.match(error.message, /kernel driver/);
  assert.ok(refused.device.kernelDriver, 'the kernel driver was left alone');
  await connection.close();

  const permitted = setUp({ detachKernelDriver: true });
  permitted.device.kernelDriver = true;
  await permitted.adapter.initialize();
  const claimed = await permitted.adapter.open(DEVICE_ID, never());
  await claimed.write(Buffer.of(1), BULK.write, never());
  assert.ok(permitted.device.detachedByHost);
  await claimed.close();
  assert.ok(permitted.device.kernelDriver, 're-attached on close');
});

test('an aborted bulk read cancels the libusb transfer', async () => {
  const { adapter, device } = setUp();
  await adapter.initialize();
  const connection = await adapter.open(DEVICE_ID, never());
  const controller = new AbortController();
  const reading = connection.read(BULK.read, controller.signal);
  await eventually(() => device.pendingIn.size === 1, 'the transfer to be submitted');
  controller.abort();
  await rejectsKind(reading, 'CANCELLED', 'aborted read');
  assert.is(device.pendingIn.size, 0, 'no transfer left pending');
  await connection.close();
});

test('through the runtime, libusb attach/detach events become hot-plug events at once', async () => {
  const { adapter, bus, device } = setUp();
  const runtime = createHardwareRuntime({ adapters: [adapter], rediscoverIntervalMs: 3_600_000 });
  const events: HardwareEvent[] = [];
  runtime.subscribe((event) => events.push(event));
  await runtime.start();
  await eventually(() => runtime.present('usb').length === 1, 'the initial listing');
  const second = bus.plug(new FakeUsbDevice(2, [1], VID, PID, 'SN99'));
  await eventually(() => events.length === 1, 'the attach event');
  bus.unplug(device);
  await eventually(() => events.length === 2, 'the detach event');
  assert.equal(
    events.map((event) => (event.type === 'health' ? event.type : `${event.type} ${event.device.id}`)),
    ['attach 2-1:1209:0001:SN99', `detach ${DEVICE_ID}`],
  );
  assert.equal(
    runtime.present('usb').map((info) => info.id),
    ['2-1:1209:0001:SN99'],
  );
  assert.ok(second);
  await runtime.stop();
});

test.run();
