import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { DevicesConfig } from '../../../../src/platform/config/index.ts';
import { createDeviceHardware } from '../../../../src/services/devices/device-hardware.ts';

const config = (adapters: string[]): DevicesConfig => ({
  adapters,
  allowList: [],
  profilesDir: undefined,
  queueDepth: 32,
  jobRetentionMs: 86_400_000,
  recordReadings: false,
});

const reasonOf = (hardware: ReturnType<typeof createDeviceHardware>, name: string) => {
  const availability = hardware.adapter(name)?.availability;
  return availability === undefined || availability.ok ? 'ok' : availability.message;
};

test('hid, usb and serial are not loaded at start, the simulated bench is; use() loads one', async () => {
  const hardware = createDeviceHardware({ config: config(['simulated', 'hid', 'usb', 'serial']) });
  await hardware.start();
  assert.is(reasonOf(hardware, 'simulated'), 'ok');
  for (const name of ['hid', 'usb', 'serial']) assert.match(reasonOf(hardware, name), /not loaded yet/, name);
  await hardware.use(['serial', 'no-such-adapter']);
  // Loaded now: available here, or unavailable for a real reason (no library, no udevadm).
  assert.not.match(reasonOf(hardware, 'serial'), /not loaded yet/);
  assert.match(reasonOf(hardware, 'usb'), /not loaded yet/, 'the others stay unloaded');
  await hardware.stop();
});

test.run();
