import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  type Device,
  type DeviceProfile,
  UpdateDeviceProfileRequest,
  type UpdateDeviceProfileResponse,
  UpdateDeviceRequest,
  type UpdateDeviceResponse,
} from '../../../src/gen/hcs/v1/devices.ts';
import { startTestApp } from '../../helpers/app.ts';
import { fetchAnswer } from '../../helpers/http.ts';
import { type DeviceBench, registerBench, startDeviceBench } from './device-fixtures.ts';

let bench: DeviceBench;

test.before(async () => {
  bench = await startDeviceBench();
});
test.after(async () => {
  await bench?.close();
});

test('the simulated adapter is listed AVAILABLE with its capabilities, and an unknown adapter is NOT_FOUND', async () => {
  const list = await bench.rest('GET', 'adapters');
  assert.is(list.status, 200, list.text);
  const adapters = list.json.adapters as Array<Record<string, unknown>>;
  assert.equal(
    adapters.map((a) => [a.name, a.state]),
    [['adapters/simulated', 'ADAPTER_STATE_AVAILABLE']],
  );
  assert.ok(((adapters[0]?.capabilities ?? []) as string[]).includes('ADAPTER_CAPABILITY_DISCOVERY'));
  const missing = await bench.rest('GET', 'adapters/nope');
  assert.is(missing.status, 404);
  assert.is((missing.json.details as Array<{ reason?: string }>)[0]?.reason, 'ADAPTER_NOT_FOUND');
});

test('DiscoverDevices lists the plugged-in instruments and flags those already registered', async () => {
  const before = await bench.rest('POST', 'adapters/simulated:discover', {});
  assert.is(before.status, 200, before.text);
  const found = before.json.discoveredDevices as Array<Record<string, unknown>>;
  assert.equal(
    found.map((d) => d.address),
    ['sim-psu-1', 'sim-relay-1', 'sim-th-1'],
  );
  assert.ok(found.every((d) => d.registered !== true));
  bench.sim.unplug('sim-psu-1');
  await registerBench(bench).catch(() => {});
  const after = await bench.rest('POST', 'adapters/simulated:discover', {});
  const again = after.json.discoveredDevices as Array<Record<string, unknown>>;
  assert.equal(
    again.map((d) => [d.address, d.device ?? '']),
    [
      ['sim-relay-1', 'devices/relay-1'],
      ['sim-th-1', 'devices/th-1'],
    ],
  );
  bench.sim.plug('sim-psu-1');
});

test('the built-in profiles are served read-only, with their commands', async () => {
  const list = await bench.rest('GET', 'deviceProfiles');
  const names = (list.json.deviceProfiles as DeviceProfile[]).map((p) => p.name);
  assert.equal(names, [
    'deviceProfiles/hid-usb-relay',
    'deviceProfiles/raw',
    'deviceProfiles/sim-power-supply',
    'deviceProfiles/sim-relay-board',
    'deviceProfiles/sim-thermo-hygrometer',
  ]);
  const relay = await bench.rest('GET', 'deviceProfiles/sim-relay-board');
  assert.is(relay.json.builtIn, true);
  assert.is(relay.json.deviceCount, 1);
  const update = await bench.rest('PATCH', 'deviceProfiles/sim-relay-board', { displayName: 'mine' });
  assert.is(update.status, 400);
  assert.match(update.text, /PROFILE_BUILT_IN/);
});

const sensorProfile = {
  displayName: 'Acme TH-20',
  manufacturer: 'Acme',
  resources: [{ name: 'temperature', valueType: 'VALUE_TYPE_DOUBLE', units: 'Cel', scale: 0.1 }],
  commands: [
    {
      name: 'read_temperature',
      kind: 'COMMAND_KIND_READ',
      resources: ['temperature'],
      attributes: { request: 'T?', reply: '^(?<temperature>[0-9.]+)$' },
    },
  ],
};

test('a profile is created, updated only with the current etag, and refused when inconsistent', async () => {
  const created = await bench.rest('POST', 'deviceProfiles', {
    deviceProfileId: 'acme-th20',
    deviceProfile: sensorProfile,
  });
  assert.is(created.status, 200, created.text);
  const profile = created.json as unknown as DeviceProfile;
  assert.is(profile.etag, 'W/"1"');
  const updated = await bench.grpc<unknown, UpdateDeviceProfileResponse>(
    'updateDeviceProfile',
    UpdateDeviceProfileRequest.fromPartial({
      deviceProfile: { name: 'deviceProfiles/acme-th20', model: 'TH-20', etag: profile.etag },
      updateMask: ['model'],
    }),
  );
  assert.is(updated.error, undefined);
  assert.is(updated.response?.deviceProfile?.model, 'TH-20');
  assert.is(updated.response?.deviceProfile?.displayName, 'Acme TH-20');
  const stale = await bench.grpc(
    'updateDeviceProfile',
    UpdateDeviceProfileRequest.fromPartial({
      deviceProfile: { name: 'deviceProfiles/acme-th20', model: 'TH-21', etag: profile.etag },
      updateMask: ['model'],
    }),
  );
  assert.is(stale.error?.code, 10); // ABORTED
  assert.is(stale.details?.errorInfo?.reason, 'ETAG_MISMATCH');

  const inconsistent = await bench.rest('POST', 'deviceProfiles', {
    deviceProfileId: 'broken',
    deviceProfile: {
      ...sensorProfile,
      commands: [{ name: 'read', kind: 'COMMAND_KIND_READ', resources: ['pressure'] }],
    },
  });
  assert.is(inconsistent.status, 400);
  assert.match(inconsistent.text, /commands\[0\]\.resources\[0\]/);
  assert.match(inconsistent.text, /no resource named \\"pressure\\"/);
  const duplicate = await bench.rest('POST', 'deviceProfiles', {
    deviceProfileId: 'acme-th20',
    deviceProfile: sensorProfile,
  });
  assert.is(duplicate.status, 409);
});

