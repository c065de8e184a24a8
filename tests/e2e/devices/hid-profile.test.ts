import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  CommandKind,
  CreateDeviceProfileRequest,
  type CreateDeviceProfileResponse,
  ExecuteCommandRequest,
  type ExecuteCommandResponse,
  FrameFieldType,
  ValueType,
} from '../../../src/gen/hcs/v1/devices.ts';
import { createHidAdapter } from '../../../src/hardware/adapters/hid/index.ts';
import { FakeHidBus } from '../../unit/hardware/fakes/fake-node-hid.ts';
import { type DeviceBench, startDeviceBench } from './device-fixtures.ts';

const RELAY_PATH = '/dev/hidraw0';
const FAN_PATH = '/dev/hidraw1';
const METER_PATH = '/dev/hidraw2';
const bus = new FakeHidBus();
let bench: DeviceBench;

async function register(deviceId: string, address: string, profile: string): Promise<void> {
  const answer = await bench.rest('POST', 'devices', {
    deviceId,
    device: { adapter: 'adapters/hid', address, profile: `deviceProfiles/${profile}` },
  });
  assert.is(answer.status, 200, answer.text);
  // The HID adapter finds devices by re-enumerating: wait until this one is seen.
  for (let waited = 0; ; waited += 100) {
    const device = await bench.rest('GET', `devices/${deviceId}`);
    if (device.json.ready === true) return;
    if (waited > 30_000) throw new Error(`devices/${deviceId} never became ready: ${device.text}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test.before(async () => {
  bus.add({ path: RELAY_PATH, serialNumber: 'R1', product: 'USBRelay2' });
  bus.add({ path: FAN_PATH, vendorId: 0x1209, productId: 0x0001, serialNumber: 'F1', product: 'Fan' });
  bus.add({ path: METER_PATH, vendorId: 0x1209, productId: 0x0001, serialNumber: 'M1', product: 'Meter' });
  const hid = createHidAdapter({
    allowList: [
      { vendorId: 0x16c0, productId: 0x05df },
      { vendorId: 0x1209, productId: 0x0001 },
    ],
    loadNative: async () => bus.module(),
    readSliceMs: 10,
  });
  bench = await startDeviceBench({ adapters: [hid] });
  await register('relay-1', '16c0:05df:R1:0', 'hid-usb-relay');
});
test.after(async () => {
  await bench?.close();
});

test('REST: a relay board is switched by its profile, the exact feature report reaches the device', async () => {
  const on = await bench.rest('POST', 'devices/relay-1:executeCommand', {
    command: 'relay_on',
    jsonParameters: { channel: 3 },
  });
  assert.is(on.status, 200, on.text);
  assert.is((on.json.execution as { state: string }).state, 'COMMAND_EXECUTION_STATE_SUCCEEDED');
  const sent = bus.written.filter((entry) => entry.path === RELAY_PATH);
  assert.equal(
    sent.map((entry) => [entry.kind, entry.report.toString('hex')]),
    [['feature', '00ff03000000000000']],
  );

  bus.setFeature(RELAY_PATH, Buffer.concat([Buffer.of(0), Buffer.from('QWERT'), Buffer.of(0, 0, 0b101)]));
  const read = await bench.rest('POST', 'devices/relay-1:executeCommand', { command: 'read_relays' });
  assert.is(read.status, 200, read.text);
  const readings = read.json.readings as Array<{ resource: string; value: Record<string, unknown> }>;
  assert.equal(
    readings.map((reading) => [reading.resource, reading.value]),
    [
      ['board_id', { stringValue: 'QWERT' }],
      ['relays', { intValue: '5' }],
    ],
  );
});

test('REST: a channel outside the profile range is refused before the device is touched', async () => {
  const before = bus.written.length;
  const refused = await bench.rest('POST', 'devices/relay-1:executeCommand', {
    command: 'relay_off',
    jsonParameters: { channel: 9 },
  });
  assert.is(refused.status, 400, refused.text);
  assert.match(refused.text, /json_parameters\.channel/);
  assert.is(bus.written.length, before);
});

test('gRPC: a profile with frames is created over the API and drives an output report with a scaled value', async () => {
  const created = await bench.grpc<CreateDeviceProfileRequest, CreateDeviceProfileResponse>(
    'createDeviceProfile',
    CreateDeviceProfileRequest.fromPartial({
      deviceProfileId: 'acme-fan',
      deviceProfile: {
        displayName: 'Acme fan controller',
        resources: [
          { name: 'speed_setpoint', valueType: ValueType.VALUE_TYPE_DOUBLE, units: 'rpm', scale: 0.5 },
        ],
        commands: [
          {
            name: 'set_speed',
            kind: CommandKind.COMMAND_KIND_WRITE,
            parameters: [{ name: 'speed', resource: 'speed_setpoint', required: true }],
            resources: ['speed_setpoint'],
            frame: {
              target: 'output:2',
              request: [
                { constant: '01' },
                { type: FrameFieldType.FRAME_FIELD_TYPE_U16_BE, parameter: 'speed' },
              ],
              reply: {
                target: 'input',
                fields: [
                  { offset: 0, constant: '01' },
                  { offset: 1, type: FrameFieldType.FRAME_FIELD_TYPE_U16_BE, resource: 'speed_setpoint' },
                ],
              },
            },
          },
        ],
      },
    }),
  );
  assert.is(created.error, undefined, created.error?.message);
  const frame = created.response?.deviceProfile?.commands[0]?.frame;
  assert.is(frame?.target, 'output:2');
  assert.is(frame?.request[1]?.type, FrameFieldType.FRAME_FIELD_TYPE_U16_BE);
  assert.is(frame?.reply?.fields[1]?.resource, 'speed_setpoint');
  await register('fan-1', '1209:0001:F1:0', 'acme-fan');

  const executed = await bench.grpc<ExecuteCommandRequest, ExecuteCommandResponse>(
    'executeCommand',
    ExecuteCommandRequest.fromPartial({
      name: 'devices/fan-1',
      command: 'set_speed',
      parameters: { speed: { doubleValue: 1500 } },
    }),
  );
  assert.is(executed.error, undefined, executed.error?.message);
  // 1500 rpm at 0.5 rpm per count is 3000 = 0x0bb8, after report id 2 and the constant 01.
  const sent = bus.written.filter((entry) => entry.path === FAN_PATH);
  assert.equal(
    sent.map((entry) => [entry.kind, entry.report.toString('hex')]),
    [['output', '02010bb8']],
  );
  // The fake echoes the report's payload as an input report: the reply decodes back to 1500.
  assert.equal(
    executed.response?.readings.map((reading) => [reading.resource, reading.value?.doubleValue]),
    [['speed_setpoint', 1500]],
  );

  const tooFast = await bench.grpc<ExecuteCommandRequest, ExecuteCommandResponse>(
    'executeCommand',
    ExecuteCommandRequest.fromPartial({
      name: 'devices/fan-1',
      command: 'set_speed',
      parameters: { speed: { doubleValue: 40_000 } },
    }),
  );
  assert.is(tooFast.error?.code, 3);
  assert.equal(
    tooFast.details?.badRequest?.fieldViolations.map((violation) => violation.field),
    ['parameters.speed'],
  );
  assert.match(tooFast.error?.message ?? '', /80000 raw\) is outside its u16be field's 0 to 65535/);
  assert.is(bus.written.filter((entry) => entry.path === FAN_PATH).length, 1);
});

test('gRPC: a 64-bit field keeps an INT64 exact both ways, and bit fields read single bits and signed nibbles', async () => {
  const created = await bench.grpc<CreateDeviceProfileRequest, CreateDeviceProfileResponse>(
    'createDeviceProfile',
    CreateDeviceProfileRequest.fromPartial({
      deviceProfileId: 'acme-meter',
      deviceProfile: {
        resources: [
          { name: 'total', valueType: ValueType.VALUE_TYPE_INT64 },
          { name: 'odd', valueType: ValueType.VALUE_TYPE_BOOL },
          { name: 'top', valueType: ValueType.VALUE_TYPE_INT64 },
        ],
        commands: [
          {
            name: 'exchange',
            kind: CommandKind.COMMAND_KIND_WRITE,
            parameters: [{ name: 'total', resource: 'total', required: true }],
            resources: ['total', 'odd', 'top'],
            frame: {
              target: 'output:3',
              request: [
                { constant: 'ee' },
                { type: FrameFieldType.FRAME_FIELD_TYPE_I64_LE, parameter: 'total' },
              ],
              reply: {
                target: 'input',
                fields: [
                  { offset: 0, constant: 'ee' },
                  { offset: 1, type: FrameFieldType.FRAME_FIELD_TYPE_I64_LE, resource: 'total' },
                  {
                    offset: 1,
                    type: FrameFieldType.FRAME_FIELD_TYPE_U8,
                    bitOffset: 0,
                    bitLength: 1,
                    resource: 'odd',
                  },
                  {
                    offset: 8,
                    type: FrameFieldType.FRAME_FIELD_TYPE_I8,
                    bitOffset: 4,
                    bitLength: 4,
                    resource: 'top',
                  },
                ],
              },
            },
          },
        ],
      },
    }),
  );
  assert.is(created.error, undefined, created.error?.message);
  const frame = created.response?.deviceProfile?.commands[0]?.frame;
  assert.is(frame?.request[1]?.type, FrameFieldType.FRAME_FIELD_TYPE_I64_LE);
  assert.equal(
    frame?.reply?.fields.map((field) => [field.bitOffset, field.bitLength]),
    [
      [0, 0],
      [0, 0],
      [0, 1],
      [4, 4],
    ],
  );
  await register('meter-1', '1209:0001:M1:0', 'acme-meter');

  // -(2^53 + 1): no double holds it. Two's complement little-endian: ff ff ff ff ff ff df ff.
  const executed = await bench.grpc<ExecuteCommandRequest, ExecuteCommandResponse>(
    'executeCommand',
    ExecuteCommandRequest.fromPartial({
      name: 'devices/meter-1',
      command: 'exchange',
      parameters: { total: { intValue: '-9007199254740993' } },
    }),
  );
  assert.is(executed.error, undefined, executed.error?.message);
  const sent = bus.written.filter((entry) => entry.path === METER_PATH);
  assert.equal(
    sent.map((entry) => [entry.kind, entry.report.toString('hex')]),
    [['output', '03eeffffffffffffdfff']],
  );
  assert.equal(
    executed.response?.readings.map((reading) => [
      reading.resource,
      reading.value?.intValue ?? reading.value?.boolValue,
    ]),
    [
      ['total', '-9007199254740993'],
      ['odd', true],
      ['top', '-1'],
    ],
  );
});

test('gRPC: a frame field with no type is refused, the problem named by its path', async () => {
  const refused = await bench.grpc<CreateDeviceProfileRequest, CreateDeviceProfileResponse>(
    'createDeviceProfile',
    CreateDeviceProfileRequest.fromPartial({
      deviceProfileId: 'acme-broken',
      deviceProfile: {
        commands: [
          {
            name: 'poke',
            kind: CommandKind.COMMAND_KIND_WRITE,
            parameters: [{ name: 'level', valueType: ValueType.VALUE_TYPE_INT64, required: true }],
            frame: { target: 'output:1', request: [{ constant: 'aa' }, { parameter: 'level' }] },
          },
        ],
      },
    }),
  );
  assert.is(refused.error?.code, 3);
  assert.equal(
    refused.details?.badRequest?.fieldViolations.map((violation) => violation.field),
    ['device_profile.commands[0].frame.request[1].type'],
  );
});

test.run();
