/**
 * Smoke test against the real native libraries on this machine (no hardware attached is fine):
 * loading node-hid, usb and serialport reports available, or unavailable with a precise
 * reason, and listing devices never crashes.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHidAdapter } from '../../../src/hardware/adapters/hid/index.ts';
import { createSerialAdapter } from '../../../src/hardware/adapters/serial/index.ts';
import { createUsbAdapter } from '../../../src/hardware/adapters/usb/index.ts';
import { type Adapter, createHardwareRuntime, UnavailableReason } from '../../../src/hardware/index.ts';

const REASONS = new Set<string>(Object.values(UnavailableReason));

for (const [name, create] of [
  ['node-hid', () => createHidAdapter()],
  ['usb (libusb)', () => createUsbAdapter()],
  ['serialport', () => createSerialAdapter()],
] as Array<[string, () => Adapter]>) {
  test(`real ${name}: available, or unavailable with a reason; listing does not crash`, async () => {
    const adapter = create();
    await adapter.initialize();
    const availability = adapter.available();
    if (availability.ok) {
      const devices = await adapter.discover(new AbortController().signal);
      assert.ok(Array.isArray(devices));
      for (const device of devices) assert.type(device.id, 'string');
    } else {
      assert.ok(REASONS.has(availability.reason), availability.reason);
      assert.ok(
        availability.message.length > 10,
        `a message an operator can act on: ${availability.message}`,
      );
      console.log(`  ${name} unavailable here: ${availability.reason}: ${availability.message}`);
    }
    await adapter.stop({ force: true });
  });
}

test('a runtime over every real adapter starts and stops cleanly, whatever is missing', async () => {
  const runtime = createHardwareRuntime({
    adapters: [createHidAdapter(), createUsbAdapter(), createSerialAdapter()],
  });
  await runtime.start();
  const statuses = runtime.adapters();
  assert.equal(
    statuses.map((status) => status.name),
    ['hid', 'usb', 'serial'],
  );
  assert.equal(statuses[0]?.allowList, [], 'the HID allow-list is shown, empty by default');
  assert.equal(statuses[1]?.allowList, [], 'the USB allow-list is shown, empty by default');
  await runtime.stop();
});

test.run();
