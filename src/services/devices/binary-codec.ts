import { AppError, Code } from '../../platform/errors/index.ts';
import {
  constantBytes,
  type FieldType,
  type Frame,
  fieldBits,
  fieldSize,
  isIntegerType,
} from './frame-schema.ts';
import type { ParameterSpec, ProfileBody, ResourceSpec } from './profile-schema.ts';
import { DeviceReason } from './reasons.ts';
import { doubleToStored, type StoredReading, type StoredValue } from './typed-value.ts';

/**
 * Encoding of profile commands onto binary frames (HID reports, USB transfers): the request
 * is its fields one after the other, each parameter made raw with its resource's inverse
 * transform (raw = (value − offset) / scale, rounded to the nearest integer for integer
 * fields); the reply's fields at their offsets are decoded and transformed into readings
 * (raw × scale + offset), a bit field's bits taken first. 64-bit fields go through BigInt so
 * that INT64 values stay exact. Nothing here touches hardware, so every step is testable alone.
 */

const INTEGER_RANGES: Record<string, readonly [number, number]> = {
  u8: [0, 0xff],
  i8: [-0x80, 0x7f],
  u16: [0, 0xffff],
  i16: [-0x8000, 0x7fff],
  u32: [0, 0xffff_ffff],
  i32: [-0x8000_0000, 0x7fff_ffff],
};
const F32_MAX = 3.4028234663852886e38;
/** The 64-bit types, read and written as BigInt so that INT64 values stay exact. */
const WIDE_RANGES: Record<string, readonly [bigint, bigint]> = {
  u64: [0n, 2n ** 64n - 1n],
  i64: [-(2n ** 63n), 2n ** 63n - 1n],
};
const INT64_RANGE = WIDE_RANGES.i64 as readonly [bigint, bigint];

/** A command with a frame. */
type FrameCommand = Pick<ProfileBody['commands'][number], 'name' | 'parameters'> & { frame?: Frame };

/**
 * Why `value` of parameter `spec` cannot be written as field `type` (out of the type's range
 * once made raw, too long for a `bytes` field), or undefined when it can.
 */
export function fieldValueProblem(
  type: FieldType,
  length: number | undefined,
  spec: Pick<ParameterSpec, 'name'>,
  value: StoredValue,
  resource: Pick<ResourceSpec, 'scale' | 'offset'> | undefined,
): string | undefined {
  if (type === 'bytes') {
    const size = bytesOf(value).length;
    return size > (length ?? 0)
      ? `${spec.name} is ${size} bytes, longer than its ${length}-byte field`
      : undefined;
  }
  const raw = rawOf(type, value, resource);
  const rawNote = value.type === 'double' && raw !== Number(value.value) ? ` (${raw} raw)` : '';
  if (!Number.isFinite(raw)) return `${spec.name} ${value.value} is not a finite number`;
  const wide = WIDE_RANGES[type.replace(/(le|be)$/, '')];
  if (wide !== undefined) {
    const exact = wideRawOf(value, resource);
    return exact < wide[0] || exact > wide[1]
      ? `${spec.name} ${value.value}${rawNote} is outside its ${type} field's ${wide[0]} to ${wide[1]}`
      : undefined;
  }
  if (type.startsWith('f32') && Math.abs(raw) > F32_MAX) {
    return `${spec.name} ${value.value}${rawNote} is outside the range of its ${type} field`;
  }
  const range = INTEGER_RANGES[type.replace(/(le|be)$/, '')];
  if (range !== undefined && (raw < range[0] || raw > range[1])) {
    return `${spec.name} ${value.value}${rawNote} is outside its ${type} field's ${range[0]} to ${range[1]}`;
  }
  return undefined;
}

