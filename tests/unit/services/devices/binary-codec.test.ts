import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeReplyFrame, encodeRequestFrame } from '../../../../src/services/devices/binary-codec.ts';
import { resolveParameters } from '../../../../src/services/devices/command-parameters.ts';
import type { FieldType } from '../../../../src/services/devices/frame-schema.ts';
import {
  checkProfileBody,
  type ProfileBody,
  problemOfIssue,
  profileDocumentSchema,
} from '../../../../src/services/devices/profile-schema.ts';

/** A checked profile body from a document; throws with the problems when it is inconsistent. */
function bodyOf(document: unknown): ProfileBody {
  const checked = checkProfileBody(profileDocumentSchema.parse(document));
  if ('problems' in checked) throw new Error(JSON.stringify(checked.problems));
  return checked.body;
}

/** One command writing `value` as a `type` field and reading it back from the same offset. */
function echoCommand(type: FieldType, valueType: string, transform: Record<string, number> = {}) {
  const body = bodyOf({
    resources: [{ name: 'level', valueType, ...transform }],
    commands: [
      {
        name: 'set',
        kind: 'write',
        parameters: [{ name: 'value', resource: 'level', required: true }],
        resources: ['level'],
        frame: {
          target: 'output:1',
          request: [
            { constant: 'a5' },
            { type, parameter: 'value', ...(type === 'bytes' ? { length: 4 } : {}) },
          ],
          reply: {
            fields: [
              { offset: 0, constant: 'a5' },
              { offset: 1, type, resource: 'level', ...(type === 'bytes' ? { length: 4 } : {}) },
            ],
          },
        },
      },
    ],
  });
  const command = body.commands[0] as ProfileBody['commands'][number];
  const resources = new Map(body.resources.map((resource) => [resource.name, resource]));
  return { body, command, resources };
}

const at = new Date('2026-01-01T00:00:00Z');
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

const layouts: Array<[FieldType, string, unknown, string]> = [
  ['u8', 'int64', 200, 'c8'],
  ['i8', 'int64', -2, 'fe'],
  ['u16le', 'int64', 0x1234, '3412'],
  ['u16be', 'int64', 0x1234, '1234'],
  ['i16le', 'int64', -2, 'feff'],
  ['i16be', 'int64', -2, 'fffe'],
  ['u32le', 'int64', 0xdeadbeef, 'efbeadde'],
  ['u32be', 'int64', 0xdeadbeef, 'deadbeef'],
  ['i32le', 'int64', -2, 'feffffff'],
  ['i32be', 'int64', -2, 'fffffffe'],
  // 2^53 + 1: no double holds it, the field and the INT64 value do.
  ['u64le', 'int64', '9007199254740993', '0100000000002000'],
  ['u64be', 'int64', '9223372036854775807', '7fffffffffffffff'],
  ['i64le', 'int64', '-2', 'feffffffffffffff'],
  ['i64be', 'int64', '-9223372036854775808', '8000000000000000'],
  ['u64be', 'double', 4096, '0000000000001000'],
  ['f32le', 'double', 1.5, '0000c03f'],
  ['f32be', 'double', 1.5, '3fc00000'],
  ['f64le', 'double', -2.5, '00000000000004c0'],
  ['f64be', 'double', -2.5, 'c004000000000000'],
  ['bytes', 'string', 'ab', '61620000'],
  ['bytes', 'bytes', Buffer.from([1, 2, 3, 4]).toString('base64'), '01020304'],
  ['u8', 'bool', true, '01'],
];

test('every field type is written with its width and byte order, and read back as the same value', () => {
  for (const [type, valueType, json, expected] of layouts) {
    const { body, command, resources } = echoCommand(type, valueType);
    const parameters = resolveParameters(command, {}, { value: json }, body.resources);
    const request = encodeRequestFrame(command, parameters, resources);
    assert.is(hex(request), `a5${expected}`, `${type} ${valueType}`);
    const [reading] = decodeReplyFrame(command, request, resources, at);
    assert.equal(reading?.value, parameters.value, `${type} ${valueType} read back`);
  }
});

test('scale and offset make engineering values raw on the way out and back on the way in', () => {
  // 0.1 °C per count, 40 °C below zero at count 0: 21.5 °C is 615.
  const { body, command, resources } = echoCommand('u16be', 'double', { scale: 0.1, offset: -40 });
  const parameters = resolveParameters(command, {}, { value: 21.5 }, body.resources);
  const request = encodeRequestFrame(command, parameters, resources);
  assert.is(hex(request), 'a50267');
  const [reading] = decodeReplyFrame(command, Buffer.from('a50000', 'hex'), resources, at);
  assert.equal(reading?.value, { type: 'double', value: -40 });
  const [back] = decodeReplyFrame(command, request, resources, at);
  assert.ok(Math.abs(Number(back?.value.value) - 21.5) < 1e-9);
});

