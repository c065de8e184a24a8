import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  type CommandExecution,
  ExecuteCommandRequest,
  type ExecuteCommandResponse,
} from '../../../src/gen/hcs/v1/devices.ts';
import { type DeviceBench, registerBench, startDeviceBench } from './device-fixtures.ts';

let bench: DeviceBench;

test.before(async () => {
  bench = await startDeviceBench({ env: { HCS_DEVICES_QUEUE_DEPTH: '1' } });
  await registerBench(bench);
});
test.after(async () => {
  await bench?.close();
});

const execute = (name: string, command: string, fields: Partial<ExecuteCommandRequest> = {}) =>
  bench.grpc<ExecuteCommandRequest, ExecuteCommandResponse>(
    'executeCommand',
    ExecuteCommandRequest.fromPartial({ name, command, ...fields }),
  );

const restExecute = (device: string, body: Record<string, unknown>) =>
  bench.rest('POST', `devices/${device}:executeCommand`, body);

async function executions(device: string): Promise<CommandExecution[]> {
  const answer = await bench.rest('GET', `devices/${device}/commandExecutions?pageSize=1000`);
  return (answer.json.commandExecutions ?? []) as CommandExecution[];
}

async function relays(): Promise<string> {
  const answer = await restExecute('relay-1', { command: 'read_relays' });
  assert.is(answer.status, 200, answer.text);
  return (
    (answer.json.readings as Array<{ value: { stringValue: string } }>)[0] as {
      value: { stringValue: string };
    }
  ).value.stringValue;
}

test('a READ command succeeds over gRPC with typed readings, kept as the latest readings', async () => {
  const { response, error } = await execute('devices/th-1', 'read_climate');
  assert.is(error, undefined, error?.message);
  assert.equal(
    response?.readings.map((r) => [r.resource, r.units, typeof r.value?.doubleValue]),
    [
      ['temperature', 'Cel', 'number'],
      ['humidity', '%', 'number'],
    ],
  );
  assert.is(response?.execution?.state as unknown, 2); // SUCCEEDED
  const latest = await bench.rest('GET', 'devices/th-1/readings');
  const readings = latest.json.readings as Array<{ resource: string; value: { doubleValue: number } }>;
  assert.equal(
    readings.map((r) => [r.resource, r.value.doubleValue]),
    response?.readings.map((r) => [r.resource, r.value?.doubleValue]),
  );
  const record = await bench.rest('GET', response?.commandExecution ?? '');
  assert.is(record.json.state, 'COMMAND_EXECUTION_STATE_SUCCEEDED');
  assert.is(record.json.actor, 'users/admin');
});

test('each transition of an execution is audited with who, what, parameters, result and duration', async () => {
  const answer = await restExecute('relay-1', {
    command: 'set_relay',
    jsonParameters: { channel: 2, on: false },
  });
  assert.is(answer.status, 200, answer.text);
  const name = String(answer.json.commandExecution);
  let entries: Array<{ actor: string; action: string; outcome: string; details: Record<string, string> }> =
    [];
  const deadline = Date.now() + 20_000;
  while (entries.length < 3 && Date.now() < deadline) {
    const audit = await bench.rest('GET', `auditEntries?target=${encodeURIComponent(name)}&pageSize=10`);
    entries = (audit.json.auditEntries ?? []) as typeof entries;
  }
  assert.equal(entries.map((entry) => entry.details.state).sort(), ['queued', 'running', 'succeeded']);
  for (const entry of entries) {
    assert.is(entry.actor, 'users/admin');
    assert.is(entry.action, 'hcs.v1.DeviceService.ExecuteCommand');
    assert.is(entry.details.command, 'set_relay');
    assert.is(entry.details.parameters, '{"channel":"2","on":false}');
  }
  const ended = entries.find((entry) => entry.details.state === 'succeeded');
  assert.is(ended?.outcome, 'AUDIT_OUTCOME_SUCCESS');
  assert.ok(Number(ended?.details.duration_ms) >= 0);
});

