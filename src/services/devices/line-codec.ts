import { AppError, Code } from '../../platform/errors/index.ts';
import type { CommandSpec, ProfileBody, ResourceSpec } from './profile-schema.ts';
import { DeviceReason } from './reasons.ts';
import { doubleToStored, type StoredReading, type StoredValue } from './typed-value.ts';

/**
 * Encoding of profile commands onto line protocols (the simulated bench, serial instruments):
 * a command's `request` attribute is the line sent, its `reply` attribute the regular
 * expression the answer must match, whose named groups are readings of the command's
 * resources. A reply `ERR <reason>` is the device refusing (DEVICE_ERROR).
 */

/** The line a command sends, with parameter values in place (engineering values made raw). */
export function encodeRequestLine(
  command: ProfileBody['commands'][number],
  parameters: Readonly<Record<string, StoredValue>>,
  resources: ReadonlyMap<string, ResourceSpec>,
): Uint8Array {
  const template = command.attributes.request ?? '';
  const line = template.replace(/\{([^}|]*)(?:\|([^}|]*)\|([^}]*))?\}/g, (_whole, name: string, yes, no) => {
    const value = parameters[name];
    if (value === undefined) return '';
    if (value.type === 'bool' && yes !== undefined) return value.value ? yes : no;
    const spec = command.parameters.find((parameter) => parameter.name === name);
    const resource = spec?.resource ? resources.get(spec.resource) : undefined;
    return formatRaw(value, resource);
  });
  return Buffer.from(`${line}\n`, 'latin1');
}

/**
 * Readings from a reply line: the `reply` groups decoded to each resource's type and
 * transformed (raw × scale + offset). Fails UNKNOWN `INVALID_REPLY` when the line does not
 * match, FAILED_PRECONDITION `DEVICE_ERROR` when the device answered `ERR …`.
 */
export function decodeReplyLine(
  command: Pick<CommandSpec, 'name' | 'attributes'>,
  bytes: Uint8Array,
  resources: ReadonlyMap<string, ResourceSpec>,
  readTime: Date,
): StoredReading[] {
  const line = Buffer.from(bytes)
    .toString('latin1')
    .replace(/\r?\n$/, '');
  const refused = /^ERR\s*(.*)$/.exec(line);
  if (refused !== null) {
    throw new AppError(
      Code.FAILED_PRECONDITION,
      DeviceReason.DEVICE_ERROR,
      `the device refused ${command.name}: ${refused[1] || 'ERR'}`,
    );
  }
  const pattern = command.attributes.reply;
  if (pattern === undefined) return [];
  const match = new RegExp(pattern).exec(line);
  if (match === null) {
    throw new AppError(
      Code.UNKNOWN,
      DeviceReason.INVALID_REPLY,
      `the reply to ${command.name} (${JSON.stringify(line.slice(0, 80))}) does not match the profile`,
    );
  }
  const readings: StoredReading[] = [];
  for (const [name, text] of Object.entries(match.groups ?? {})) {
    const resource = resources.get(name);
    if (resource === undefined || text === undefined) continue;
    readings.push({
      resource: name,
      value: decodeValue(text, resource, command.name),
      units: resource.units,
      readTime: readTime.toISOString(),
    });
  }
  return readings;
}

/** A value written as a device expects it: engineering values of a resource made raw. */
function formatRaw(value: StoredValue, resource: ResourceSpec | undefined): string {
  if (value.type === 'double') {
    const scale = resource?.scale ?? 1;
    const offset = resource?.offset ?? 0;
    return String((Number(value.value) - offset) / scale);
  }
  if (value.type === 'bytes') return Buffer.from(value.value, 'base64').toString('latin1');
  return String(value.value);
}

function decodeValue(text: string, resource: ResourceSpec, command: string): StoredValue {
  switch (resource.valueType) {
    case 'double': {
      const raw = Number(text);
      const value = raw * (resource.scale ?? 1) + (resource.offset ?? 0);
      if (text.trim() === '' || !Number.isFinite(value)) {
        throw new AppError(
          Code.UNKNOWN,
          DeviceReason.INVALID_REPLY,
          `the reply to ${command} has no finite number for ${resource.name}`,
        );
      }
      return { type: 'double', value: doubleToStored(value) };
    }
    case 'int64':
      if (!/^[+-]?\d{1,19}$/.test(text)) {
        throw new AppError(
          Code.UNKNOWN,
          DeviceReason.INVALID_REPLY,
          `the reply to ${command} has no integer for ${resource.name}`,
        );
      }
      return { type: 'int64', value: BigInt(text).toString() };
    case 'bool': {
      const yes = resource.attributes.true_text;
      return { type: 'bool', value: yes === undefined ? /^(on|1|true)$/i.test(text) : text === yes };
    }
    case 'string':
      return { type: 'string', value: text };
    case 'bytes':
      return { type: 'bytes', value: Buffer.from(text, 'latin1').toString('base64') };
  }
}