test('devices: created, filtered, paged, updated with etags, and a used profile cannot be deleted', async () => {
  const taken = await bench.rest('POST', 'devices', {
    deviceId: 'th-copy',
    device: { adapter: 'adapters/simulated', address: 'sim-th-1', profile: 'deviceProfiles/acme-th20' },
  });
  assert.is(taken.status, 409);
  assert.match(taken.text, /ADDRESS_IN_USE/);
  const noProfile = await bench.rest('POST', 'devices', {
    deviceId: 'x',
    device: { adapter: 'adapters/simulated', address: 'sim-x', profile: 'deviceProfiles/none' },
  });
  assert.is(noProfile.status, 400);
  assert.match(noProfile.text, /PROFILE_NOT_FOUND/);

  const th = await bench.rest('GET', 'devices/th-1');
  const device = th.json as unknown as Device;
  assert.is(device.operatingState as unknown, 'OPERATING_STATE_UP');
  assert.is(device.presence as unknown, 'PRESENCE_PRESENT');
  assert.is(device.ready, true);

  const page1 = await bench.rest('GET', 'devices?pageSize=2&filter=labels.bench%20%3D%20%22a%22');
  assert.equal(
    (page1.json.devices as Device[]).map((d) => d.name),
    ['devices/psu-1', 'devices/relay-1'],
  );
  const page2 = await bench.rest(
    'GET',
    `devices?pageSize=2&filter=labels.bench%20%3D%20%22a%22&pageToken=${page1.json.nextPageToken}`,
  );
  assert.equal(
    (page2.json.devices as Device[]).map((d) => d.name),
    ['devices/th-1'],
  );
  const byProfile = await bench.rest(
    'GET',
    `devices?filter=${encodeURIComponent('profile = "deviceProfiles/sim-relay-board"')}`,
  );
  assert.equal(
    (byProfile.json.devices as Device[]).map((d) => d.name),
    ['devices/relay-1'],
  );
  const badFilter = await bench.rest('GET', `devices?filter=${encodeURIComponent('color = "red"')}`);
  assert.is(badFilter.status, 400);

  const locked = await bench.grpc<unknown, UpdateDeviceResponse>(
    'updateDevice',
    UpdateDeviceRequest.fromPartial({
      device: { name: 'devices/th-1', adminState: 1, etag: device.etag, profile: 'deviceProfiles/acme-th20' },
      updateMask: ['admin_state', 'profile'],
    }),
  );
  assert.is(locked.error, undefined, locked.error?.message);
  assert.is(locked.response?.device?.adminState as unknown, 1);
  assert.is(locked.response?.device?.ready, false);
  assert.is(locked.response?.device?.etag, 'W/"2"');
  const stale = await bench.rest('DELETE', `devices/th-1?etag=${encodeURIComponent(device.etag)}`);
  assert.is(stale.status, 409);
  assert.match(stale.text, /ETAG_MISMATCH/);
  const inUse = await bench.rest('DELETE', 'deviceProfiles/acme-th20');
  assert.is(inUse.status, 400);
  assert.match(inUse.text, /PROFILE_IN_USE/);
  const gone = await bench.rest('DELETE', 'devices/th-1?etag=W%2F%222%22');
  assert.is(gone.status, 200, gone.text);
  assert.is((await bench.rest('GET', 'devices/th-1')).status, 404);
  assert.is((await bench.rest('DELETE', 'deviceProfiles/acme-th20')).status, 200);
});

test('configured adapters: the simulated bench by default, HID/USB with the allow-list shown', async () => {
  const app = await startTestApp({
    env: { HCS_DEVICES_ADAPTERS: 'simulated,usb', HCS_DEVICES_ALLOW_LIST: '04d8:00dd,16c0:05df:detach' },
  });
  try {
    const token = await app.adminToken();
    const answer = await fetchAnswer(`${app.httpBase}/api/v1/adapters`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const adapters = answer.json.adapters as Array<Record<string, unknown>>;
    assert.equal(
      adapters.map((a) => a.name),
      ['adapters/simulated', 'adapters/usb'],
    );
    const usb = adapters[1] as Record<string, unknown>;
    assert.equal(usb.allowList, ['04d8:00dd', '16c0:05df']);
    assert.is(usb.allowListEnforced, true);
    if (usb.state !== 'ADAPTER_STATE_AVAILABLE') assert.ok(String(usb.stateReason).length > 0);
    const found = await fetchAnswer(`${app.httpBase}/api/v1/adapters/simulated:discover`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    assert.is((found.json.discoveredDevices as unknown[]).length, 3);
  } finally {
    await app.close();
  }
});

test.run();