test('over REST a parameter may be a plain JSON value, converted to the profile type', async () => {
  const answer = await restExecute('relay-1', {
    command: 'set_relay',
    jsonParameters: { channel: 3, on: true },
  });
  assert.is(answer.status, 200, answer.text);
  assert.is(await relays(), '00100000');
  const typed = await restExecute('relay-1', {
    command: 'set_relay',
    parameters: { channel: { intValue: '3' }, on: { boolValue: false } },
  });
  assert.is(typed.status, 200, typed.text);
  assert.is(await relays(), '00000000');
});

test('bad parameters and unknown commands are refused before the device is touched or anything recorded', async () => {
  const before = (await executions('relay-1')).length;
  const cases: Array<[Record<string, unknown>, number, RegExp]> = [
    [
      { command: 'set_relay', jsonParameters: { channel: 9, on: true } },
      400,
      /json_parameters\.channel.*from 1 to 8, got 9/,
    ],
    [{ command: 'set_relay', jsonParameters: { channel: 2 } }, 400, /parameters\.on: on is required/],
    [{ command: 'set_relay', jsonParameters: { channel: 'two', on: true } }, 400, /INT64 from 1 to 8/],
    [
      { command: 'set_relay', jsonParameters: { channel: 2, on: true, colour: 'red' } },
      400,
      /no parameter \\"colour\\"/,
    ],
    [
      { command: 'set_relay', parameters: { channel: { doubleValue: 2 }, on: { boolValue: true } } },
      400,
      /INT64/,
    ],
    [{ command: 'explode' }, 404, /COMMAND_NOT_FOUND/],
  ];
  for (const [body, status, pattern] of cases) {
    const answer = await restExecute('relay-1', body);
    assert.is(answer.status, status, `${JSON.stringify(body)} → ${answer.text}`);
    assert.match(answer.text, pattern);
  }
  assert.is((await executions('relay-1')).length, before);
  assert.is(await relays(), '00000000');
});

test('a LOCKED device refuses commands with FAILED_PRECONDITION and records them REJECTED', async () => {
  const device = await bench.rest('GET', 'devices/relay-1');
  const lock = await bench.rest('PATCH', 'devices/relay-1?updateMask=admin_state', {
    adminState: 'ADMIN_STATE_LOCKED',
    etag: device.json.etag,
  });
  assert.is(lock.status, 200, lock.text);
  const { error, details } = await execute('devices/relay-1', 'set_relay', {
    jsonParameters: { channel: 1, on: true },
  });
  assert.is(error?.code, 9);
  assert.is(details?.errorInfo?.reason, 'DEVICE_LOCKED');
  const name = details?.errorInfo?.metadata.command_execution ?? '';
  const record = await bench.rest('GET', name);
  assert.is(record.json.state, 'COMMAND_EXECUTION_STATE_REJECTED');
  assert.is(record.json.stateReason, 'DEVICE_LOCKED');
  await bench.rest('PATCH', 'devices/relay-1?updateMask=admin_state', { adminState: 'ADMIN_STATE_UNLOCKED' });
  assert.is(await relays(), '00000000');
});

test('an ABSENT device refuses commands with FAILED_PRECONDITION DEVICE_ABSENT', async () => {
  bench.sim.unplug('sim-psu-1');
  try {
    const device = await bench.rest('GET', 'devices/psu-1');
    assert.is(device.json.presence, 'PRESENCE_ABSENT');
    assert.is(device.json.ready, false);
    const { error, details } = await execute('devices/psu-1', 'read_status');
    assert.is(error?.code, 9);
    assert.is(details?.errorInfo?.reason, 'DEVICE_ABSENT');
  } finally {
    bench.sim.plug('sim-psu-1');
  }
});

test('no reply within the timeout ends the execution TIMED_OUT with DEADLINE_EXCEEDED, never retried', async () => {
  bench.sim.setFaults('sim-psu-1', { dropReplyRate: 1 });
  try {
    const { error, details } = await execute('devices/psu-1', 'set_output', {
      jsonParameters: { on: true },
      timeout: { seconds: '0', nanos: 300_000_000 },
    });
    assert.is(error?.code, 4);
    assert.is(details?.errorInfo?.reason, 'TIMEOUT');
    const record = await bench.rest('GET', details?.errorInfo?.metadata.command_execution ?? '');
    assert.is(record.json.state, 'COMMAND_EXECUTION_STATE_TIMED_OUT');
  } finally {
    bench.sim.setFaults('sim-psu-1', {});
  }
  const all = await executions('psu-1');
  assert.is(all.filter((e) => e.command === 'set_output').length, 1);
});