/** The request bytes of a framed command; parameters were resolved and checked by `resolveParameters`. */
export function encodeRequestFrame(
  command: FrameCommand,
  parameters: Readonly<Record<string, StoredValue>>,
  resources: ReadonlyMap<string, ResourceSpec>,
): Uint8Array {
  const fields = command.frame?.request ?? [];
  const out = Buffer.alloc(fields.reduce((sum, field) => sum + fieldSize(field), 0));
  let at = 0;
  for (const field of fields) {
    if (field.constant !== undefined) {
      at += constantBytes(field.constant).copy(out, at);
      continue;
    }
    const type = field.type as FieldType;
    const spec = command.parameters.find((candidate) => candidate.name === field.parameter);
    const value = parameters[field.parameter ?? ''];
    const resource = spec?.resource ? resources.get(spec.resource) : undefined;
    if (spec === undefined || value === undefined) {
      throw frameValueError(
        field.parameter ?? '',
        `the frame of ${command.name} needs a value of ${field.parameter}`,
      );
    }
    const problem = fieldValueProblem(type, field.length, spec, value, resource);
    if (problem !== undefined) throw frameValueError(spec.name, problem);
    if (type === 'bytes') bytesOf(value).copy(out, at);
    else if (type in WIDE_CODECS) WIDE_CODECS[type as WideType][1].call(out, wideRawOf(value, resource), at);
    else NUMBER_CODECS[type as NumberType][1].call(out, rawOf(type, value, resource), at);
    at += fieldSize(field);
  }
  return out;
}

/**
 * Readings from a reply: constants checked, fields decoded to their resources' types and
 * transformed. UNKNOWN `INVALID_REPLY` when the reply is too short for a field, a constant
 * does not match, or a number is not finite.
 */
export function decodeReplyFrame(
  command: Pick<FrameCommand, 'name' | 'frame'>,
  bytes: Uint8Array,
  resources: ReadonlyMap<string, ResourceSpec>,
  readTime: Date,
): StoredReading[] {
  const reply = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const readings: StoredReading[] = [];
  for (const field of command.frame?.reply?.fields ?? []) {
    const end = field.offset + fieldSize(field);
    if (reply.length < end) {
      throw invalidReply(
        `the reply to ${command.name} is ${reply.length} bytes; a field ends at byte ${end}`,
      );
    }
    const slice = reply.subarray(field.offset, end);
    if (field.constant !== undefined) {
      const expected = constantBytes(field.constant);
      if (!slice.equals(expected)) {
        throw invalidReply(
          `the reply to ${command.name} has ${slice.toString('hex')} at byte ${field.offset}, not ${expected.toString('hex')}`,
        );
      }
      continue;
    }
    const resource = resources.get(field.resource ?? '');
    if (resource === undefined) continue;
    readings.push({
      resource: resource.name,
      value: decodeValue(slice, field, resource, command.name),
      units: resource.units,
      readTime: readTime.toISOString(),
    });
  }
  return readings;
}

/** The raw number a parameter value is written as. */
function rawOf(
  type: FieldType,
  value: StoredValue,
  resource: Pick<ResourceSpec, 'scale' | 'offset'> | undefined,
): number {
  let raw: number;
  if (value.type === 'bool') raw = value.value ? 1 : 0;
  else if (value.type === 'double')
    raw = (Number(value.value) - (resource?.offset ?? 0)) / (resource?.scale ?? 1);
  else raw = Number(value.value);
  return isIntegerType(type) ? Math.round(raw) : raw;
}

/**
 * The raw integer a parameter value is written as in a 64-bit field: an INT64 exactly, a
 * DOUBLE made raw and rounded (callers check it is finite first).
 */
function wideRawOf(value: StoredValue, resource: Pick<ResourceSpec, 'scale' | 'offset'> | undefined): bigint {
  if (value.type === 'int64') return BigInt(value.value);
  return BigInt(rawOf('i64le', value, resource));
}

function bytesOf(value: StoredValue): Buffer {
  return value.type === 'bytes'
    ? Buffer.from(value.value, 'base64')
    : Buffer.from(String(value.value), 'utf8');
}

