import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BUILT_IN_PROFILES } from '../../../../src/services/devices/built-in-profiles.ts';
import { decodeReplyLine, encodeRequestLine } from '../../../../src/services/devices/line-codec.ts';
import { checkProfileBody, profileDocumentSchema } from '../../../../src/services/devices/profile-schema.ts';

function profile(id: string) {
  const document = BUILT_IN_PROFILES.find((candidate) => candidate.id === id);
  const checked = checkProfileBody(profileDocumentSchema.parse(document));
  if ('problems' in checked) throw new Error(JSON.stringify(checked.problems));
  const body = checked.body;
  return {
    command: (name: string) => {
      const found = body.commands.find((command) => command.name === name);
      if (found === undefined) throw new Error(`no command ${name}`);
      return found;
    },
    resources: new Map(body.resources.map((resource) => [resource.name, resource])),
  };
}

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');

test('every built-in profile is consistent', () => {
  for (const document of BUILT_IN_PROFILES) {
    const checked = checkProfileBody(profileDocumentSchema.parse(document));
    assert.not.ok('problems' in checked, document.id);
  }
});

test('requests: parameters in place, bools as their two words, engineering values made raw', () => {
  const relay = profile('sim-relay-board');
  assert.is(
    text(
      encodeRequestLine(
        relay.command('set_relay'),
        { channel: { type: 'int64', value: '3' }, on: { type: 'bool', value: true } },
        relay.resources,
      ),
    ),
    'SET 3 ON\n',
  );
  const scaled: ReturnType<typeof relay.command> = {
    ...relay.command('set_relay'),
    attributes: { request: 'SET V {v}' },
    parameters: [
      { name: 'v', description: '', valueType: 'double' as const, required: true, resource: 'volts' },
    ],
  };
  const resources = new Map([
    [
      'volts',
      {
        name: 'volts',
        description: '',
        valueType: 'double' as const,
        units: 'V',
        scale: 0.5,
        offset: 1,
        readOnly: false,
        attributes: {},
      },
    ],
  ]);
  assert.is(text(encodeRequestLine(scaled, { v: { type: 'double', value: 5 } }, resources)), 'SET V 8\n');
});

test('replies: groups decoded to typed readings; ERR and mismatches are errors with reasons', () => {
  const th = profile('sim-thermo-hygrometer');
  const at = new Date('2026-01-01T00:00:00Z');
  const readings = decodeReplyLine(
    th.command('read_climate'),
    Buffer.from('T 21.53 H 45.20\n'),
    th.resources,
    at,
  );
  assert.equal(
    readings.map((r) => [r.resource, r.value, r.units]),
    [
      ['temperature', { type: 'double', value: 21.53 }, 'Cel'],
      ['humidity', { type: 'double', value: 45.2 }, '%'],
    ],
  );
  const cases: Array<[string, string]> = [
    ['ERR DROPOUT\n', 'DEVICE_ERROR'],
    ['garbage\n', 'INVALID_REPLY'],
  ];
  for (const [line, reason] of cases) {
    try {
      decodeReplyLine(th.command('read_climate'), Buffer.from(line), th.resources, at);
      assert.unreachable(line);
    } catch (error) {
      assert.is((error as { reason: string }).reason, reason, line);
    }
  }
});

test('inconsistent profiles are refused with every problem and its path', () => {
  const checked = checkProfileBody(
    profileDocumentSchema.parse({
      resources: [
        { name: 'level', valueType: 'int64', scale: 2 },
        { name: 'status', valueType: 'string', readOnly: true },
      ],
      commands: [
        {
          name: 'set',
          kind: 'write',
          resources: ['status'],
          parameters: [{ name: 'x', resource: 'status' }],
        },
        { name: 'get', kind: 'read', attributes: { request: 'GET {y}', reply: '(?<other>.*)' } },
        {
          name: 'get',
          kind: 'read',
          parameters: [{ name: 'n', valueType: 'int64', minimum: 5, maximum: 1 }],
        },
      ],
    }),
  );
  assert.ok('problems' in checked);
  const fields = 'problems' in checked ? checked.problems.map((p) => p.field) : [];
  assert.equal(fields, [
    'resources[0].value_type',
    'commands[0].resources[0]',
    'commands[0].parameters[0].resource',
    'commands[1].attributes.request',
    'commands[1].attributes.reply',
    'commands[2].name',
    'commands[2].parameters[0].minimum',
  ]);
});

test.run();
