import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestApp } from '../../helpers/app.ts';
import { removeTempDir, tempDir } from '../../helpers/process.ts';
import { type DeviceBench, startDeviceBench } from './device-fixtures.ts';

const profilesDir = tempDir('hcs-profiles-');
writeFileSync(
  join(profilesDir, 'th-milli.yaml'),
  `id: th-milli
displayName: Thermometer reporting milli-degrees
resources:
  - name: temperature
    valueType: double
    units: mCel
    scale: 1000
commands:
  - name: read_temperature
    kind: read
    resources: [temperature]
    attributes:
      request: "T?"
      reply: "^(?<temperature>[-0-9.]+)$"
`,
);

let bench: DeviceBench;

test.before(async () => {
  bench = await startDeviceBench({ env: { HCS_DEVICES_PROFILES_DIR: profilesDir } });
});
test.after(async () => {
  await bench?.close();
  removeTempDir(profilesDir);
});

test('a profile from the profiles folder is served, editable, with its transform applied to readings', async () => {
  const profile = await bench.rest('GET', 'deviceProfiles/th-milli');
  assert.is(profile.status, 200, profile.text);
  assert.is(profile.json.builtIn, false);
  assert.is((profile.json.resources as Array<{ scale: number }>)[0]?.scale, 1000);
});

test('a polled device reports its latest readings without any command; GetReadings touches no hardware', async () => {
  const created = await bench.rest('POST', 'devices', {
    deviceId: 'th-polled',
    device: {
      adapter: 'adapters/simulated',
      address: 'sim-th-1',
      profile: 'deviceProfiles/th-milli',
      protocolProperties: { poll_command: 'read_temperature', poll_interval: '100ms' },
    },
  });
  assert.is(created.status, 200, created.text);
  let readings: Array<{ resource: string; units: string; value: { doubleValue: number } }> = [];
  const deadline = Date.now() + 10_000;
  while (readings.length === 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    readings = (await bench.rest('GET', 'devices/th-polled/readings')).json.readings as typeof readings;
  }
  assert.is(readings.length, 1);
  assert.is(readings[0]?.units, 'mCel');
  // The simulated room is about 21 °C: in milli-degrees, thousands.
  assert.ok((readings[0]?.value.doubleValue ?? 0) > 1000, JSON.stringify(readings));
  const executions = await bench.rest('GET', 'devices/th-polled/commandExecutions');
  assert.equal(executions.json.commandExecutions ?? [], []);
  const unknown = await bench.rest('GET', 'devices/th-polled/readings?resources=pressure');
  assert.is(unknown.status, 400);
});

test('a polling schedule that does not fit the profile is refused, naming the property', async () => {
  for (const [properties, field] of [
    [{ poll_command: 'explode', poll_interval: '1s' }, 'poll_command'],
    [{ poll_command: 'read_temperature', poll_interval: 'often' }, 'poll_interval'],
    [{ poll_interval: '1s' }, 'poll_command'],
  ] as const) {
    const answer = await bench.rest('POST', 'devices', {
      deviceId: 'th-bad',
      device: {
        adapter: 'adapters/simulated',
        address: 'sim-th-9',
        profile: 'deviceProfiles/th-milli',
        protocolProperties: properties,
      },
    });
    assert.is(answer.status, 400, answer.text);
    assert.match(answer.text, new RegExp(`device\\.protocol_properties\\.${field}`));
  }
});

test('an invalid document in the profiles folder stops the start, naming the file and the problem', async () => {
  const dir = tempDir('hcs-profiles-bad-');
  writeFileSync(
    join(dir, 'broken.json'),
    JSON.stringify({ id: 'broken', commands: [{ name: 'x', kind: 'read', resources: ['nope'] }] }),
  );
  try {
    let failure: unknown;
    await startTestApp({ env: { HCS_DEVICES_PROFILES_DIR: dir } }).then(
      (app) => app.close(),
      (error: unknown) => {
        failure = error;
      },
    );
    assert.match(String((failure as Error)?.message), /broken\.json.*no resource named "nope"/);
  } finally {
    removeTempDir(dir);
  }
});

test.run();