test('unplugging during a command ends it FAILED with DEVICE_ABSENT and the device ABSENT', async () => {
  // Long enough that the unplug always comes while the command runs, however loaded the host.
  bench.sim.setLatency('sim-th-1', 5000);
  try {
    const running = execute('devices/th-1', 'read_climate');
    await waitForState('th-1', 'COMMAND_EXECUTION_STATE_RUNNING');
    bench.sim.unplug('sim-th-1');
    const { error, details } = await running;
    assert.is(error?.code, 9, error?.message);
    assert.is(details?.errorInfo?.reason, 'DEVICE_ABSENT');
    const record = await bench.rest('GET', details?.errorInfo?.metadata.command_execution ?? '');
    assert.is(record.json.state, 'COMMAND_EXECUTION_STATE_FAILED');
    assert.is((await bench.rest('GET', 'devices/th-1')).json.presence, 'PRESENCE_ABSENT');
  } finally {
    bench.sim.plug('sim-th-1');
    bench.sim.setLatency('sim-th-1', 0);
  }
});

test('a retried request_id returns the first execution and actuates once', async () => {
  bench.sim.setLatency('sim-relay-1', 200);
  try {
    const before = (await executions('relay-1')).length;
    const body = {
      command: 'set_relay',
      jsonParameters: { channel: 5, on: true },
      requestId: 'toggle-5-once',
    };
    const [first, second] = await Promise.all([restExecute('relay-1', body), restExecute('relay-1', body)]);
    assert.is(first.status, 200, first.text);
    assert.is(second.status, 200, second.text);
    assert.is(first.json.commandExecution, second.json.commandExecution);
    const third = await execute('devices/relay-1', 'set_relay', {
      jsonParameters: { channel: 5, on: true },
      requestId: 'toggle-5-once',
    });
    assert.is(third.response?.commandExecution, first.json.commandExecution);
    assert.is((await executions('relay-1')).length, before + 1);
  } finally {
    bench.sim.setLatency('sim-relay-1', 0);
  }
});

test('commands to one device run one at a time in order; to different devices, side by side', async () => {
  // A second per reply: the second device's command starts within it however loaded the host.
  bench.sim.setLatency('sim-th-1', 1000);
  bench.sim.setLatency('sim-psu-1', 1000);
  try {
    const [a, b] = await Promise.all([
      execute('devices/th-1', 'read_temperature'),
      execute('devices/th-1', 'read_humidity'),
    ]);
    const [x, y] = [a.response?.execution, b.response?.execution];
    assert.ok(
      x?.endTime && y?.startTime && y.startTime.getTime() >= x.endTime.getTime(),
      'same device overlapped',
    );
    const [c, d] = await Promise.all([
      execute('devices/th-1', 'ping'),
      execute('devices/psu-1', 'read_status'),
    ]);
    const [p, q] = [c.response?.execution, d.response?.execution];
    assert.ok(
      p?.endTime && q?.startTime && q.startTime.getTime() < p.endTime.getTime(),
      'devices waited for each other',
    );
  } finally {
    bench.sim.setLatency('sim-th-1', 0);
    bench.sim.setLatency('sim-psu-1', 0);
  }
});

test('a full queue refuses at once with RESOURCE_EXHAUSTED; a queued command can be cancelled', async () => {
  // The calls below all happen while the first command runs, however loaded the host.
  bench.sim.setLatency('sim-th-1', 3000);
  try {
    const running = execute('devices/th-1', 'ping');
    await waitForState('th-1', 'COMMAND_EXECUTION_STATE_RUNNING');
    const queued = execute('devices/th-1', 'read_temperature');
    const name = await waitForState('th-1', 'COMMAND_EXECUTION_STATE_QUEUED');
    const full = await execute('devices/th-1', 'read_humidity');
    assert.is(full.error?.code, 8);
    assert.is(full.details?.errorInfo?.reason, 'QUEUE_FULL');
    const cancel = await bench.rest('POST', `${name}:cancel`, {});
    assert.is(cancel.status, 200, cancel.text);
    const cancelled = await queued;
    assert.is(cancelled.error?.code, 1);
    assert.is((await bench.rest('GET', name)).json.state, 'COMMAND_EXECUTION_STATE_CANCELLED');
    assert.is((await running).error, undefined);
    const again = await bench.rest('POST', `${name}:cancel`, {});
    assert.is(again.status, 400);
    assert.match(again.text, /EXECUTION_ENDED/);
  } finally {
    bench.sim.setLatency('sim-th-1', 0);
  }
});