test('a value that does not fit its field once made raw is INVALID_ARGUMENT naming the parameter', () => {
  const cases: Array<[FieldType, string, Record<string, number>, unknown, RegExp]> = [
    ['u8', 'int64', {}, 256, /value 256 is outside its u8 field's 0 to 255/],
    ['i8', 'int64', {}, -129, /outside its i8 field's -128 to 127/],
    ['u16le', 'int64', {}, -1, /outside its u16le field's 0 to 65535/],
    ['u16le', 'double', { scale: 0.01 }, 700, /value 700 \(70000 raw\) is outside its u16le field/],
    ['i32be', 'int64', {}, 2 ** 31, /outside its i32be field/],
    ['u64le', 'int64', {}, '-1', /value -1 is outside its u64le field's 0 to 18446744073709551615/],
    ['i64be', 'double', {}, 1e19, /outside its i64be field's -9223372036854775808 to 9223372036854775807/],
    ['f32le', 'double', {}, 1e39, /outside the range of its f32le field/],
    ['bytes', 'string', {}, 'hello', /value is 5 bytes, longer than its 4-byte field/],
  ];
  for (const [type, valueType, transform, json, message] of cases) {
    const { body, command } = echoCommand(type, valueType, transform);
    try {
      resolveParameters(command, {}, { value: json }, body.resources);
      assert.unreachable(`${type} ${json}`);
    } catch (error) {
      const appError = error as { code: number; reason: string; message: string; details: unknown };
      assert.is(appError.code, 3, `${type} ${json}`);
      assert.is(appError.reason, 'INVALID_PARAMETER');
      assert.match(appError.message, /json_parameters\.value/);
      assert.match(appError.message, message);
    }
  }
});

test('a reply too short for a field or without its constant is INVALID_REPLY', () => {
  const { command, resources } = echoCommand('u16le', 'int64');
  const cases: Array<[string, RegExp]> = [
    ['a512', /is 2 bytes; a field ends at byte 3/],
    ['5a1234', /has 5a at byte 0, not a5/],
  ];
  for (const [reply, message] of cases) {
    try {
      decodeReplyFrame(command, Buffer.from(reply, 'hex'), resources, at);
      assert.unreachable(reply);
    } catch (error) {
      assert.is((error as { reason: string }).reason, 'INVALID_REPLY', reply);
      assert.match((error as Error).message, message);
    }
  }
});

test('bit fields read the bits they name, signed for the iN types', () => {
  const body = bodyOf({
    resources: [
      { name: 'door_open', valueType: 'bool', readOnly: true },
      { name: 'lamp_on', valueType: 'bool', readOnly: true },
      { name: 'mode', valueType: 'int64', readOnly: true },
      { name: 'trim', valueType: 'int64', readOnly: true },
      { name: 'level', valueType: 'double', readOnly: true, scale: 0.5 },
      { name: 'energy', valueType: 'double', readOnly: true },
      { name: 'counter', valueType: 'int64', readOnly: true },
    ],
    commands: [
      {
        name: 'status',
        kind: 'read',
        resources: ['door_open', 'lamp_on', 'mode', 'trim', 'level', 'energy'],
        frame: {
          reply: {
            fields: [
              { offset: 0, constant: '5a' },
              { offset: 1, type: 'u8', bitOffset: 2, bitLength: 1, resource: 'door_open' },
              { offset: 1, type: 'u8', bitOffset: 3, bitLength: 1, resource: 'lamp_on' },
              { offset: 1, type: 'u8', bitOffset: 5, bitLength: 3, resource: 'mode' },
              { offset: 1, type: 'i8', bitOffset: 4, bitLength: 4, resource: 'trim' },
              { offset: 2, type: 'u16le', bitOffset: 4, bitLength: 8, resource: 'level' },
              { offset: 4, type: 'u64be', resource: 'energy' },
            ],
          },
        },
      },
      {
        name: 'count',
        kind: 'read',
        resources: ['counter'],
        frame: { reply: { fields: [{ offset: 0, type: 'u64le', resource: 'counter' }] } },
      },
    ],
  });
  const resources = new Map(body.resources.map((resource) => [resource.name, resource]));
  const [status, count] = body.commands as [ProfileBody['commands'][number], ProfileBody['commands'][number]];
  // Byte 1 is 1010 0100; bytes 2-3 the little-endian word 0x1234; then 2^64 - 1.
  const reply = Buffer.from('5aa43412ffffffffffffffff', 'hex');
  const readings = decodeReplyFrame(status, reply, resources, at);
  assert.equal(Object.fromEntries(readings.map((reading) => [reading.resource, reading.value.value])), {
    door_open: true,
    lamp_on: false,
    mode: '5',
    trim: '-6',
    level: 17.5, // 0x23 × 0.5
    energy: 18446744073709552000,
  });
  const [counter] = decodeReplyFrame(count, Buffer.from('ffffffffffffff7f', 'hex'), resources, at);
  assert.equal(counter?.value, { type: 'int64', value: '9223372036854775807' });
  try {
    decodeReplyFrame(count, Buffer.from('0000000000000080', 'hex'), resources, at);
    assert.unreachable('a u64 above INT64');
  } catch (error) {
    assert.is((error as { reason: string }).reason, 'INVALID_REPLY');
    assert.match((error as Error).message, /9223372036854775808 for counter, beyond INT64/);
  }
});

test('bit fields are checked: on integer reply fields, inside their width, with a length', () => {
  const checked = checkProfileBody(
    profileDocumentSchema.parse({
      resources: [
        { name: 'flag', valueType: 'bool' },
        { name: 'temperature', valueType: 'double' },
        { name: 'speed', valueType: 'int64' },
      ],
      commands: [
        {
          name: 'set',
          kind: 'write',
          parameters: [{ name: 'speed', resource: 'speed', required: true }],
          resources: ['flag', 'temperature'],
          frame: {
            request: [{ type: 'u8', parameter: 'speed', bitOffset: 0, bitLength: 4 }],
            reply: {
              fields: [
                { offset: 0, type: 'f32le', bitOffset: 0, bitLength: 1, resource: 'temperature' },
                { offset: 0, type: 'u8', bitOffset: 3, resource: 'flag' },
                { offset: 0, type: 'u8', bitOffset: 6, bitLength: 4, resource: 'flag' },
                { offset: 0, type: 'i64le', bitOffset: 63, bitLength: 1, resource: 'flag' },
                { offset: 0, constant: 'ff', bitOffset: 0, bitLength: 1 },
              ],
            },
          },
        },
      ],
    }),
  );
  assert.ok('problems' in checked);
  const problems = 'problems' in checked ? checked.problems : [];
  assert.equal(
    problems.map((problem) => problem.field),
    [
      'commands[0].frame.request[0]',
      'commands[0].frame.reply.fields[0].type',
      'commands[0].frame.reply.fields[1].bitLength',
      'commands[0].frame.reply.fields[2].bitLength',
      'commands[0].frame.reply.fields[4]',
    ],
  );
  assert.match(problems[3]?.description ?? '', /bits 6 to 9 do not fit a u8 field's 8 bits/);
});

test('frame schema violations and inconsistencies are named by their path', () => {
  const parsed = profileDocumentSchema.safeParse({
    commands: [
      { name: 'a', kind: 'read' },
      { name: 'b', kind: 'read' },
      {
        name: 'c',
        kind: 'write',
        frame: { request: [{ constant: 'ff' }, { type: 'u24le', parameter: 'x' }, { constant: 'xyz' }] },
      },
    ],
  });
  assert.not.ok(parsed.success);
  const issues = parsed.success ? [] : parsed.error.issues.map(problemOfIssue);
  assert.equal(
    issues.map((issue) => issue.field),
    ['commands[2].frame.request[1].type', 'commands[2].frame.request[2].constant'],
  );
  const checked = checkProfileBody(
    profileDocumentSchema.parse({
      resources: [
        { name: 'name', valueType: 'string', readOnly: true },
        { name: 'count', valueType: 'int64', readOnly: true },
      ],
      commands: [
        {
          name: 'set',
          kind: 'write',
          parameters: [
            { name: 'optional', valueType: 'int64' },
            { name: 'label', valueType: 'string', required: true },
          ],
          attributes: { request: 'SET' },
          frame: {
            request: [
              { type: 'u8', parameter: 'optional' },
              { type: 'u8', parameter: 'label' },
              { type: 'bytes', parameter: 'label' },
              { type: 'u8', parameter: 'missing' },
              { constant: '00', type: 'u8' },
            ],
          },
        },
        {
          name: 'get',
          kind: 'read',
          resources: ['count', 'name'],
          frame: {
            reply: {
              length: 4,
              fields: [
                { offset: 3, type: 'u16le', resource: 'count' },
                { offset: 0, type: 'f32le', resource: 'count' },
                { offset: 0, type: 'u8', resource: 'other' },
                { offset: 0, type: 'u8', length: 2, resource: 'count' },
              ],
            },
          },
        },
        { name: 'nothing', kind: 'read', frame: {} },
      ],
    }),
  );
  assert.ok('problems' in checked);
  const fields = 'problems' in checked ? checked.problems.map((p) => p.field) : [];
  assert.equal(fields, [
    'commands[0].frame',
    'commands[0].frame.request[0].parameter',
    'commands[0].frame.request[1].type',
    'commands[0].frame.request[2].length',
    'commands[0].frame.request[3].parameter',
    'commands[0].frame.request[4]',
    'commands[1].frame.reply.fields[0].offset',
    'commands[1].frame.reply.fields[1].type',
    'commands[1].frame.reply.fields[2].resource',
    'commands[1].frame.reply.fields[3].length',
    'commands[2].frame',
  ]);
});

test.run();
