import { SerialPortMock } from 'serialport';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createFramer, createSerialAdapter } from '../../../src/hardware/adapters/serial/index.ts';
import { createHardwareRuntime, type HardwareEvent } from '../../../src/hardware/index.ts';
import { registerAdapterContract } from './adapter-contract.case.ts';
import { UnpluggableBinding } from './fakes/unpluggable-mock-binding.ts';
import { rejectsKind } from './helpers.ts';
import { eventually, line, text, timeoutSignal } from './instrumented-adapter.ts';

const PORT = '/dev/ttyMOCK0';
const never = () => new AbortController().signal;

registerAdapterContract('serial (binding-mock)', {
  async create() {
    const binding = new UnpluggableBinding();
    binding.createPort(PORT);
    const adapter = createSerialAdapter({ loadNative: async () => binding.native() });
    return {
      adapter,
      deviceId: PORT,
      command: { data: line('PING'), expect: (answer) => assert.is(text(answer), 'PING\n') },
      unplug: () => binding.unplug(PORT),
    };
  },
});

test('works with serialport’s own SerialPortMock and MockBinding unchanged', async () => {
  SerialPortMock.binding.reset();
  SerialPortMock.binding.createPort('/dev/ttyPLAIN', { echo: true });
  const adapter = createSerialAdapter({
    loadNative: async () => ({
      list: () => SerialPortMock.list(),
      open: (options) => new SerialPortMock(options),
    }),
    defaults: { baudRate: 115200 },
  });
  await adapter.initialize();
  assert.equal(
    (await adapter.discover(never())).map((device) => device.id),
    ['/dev/ttyPLAIN'],
  );
  const connection = await adapter.open('/dev/ttyPLAIN', never());
  await connection.write(Buffer.from('a\nbc\n'), {}, never());
  assert.is(text(await connection.read({}, never())), 'a\n');
  assert.is(text(await connection.read({}, never())), 'bc\n');
  await connection.close();
  await adapter.stop();
});

test('length framing returns fixed-size frames', async () => {
  const binding = new UnpluggableBinding();
  binding.createPort(PORT, { echo: false });
  const adapter = createSerialAdapter({
    loadNative: async () => binding.native(),
    ports: { [PORT]: { framing: { kind: 'length', length: 4 } } },
  });
  await adapter.initialize();
  const connection = await adapter.open(PORT, never());
  binding.emit(PORT, 'abcdefghij');
  assert.is(text(await connection.read({}, never())), 'abcd');
  assert.is(text(await connection.read({}, never())), 'efgh');
  await rejectsKind(connection.read({}, timeoutSignal(30)), 'TIMEOUT', 'partial frame');
  await connection.close();
  await adapter.stop();
});

test('the framer cuts lines with any delimiter, bounds line length, keeps partial input', () => {
  const crlf = createFramer({ kind: 'line', delimiter: '\r\n', maxLength: 8 });
  assert.equal(crlf.push(Buffer.from('OK\r')).map(text), []);
  assert.equal(crlf.push(Buffer.from('\nV 5\r\n')).map(text), ['OK\r\n', 'V 5\r\n']);
  assert.equal(crlf.push(Buffer.from('0123456789')).map(text), ['01234567'], 'an over-long line is cut');
  for (const framing of [
    { kind: 'line' as const, delimiter: '' },
    { kind: 'line' as const, maxLength: 0 },
    { kind: 'length' as const, length: 1e9 },
  ]) {
    assert.throws(() => createFramer(framing), /framing/);
  }
});

test('permission denied and missing ports are told apart', async () => {
  const binding = new UnpluggableBinding();
  binding.createPort(PORT);
  binding.denied.add(PORT);
  const adapter = createSerialAdapter({ loadNative: async () => binding.native() });
  await adapter.initialize();
  const error = await rejectsKind(adapter.open(PORT, never()), 'PERMISSION_DENIED', 'open');
  assert.match(error.message, /dialout/);
  await rejectsKind(adapter.open('/dev/ttyNOPE', never()), 'DEVICE_ABSENT', 'open');
  await adapter.stop();
});

test('serialport missing, or port listing impossible, makes the adapter unavailable with the reason', async () => {
  const missing = createSerialAdapter({
    loadNative: () => Promise.reject(new Error("Cannot find package 'serialport'")),
  });
  await missing.initialize();
  const why = missing.available();
  assert.ok(!why.ok && why.reason === 'DRIVER_MISSING' && /serialport/.test(why.message));
  const noUdev = createSerialAdapter({
    loadNative: async () => ({
      list: () => Promise.reject(new Error('spawn udevadm ENOENT')),
      open: () => {
        throw new Error('nothing is opened when listing fails');
      },
    }),
  });
  await noUdev.initialize();
  const because = noUdev.available();
  assert.ok(!because.ok && /udevadm/.test(because.message));
});

test('bad settings are refused when the adapter is created', () => {
  assert.throws(() => createSerialAdapter({ defaults: { baudRate: 0 } }), /baudRate/);
  assert.throws(
    () => createSerialAdapter({ ports: { [PORT]: { framing: { kind: 'length', length: -1 } } } }),
    /framing/,
  );
});

test('through the runtime, re-enumeration reports a port added and one unplugged', async () => {
  const binding = new UnpluggableBinding();
  binding.createPort(PORT);
  const adapter = createSerialAdapter({ loadNative: async () => binding.native() });
  const runtime = createHardwareRuntime({ adapters: [adapter], rediscoverIntervalMs: 20 });
  const events: string[] = [];
  runtime.subscribe((event: HardwareEvent) => {
    if (event.type !== 'health') events.push(`${event.type} ${event.device.id}`);
  });
  await runtime.start();
  await eventually(() => runtime.present('serial').length === 1, 'the initial listing');
  assert.is(text(await runtime.exchange({ adapter: 'serial', deviceId: PORT }, line('HELLO'))), 'HELLO\n');
  binding.createPort('/dev/ttyMOCK1');
  await eventually(() => events.length === 1, 'the attach');
  binding.unplug(PORT);
  await eventually(() => events.length === 2, 'the detach');
  assert.equal(events, ['attach /dev/ttyMOCK1', `detach ${PORT}`]);
  await runtime.stop();
});

test.run();