test('a running command can be cancelled: it ends CANCELLED', async () => {
  bench.sim.setLatency('sim-psu-1', 2000);
  try {
    const running = execute('devices/psu-1', 'read_status');
    const name = await waitForState('psu-1', 'COMMAND_EXECUTION_STATE_RUNNING');
    await bench.rest('POST', `${name}:cancel`, {});
    const { error } = await running;
    assert.is(error?.code, 1);
    assert.is((await bench.rest('GET', name)).json.state, 'COMMAND_EXECUTION_STATE_CANCELLED');
  } finally {
    bench.sim.setLatency('sim-psu-1', 0);
  }
});

test('the raw profile is for administrators only', async () => {
  const device = await bench.rest('POST', 'devices', {
    deviceId: 'raw-psu',
    device: { adapter: 'adapters/simulated', address: 'sim-psu-1', profile: 'deviceProfiles/raw' },
  });
  assert.is(device.status, 409); // the address is taken by psu-1
  const token = bench.app.mintToken({ subject: 'users/op', roles: ['operator'], scopes: ['*'] });
  await bench.rest('PATCH', 'devices/psu-1?updateMask=profile', { profile: 'deviceProfiles/raw' });
  const asOperator = await fetch(`${bench.app.httpBase}/api/v1/devices/psu-1:executeCommand`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      command: 'exchange',
      jsonParameters: { data: Buffer.from('ID?\n').toString('base64') },
    }),
  });
  assert.is(asOperator.status, 403);
  const asAdmin = await restExecute('psu-1', {
    command: 'exchange',
    jsonParameters: { data: Buffer.from('ID?\n').toString('base64') },
  });
  assert.is(asAdmin.status, 200, asAdmin.text);
  const data = (asAdmin.json.readings as Array<{ value: { bytesValue: string } }>)[0]?.value.bytesValue ?? '';
  assert.is(Buffer.from(data, 'base64').toString(), 'SIM-PSU30,sim-psu-1\n');
  await bench.rest('PATCH', 'devices/psu-1?updateMask=profile', {
    profile: 'deviceProfiles/sim-power-supply',
  });
});

test('executions are listed newest first, per device or for all, filtered by command, state and actor', async () => {
  const rejected = await bench.rest(
    'GET',
    `devices/relay-1/commandExecutions?filter=${encodeURIComponent('state = COMMAND_EXECUTION_STATE_REJECTED')}`,
  );
  const rows = rejected.json.commandExecutions as CommandExecution[];
  assert.equal(
    rows.map((row) => [row.command, row.stateReason]),
    [['set_relay', 'DEVICE_LOCKED']],
  );
  const climate = await bench.rest(
    'GET',
    `devices/-/commandExecutions?filter=${encodeURIComponent('command = "read_climate" AND actor = "users/admin"')}`,
  );
  const all = climate.json.commandExecutions as CommandExecution[];
  assert.ok(all.length >= 2);
  assert.ok(all.every((row) => row.command === 'read_climate'));
  const names = all.map((row) => row.name.split('/').at(-1) ?? '');
  assert.equal(names, [...names].sort().reverse());
  const bad = await bench.rest(
    'GET',
    `devices/-/commandExecutions?filter=${encodeURIComponent('state = SLEEPY')}`,
  );
  assert.is(bad.status, 400);
});

/** Waits until the device's newest execution in `state` exists; returns its name. */
async function waitForState(device: string, state: string): Promise<string> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const found = (await executions(device)).find((e) => (e.state as unknown) === state);
    if (found !== undefined) return found.name;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no execution of ${device} reached ${state}`);
}

test.run();
