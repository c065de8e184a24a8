import type { z } from 'zod';
import type { profileDocumentSchema } from './profile-schema.ts';

type Document = z.input<typeof profileDocumentSchema> & { id: string };
type CommandDocument = NonNullable<Document['commands']>[number];

const ok = '^OK$';
const number = '[-+]?[0-9]*\\.?[0-9]+';

/** The id of the raw profile: bytes in, bytes out, on any adapter; administrators only. */
export const RAW_PROFILE_ID = 'raw';

/** A relay board command: feature report 0 with `code`, the channel, six zero bytes. */
function relayCommand(name: string, description: string, code: string): CommandDocument {
  return {
    name,
    kind: 'write',
    description,
    parameters: [{ name: 'channel', valueType: 'int64', required: true, minimum: 1, maximum: 8 }],
    frame: {
      target: 'feature:0',
      request: [{ constant: code }, { type: 'u8', parameter: 'channel' }, { constant: '00 00 00 00 00 00' }],
    },
  };
}

/**
 * The profiles the server ships: one per simulated instrument (see the line protocol in
 * `hardware/adapters/simulated`), one for the common HID relay boards (a binary `frame` per
 * command), and `raw`. Commands of line-protocol profiles carry
 * `request` (the line sent; `{param}` is the value, `{param|ON|OFF}` a bool as one of two
 * words) and `reply` (a regular expression the reply line must match; named groups are the
 * readings of the command's resources). Built-in profiles cannot be updated or deleted.
 */
