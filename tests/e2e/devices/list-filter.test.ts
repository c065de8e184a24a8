import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type DeviceBench, registerBench, startDeviceBench } from './device-fixtures.ts';

let bench: DeviceBench;

/** The names ListDevices returns for `filter`, following every page of `pageSize`. */
async function listed(filter: string, pageSize = 0): Promise<string[]> {
  const names: string[] = [];
  let token = '';
  for (let pages = 0; pages < 20; pages++) {
    const answer = await bench.rest(
      'GET',
      `devices?pageSize=${pageSize}&filter=${encodeURIComponent(filter)}&pageToken=${token}`,
    );
    assert.is(answer.status, 200, answer.text);
    names.push(...((answer.json.devices ?? []) as Array<{ name: string }>).map((d) => d.name));
    token = answer.json.nextPageToken as string;
    if (token === '') return names;
  }
  throw new Error('more than 20 pages');
}

test.before(async () => {
  bench = await startDeviceBench();
  await registerBench(bench);
  // A device registered at an address no hardware answers on: ABSENT from the start.
  const ghost = await bench.rest('POST', 'devices', {
    deviceId: 'ghost',
    device: {
      adapter: 'adapters/simulated',
      address: 'sim-th-9',
      profile: 'deviceProfiles/sim-thermo-hygrometer',
    },
  });
  assert.is(ghost.status, 200, ghost.text);
  bench.sim.unplug('sim-psu-1');
  const deadline = Date.now() + 10_000;
  while ((await listed('presence = PRESENCE_ABSENT')).length < 2 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
});
test.after(async () => {
  await bench?.close();
});

test('ListDevices filters on the observed operating_state, presence and ready, alone or with stored fields', async () => {
  const cases: [string, string[]][] = [
    ['operating_state = OPERATING_STATE_DOWN', ['devices/ghost', 'devices/psu-1']],
    ['operating_state = OPERATING_STATE_UP', ['devices/relay-1', 'devices/th-1']],
    ['presence = PRESENCE_ABSENT', ['devices/ghost', 'devices/psu-1']],
    ['presence = PRESENCE_PRESENT AND labels.bench = "a"', ['devices/relay-1', 'devices/th-1']],
    ['ready = true AND profile = "deviceProfiles/sim-relay-board"', ['devices/relay-1']],
    ['ready = false', ['devices/ghost', 'devices/psu-1']],
    ['operating_state = OPERATING_STATE_UNKNOWN', []],
  ];
  for (const [filter, expected] of cases) assert.equal(await listed(filter), expected, filter);
});

test('a filtered list pages one device at a time without skipping or repeating any', async () => {
  assert.equal(await listed('operating_state = OPERATING_STATE_UP', 1), ['devices/relay-1', 'devices/th-1']);
  assert.equal(await listed('ready = false', 1), ['devices/ghost', 'devices/psu-1']);
});

test('a locked device is not ready, and a plugged-in one comes back UP', async () => {
  const locked = await bench.rest('PATCH', 'devices/th-1?updateMask=admin_state', {
    adminState: 'ADMIN_STATE_LOCKED',
  });
  assert.is(locked.status, 200, locked.text);
  assert.equal(await listed('ready = true'), ['devices/relay-1']);
  assert.equal(await listed('operating_state = OPERATING_STATE_UP AND admin_state = ADMIN_STATE_LOCKED'), [
    'devices/th-1',
  ]);
  bench.sim.plug('sim-psu-1');
  const deadline = Date.now() + 10_000;
  while (!(await listed('presence = PRESENCE_PRESENT')).includes('devices/psu-1') && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.equal(await listed('presence = PRESENCE_ABSENT'), ['devices/ghost']);
});

test('an unknown state value is refused INVALID_ARGUMENT naming the filter and the value', async () => {
  for (const filter of ['operating_state = SIDEWAYS', 'presence = UP', 'ready = yes']) {
    const answer = await bench.rest('GET', `devices?filter=${encodeURIComponent(filter)}`);
    assert.is(answer.status, 400, answer.text);
    assert.match(answer.text, /INVALID_LIST_OPTION/);
    assert.match(answer.text, /is not a value of (operating_state|presence|ready)/);
  }
});

test.run();