type WideType = 'u64le' | 'u64be' | 'i64le' | 'i64be';
/** How a reply field lays its value out: its type and, for a bit field, which bits. */
type FieldLayout = {
  type?: FieldType | undefined;
  bitOffset?: number | undefined;
  bitLength?: number | undefined;
};
type NumberType = Exclude<FieldType, 'bytes' | WideType>;
type Read = (this: Buffer, offset: number) => number;
type Write = (this: Buffer, value: number, offset: number) => number;
const B = Buffer.prototype;
/** Buffer's own reader and writer of each number type. */
const NUMBER_CODECS: Record<NumberType, readonly [Read, Write]> = {
  u8: [B.readUInt8, B.writeUInt8],
  i8: [B.readInt8, B.writeInt8],
  u16le: [B.readUInt16LE, B.writeUInt16LE],
  u16be: [B.readUInt16BE, B.writeUInt16BE],
  i16le: [B.readInt16LE, B.writeInt16LE],
  i16be: [B.readInt16BE, B.writeInt16BE],
  u32le: [B.readUInt32LE, B.writeUInt32LE],
  u32be: [B.readUInt32BE, B.writeUInt32BE],
  i32le: [B.readInt32LE, B.writeInt32LE],
  i32be: [B.readInt32BE, B.writeInt32BE],
  f32le: [B.readFloatLE, B.writeFloatLE],
  f32be: [B.readFloatBE, B.writeFloatBE],
  f64le: [B.readDoubleLE, B.writeDoubleLE],
  f64be: [B.readDoubleBE, B.writeDoubleBE],
};
type ReadWide = (this: Buffer, offset: number) => bigint;
type WriteWide = (this: Buffer, value: bigint, offset: number) => number;
const WIDE_CODECS: Record<WideType, readonly [ReadWide, WriteWide]> = {
  u64le: [B.readBigUInt64LE, B.writeBigUInt64LE],
  u64be: [B.readBigUInt64BE, B.writeBigUInt64BE],
  i64le: [B.readBigInt64LE, B.writeBigInt64LE],
  i64be: [B.readBigInt64BE, B.writeBigInt64BE],
};

/**
 * The integer or float a reply field holds: `bitLength` bits from `bitOffset` when a bit field
 * (two's complement in those bits for the signed types), else the whole field.
 */
function rawFieldValue(slice: Buffer, field: FieldLayout): number | bigint {
  const type = field.type as Exclude<FieldType, 'bytes'>;
  const whole =
    type in WIDE_CODECS
      ? WIDE_CODECS[type as WideType][0].call(slice, 0)
      : NUMBER_CODECS[type as NumberType][0].call(slice, 0);
  if (field.bitLength === undefined) return whole;
  const unsigned = BigInt.asUintN(fieldBits(type), BigInt(whole));
  const taken = (unsigned >> BigInt(field.bitOffset ?? 0)) & ((1n << BigInt(field.bitLength)) - 1n);
  return type.startsWith('i') ? BigInt.asIntN(field.bitLength, taken) : taken;
}

function decodeValue(
  slice: Buffer,
  field: FieldLayout,
  resource: ResourceSpec,
  command: string,
): StoredValue {
  if (field.type === 'bytes') {
    return resource.valueType === 'bytes'
      ? { type: 'bytes', value: slice.toString('base64') }
      : { type: 'string', value: slice.toString('utf8').replace(/\0+$/, '') };
  }
  const raw = rawFieldValue(slice, field);
  switch (resource.valueType) {
    case 'bool':
      return { type: 'bool', value: raw !== 0 && raw !== 0n };
    case 'int64': {
      if (typeof raw === 'bigint' && (raw < INT64_RANGE[0] || raw > INT64_RANGE[1])) {
        throw invalidReply(`the reply to ${command} has ${raw} for ${resource.name}, beyond INT64`);
      }
      return { type: 'int64', value: String(raw) };
    }
    default: {
      const value = Number(raw) * (resource.scale ?? 1) + (resource.offset ?? 0);
      if (!Number.isFinite(value)) {
        throw invalidReply(`the reply to ${command} has no finite number for ${resource.name}`);
      }
      return { type: 'double', value: doubleToStored(value) };
    }
  }
}

/** A value the frame cannot carry; `resolveParameters` refuses these first, this catches a profile changed since. */
function frameValueError(parameter: string, description: string): AppError {
  return new AppError(Code.INVALID_ARGUMENT, DeviceReason.INVALID_PARAMETER, description, {
    fieldViolations: [{ field: `parameters.${parameter}`, description }],
  });
}

function invalidReply(message: string): AppError {
  return new AppError(Code.UNKNOWN, DeviceReason.INVALID_REPLY, message);
}