export const BUILT_IN_PROFILES: readonly Document[] = [
  {
    id: 'sim-thermo-hygrometer',
    displayName: 'Simulated thermo-hygrometer',
    manufacturer: 'hcs',
    model: 'SIM-TH1',
    description: 'Temperature and relative humidity sensor of the simulated bench.',
    labels: { bench: 'simulated' },
    resources: [
      { name: 'temperature', valueType: 'double', units: 'Cel', readOnly: true, minimum: -40, maximum: 125 },
      { name: 'humidity', valueType: 'double', units: '%', readOnly: true, minimum: 0, maximum: 100 },
    ],
    commands: [
      {
        name: 'read_climate',
        kind: 'read',
        description: 'Reads temperature and humidity together.',
        resources: ['temperature', 'humidity'],
        attributes: { request: 'READ?', reply: `^T (?<temperature>${number}) H (?<humidity>${number})$` },
      },
      {
        name: 'read_temperature',
        kind: 'read',
        resources: ['temperature'],
        attributes: { request: 'T?', reply: `^(?<temperature>${number})$` },
      },
      {
        name: 'read_humidity',
        kind: 'read',
        resources: ['humidity'],
        attributes: { request: 'H?', reply: `^(?<humidity>${number})$` },
      },
      { name: 'ping', kind: 'read', attributes: { request: 'PING', reply: '^PONG$' } },
    ],
  },
  {
    id: 'sim-relay-board',
    displayName: 'Simulated 8-channel relay board',
    manufacturer: 'hcs',
    model: 'SIM-RELAY8',
    description: 'Eight relays, channels 1 to 8.',
    labels: { bench: 'simulated' },
    resources: [
      {
        name: 'relays',
        valueType: 'string',
        readOnly: true,
        description: 'State of channels 1 to 8, one digit each (1 = on).',
      },
    ],
    commands: [
      {
        name: 'set_relay',
        kind: 'write',
        description: 'Switches one relay on or off.',
        parameters: [
          { name: 'channel', valueType: 'int64', required: true, minimum: 1, maximum: 8 },
          { name: 'on', valueType: 'bool', required: true },
        ],
        attributes: { request: 'SET {channel} {on|ON|OFF}', reply: ok },
      },
      { name: 'all_off', kind: 'write', attributes: { request: 'ALL OFF', reply: ok } },
      {
        name: 'read_relays',
        kind: 'read',
        resources: ['relays'],
        attributes: { request: 'STATE?', reply: '^(?<relays>[01]{8})$' },
      },
    ],
  },
  {
    id: 'sim-power-supply',
    displayName: 'Simulated 30 V / 5 A power supply',
    manufacturer: 'hcs',
    model: 'SIM-PSU30',
    description: 'Programmable supply with over-current protection, driving a resistive load.',
    labels: { bench: 'simulated' },
    resources: [
      { name: 'voltage_setpoint', valueType: 'double', units: 'V', minimum: 0, maximum: 30 },
      { name: 'current_limit', valueType: 'double', units: 'A', minimum: 0, maximum: 5 },
      { name: 'output', valueType: 'bool' },
      { name: 'measured_voltage', valueType: 'double', units: 'V', readOnly: true },
      { name: 'measured_current', valueType: 'double', units: 'A', readOnly: true },
      { name: 'status', valueType: 'string', readOnly: true, description: 'OFF, ON or FAULT.' },
    ],
    commands: [
      {
        name: 'set_voltage',
        kind: 'write',
        parameters: [{ name: 'voltage', resource: 'voltage_setpoint', required: true }],
        resources: ['voltage_setpoint'],
        attributes: { request: 'SET V {voltage}', reply: ok },
      },
      {
        name: 'set_current_limit',
        kind: 'write',
        parameters: [{ name: 'current', resource: 'current_limit', required: true }],
        resources: ['current_limit'],
        attributes: { request: 'SET I {current}', reply: ok },
      },
      {
        name: 'set_output',
        kind: 'write',
        parameters: [{ name: 'on', resource: 'output', required: true }],
        resources: ['output'],
        attributes: { request: 'OUT {on|ON|OFF}', reply: ok },
      },
      {
        name: 'measure_voltage',
        kind: 'read',
        resources: ['measured_voltage'],
        attributes: { request: 'MEAS V?', reply: `^(?<measured_voltage>${number})$` },
      },
      {
        name: 'measure_current',
        kind: 'read',
        resources: ['measured_current'],
        attributes: { request: 'MEAS I?', reply: `^(?<measured_current>${number})$` },
      },
      {
        name: 'read_status',
        kind: 'read',
        resources: ['status'],
        attributes: { request: 'STAT?', reply: '^(?<status>OFF|ON|FAULT)$' },
      },
      { name: 'clear_fault', kind: 'write', attributes: { request: 'CLR', reply: ok } },
    ],
  },
  {
    id: 'hid-usb-relay',
    displayName: 'USB HID relay board, 1 to 8 channels',
    model: 'USBRelay1/2/4/8',
    description:
      'The common V-USB relay boards (16c0:05df, product "USBRelayN"): feature report 0 switches one relay or all, and reports the board id and the relay states.',
    labels: { bus: 'hid' },
    resources: [
      {
        name: 'board_id',
        valueType: 'string',
        readOnly: true,
        description: 'The five-character id the board reports.',
      },
      {
        name: 'relays',
        valueType: 'int64',
        readOnly: true,
        minimum: 0,
        maximum: 255,
        description: 'Relay states as a bit mask: bit 0 is relay 1 (1 = on).',
      },
    ],
    commands: [
      relayCommand('relay_on', 'Switches one relay on.', 'ff'),
      relayCommand('relay_off', 'Switches one relay off.', 'fd'),
      {
        name: 'all_on',
        kind: 'write',
        frame: { target: 'feature:0', request: [{ constant: 'fe 00 00 00 00 00 00 00' }] },
      },
      {
        name: 'all_off',
        kind: 'write',
        frame: { target: 'feature:0', request: [{ constant: 'fc 00 00 00 00 00 00 00' }] },
      },
      {
        name: 'read_relays',
        kind: 'read',
        description: 'Reads feature report 0: the report id, the board id, two unused bytes, the states.',
        resources: ['board_id', 'relays'],
        frame: {
          reply: {
            target: 'feature:0',
            length: 9,
            fields: [
              { offset: 0, constant: '00' },
              { offset: 1, type: 'bytes', length: 5, resource: 'board_id' },
              { offset: 8, type: 'u8', resource: 'relays' },
            ],
          },
        },
      },
    ],
  },
  {
    id: RAW_PROFILE_ID,
    displayName: 'Raw bytes',
    description:
      'Writes and reads bytes as given, on any adapter, with no profile checks: for bring-up and diagnosis. Administrators only.',
    resources: [{ name: 'data', valueType: 'bytes', description: 'The bytes read.' }],
    commands: [
      {
        name: 'write',
        kind: 'write',
        parameters: [
          { name: 'data', valueType: 'bytes', required: true },
          { name: 'target', valueType: 'string', default: '' },
        ],
        attributes: { raw: 'write' },
      },
      {
        name: 'read',
        kind: 'read',
        parameters: [
          { name: 'target', valueType: 'string', default: '' },
          { name: 'length', valueType: 'int64', default: 64, minimum: 1, maximum: 65536 },
        ],
        resources: ['data'],
        attributes: { raw: 'read' },
      },
      {
        name: 'exchange',
        kind: 'write',
        description: 'Writes the data, then reads the answer, in one slot of the device queue.',
        parameters: [
          { name: 'data', valueType: 'bytes', required: true },
          { name: 'target', valueType: 'string', default: '' },
          { name: 'length', valueType: 'int64', default: 64, minimum: 1, maximum: 65536 },
        ],
        resources: ['data'],
        attributes: { raw: 'exchange' },
      },
    ],
  },
];
