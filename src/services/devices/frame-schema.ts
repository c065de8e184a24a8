import { z } from 'zod';
import type { ValueTypeName } from './typed-value.ts';

/**
 * The binary side of a profile command (`frame`): the bytes written to an adapter target,
 * built from constants and parameters, and the reply read back, whose fields at fixed
 * offsets become readings. Field types name width, signedness and byte order, the way
 * Kaitai Struct and Python's `struct` do: `u16le` is an unsigned 16-bit little-endian
 * integer, `f32be` a big-endian IEEE 754 single, `bytes` a fixed-length byte string. A reply
 * field of an integer type may take only some of its bits (`bitOffset`, `bitLength`): a status
 * flag, a nibble.
 */
export const FIELD_TYPES = [
  'u8',
  'i8',
  'u16le',
  'u16be',
  'i16le',
  'i16be',
  'u32le',
  'u32be',
  'i32le',
  'i32be',
  'u64le',
  'u64be',
  'i64le',
  'i64be',
  'f32le',
  'f32be',
  'f64le',
  'f64be',
  'bytes',
] as const;
/** One of {@link FIELD_TYPES}. */
export type FieldType = (typeof FIELD_TYPES)[number];

/** Largest request, reply or byte-string field: a HID report is at most 4 KiB. */
export const MAX_FRAME_BYTES = 4096;
/** Largest reply read (a USB IN transfer may be long; its fields start in the first 4 KiB). */
export const MAX_REPLY_LENGTH = 1 << 20;

const constant = z
  .string()
  .max(3 * MAX_FRAME_BYTES)
  .regex(/^[0-9a-fA-F]{2}( ?[0-9a-fA-F]{2})*$/, 'must be hex bytes, e.g. "ff 00"');
const memberName = z.string().max(63);

/** A bit field: `bitLength` bits of an integer field from bit `bitOffset` (0: least significant). */
const bitFieldShape = {
  bitOffset: z.number().int().min(0).max(63).optional(),
  bitLength: z.number().int().min(1).max(64).optional(),
};

const requestFieldSchema = z.strictObject({
  /** Bytes written as they are, in hex. */
  constant: constant.optional(),
  /** The type the parameter's raw value is written as. */
  type: z.enum(FIELD_TYPES).optional(),
  /** The command parameter written here. */
  parameter: memberName.optional(),
  /** Size of a `bytes` field; shorter values are padded with zeros. */
  length: z.number().int().min(1).max(MAX_FRAME_BYTES).optional(),
  /** Refused by {@link checkFrame} with a clear message: a request writes whole fields. */
  ...bitFieldShape,
});

const replyFieldSchema = z.strictObject({
  /** Where the field starts in the reply, from its first byte (a HID feature report's id included). */
  offset: z.number().int().min(0).max(MAX_FRAME_BYTES).default(0),
  /** Bytes the reply must hold here, in hex; INVALID_REPLY otherwise. */
  constant: constant.optional(),
  type: z.enum(FIELD_TYPES).optional(),
  /** The resource this field is a reading of. */
  resource: memberName.optional(),
  length: z.number().int().min(1).max(MAX_FRAME_BYTES).optional(),
  ...bitFieldShape,
});

/** The binary mapping of one command. */
export const frameSchema = z.strictObject({
  /** Where the request is written (`IoRequest.target`, e.g. HID `feature:0`); '' is the adapter's default. */
  target: z.string().max(128).default(''),
  /** The bytes written, field after field; none: nothing is written, the reply is only read. */
  request: z.array(requestFieldSchema).max(256).default([]),
  /** The reply read after the request (or alone); unset: nothing is read. */
  reply: z
    .strictObject({
      /** Where the reply is read (e.g. HID `input`, `feature:0`, USB `bulk:0x81`); '' is the default. */
      target: z.string().max(128).default(''),
      /** Bytes to read where the adapter needs a size (HID feature report, id included; USB IN). */
      length: z.number().int().min(1).max(MAX_REPLY_LENGTH).optional(),
      fields: z.array(replyFieldSchema).max(256).default([]),
    })
    .optional(),
});

/** A command's frame after parsing. */
export type Frame = z.output<typeof frameSchema>;

const WIDTHS: Record<Exclude<FieldType, 'bytes'>, number> = {
  u8: 1,
  i8: 1,
  u16le: 2,
  u16be: 2,
  i16le: 2,
  i16be: 2,
  u32le: 4,
  u32be: 4,
  i32le: 4,
  i32be: 4,
  u64le: 8,
  u64be: 8,
  i64le: 8,
  i64be: 8,
  f32le: 4,
  f32be: 4,
  f64le: 8,
  f64be: 8,
};

/** Bytes a typed field or a constant takes. */
export function fieldSize(field: {
  type?: FieldType | undefined;
  length?: number | undefined;
  constant?: string | undefined;
}): number {
  if (field.constant !== undefined) return constantBytes(field.constant).length;
  if (field.type === undefined) return 0;
  return field.type === 'bytes' ? (field.length ?? 0) : WIDTHS[field.type];
}

/** Whether a field type is an integer (not a float, not a byte string). */
export function isIntegerType(type: FieldType): boolean {
  return type !== 'bytes' && !type.startsWith('f');
}

/** Bits an integer or float field is wide; 0 for `bytes`. */
export function fieldBits(type: FieldType): number {
  return type === 'bytes' ? 0 : WIDTHS[type] * 8;
}

/** The bytes of a hex constant (spaces ignored). */
export function constantBytes(hex: string): Buffer {
  return Buffer.from(hex.replaceAll(' ', ''), 'hex');
}

/** What {@link checkFrame} needs to know of a parameter. */
interface FrameParameter {
  valueType: ValueTypeName;
  required: boolean;
  default?: unknown;
}

/**
 * Checks that a frame fits its command: not mixed with line attributes, every field either a
 * constant or typed, parameters and resources that exist, can be encoded (a required parameter
 * or one with a default) and whose types the field can carry, `length` exactly on `bytes`
 * fields, reply fields inside the reply's length. Reports each problem at its path under `at`.
 */
export function checkFrame(
  command: { frame?: Frame | undefined; resources: readonly string[]; attributes: Record<string, string> },
  parameters: ReadonlyMap<string, FrameParameter>,
  resources: ReadonlyMap<string, { valueType: ValueTypeName }>,
  at: string,
  problem: (field: string, description: string) => void,
): void {
  const frame = command.frame;
  if (frame === undefined) return;
  const where = `${at}.frame`;
  if (['request', 'reply', 'raw'].some((key) => command.attributes[key] !== undefined)) {
    problem(where, 'a command maps onto a frame or onto the attributes request, reply and raw, not both');
  }
  if (frame.request.length === 0 && frame.reply === undefined) {
    problem(where, 'writes no request and reads no reply');
  }
  let size = 0;
  frame.request.forEach((field, index) => {
    const path = `${where}.request[${index}]`;
    size += fieldSize(field);
    if (field.bitOffset !== undefined || field.bitLength !== undefined) {
      problem(path, 'a request writes whole fields: bitOffset and bitLength are for reply fields');
    }
    if (!checkShape(field, field.parameter, 'parameter', path, problem)) return;
    const parameter = parameters.get(field.parameter ?? '');
    if (parameter === undefined) {
      problem(`${path}.parameter`, `no parameter named "${field.parameter}"`);
      return;
    }
    if (!parameter.required && parameter.default === undefined) {
      problem(
        `${path}.parameter`,
        `"${field.parameter}" must be required or have a default: the frame needs a value`,
      );
    }
    checkCarries(field.type as FieldType, parameter.valueType, 'parameter', path, problem);
  });
  if (size > MAX_FRAME_BYTES) problem(`${where}.request`, `is ${size} bytes, more than ${MAX_FRAME_BYTES}`);
  const reply = frame.reply;
  reply?.fields.forEach((field, index) => {
    const path = `${where}.reply.fields[${index}]`;
    const end = field.offset + fieldSize(field);
    if (reply.length !== undefined && end > reply.length) {
      problem(`${path}.offset`, `the field ends at byte ${end}, past the reply's length ${reply.length}`);
    }
    if (!checkShape(field, field.resource, 'resource', path, problem)) return;
    checkBits(field, path, problem);
    const resource = resources.get(field.resource ?? '');
    if (resource === undefined || !command.resources.includes(field.resource ?? '')) {
      problem(`${path}.resource`, `"${field.resource}" is not one of the command's resources`);
      return;
    }
    checkCarries(field.type as FieldType, resource.valueType, 'resource', path, problem);
  });
}

/** A constant alone, or a type with its value's source and a length exactly when `bytes`. */
function checkShape(
  field: {
    constant?: string | undefined;
    type?: FieldType | undefined;
    length?: number | undefined;
    bitOffset?: number | undefined;
    bitLength?: number | undefined;
  },
  source: string | undefined,
  sourceName: 'parameter' | 'resource',
  path: string,
  problem: (field: string, description: string) => void,
): boolean {
  if (field.constant !== undefined) {
    const extra = [field.type, source, field.length, field.bitOffset, field.bitLength];
    if (extra.some((value) => value !== undefined)) {
      problem(path, `a constant has no type, ${sourceName}, length or bits`);
    }
    return false;
  }
  if (field.type === undefined) problem(`${path}.type`, 'is required when the field is not a constant');
  if (source === undefined) problem(`${path}.${sourceName}`, 'is required when the field is not a constant');
  if (field.type === 'bytes' && field.length === undefined)
    problem(`${path}.length`, 'is required for bytes');
  if (field.type !== 'bytes' && field.type !== undefined && field.length !== undefined) {
    problem(`${path}.length`, `only bytes fields have a length; ${field.type} has ${fieldSize(field)} bytes`);
  }
  return field.type !== undefined && source !== undefined;
}

/** A bit field lies inside an integer field: both set, on an integer type, within its width. */
function checkBits(
  field: { type?: FieldType | undefined; bitOffset?: number | undefined; bitLength?: number | undefined },
  path: string,
  problem: (field: string, description: string) => void,
): void {
  const { type, bitOffset, bitLength } = field;
  if (bitOffset === undefined && bitLength === undefined) return;
  if (type === undefined || !isIntegerType(type)) {
    problem(`${path}.type`, `only integer fields have bit fields; ${type} has none`);
    return;
  }
  if (bitLength === undefined) {
    problem(`${path}.bitLength`, 'is required with bitOffset: how many bits the reading takes');
    return;
  }
  const width = fieldBits(type);
  if ((bitOffset ?? 0) + bitLength > width) {
    problem(
      `${path}.bitLength`,
      `bits ${bitOffset ?? 0} to ${(bitOffset ?? 0) + bitLength - 1} do not fit a ${type} field's ${width} bits`,
    );
  }
}

/** Integers carry INT64, DOUBLE (raw) and BOOL (1/0); floats DOUBLE (and INT64 written); bytes STRING and BYTES. */
function checkCarries(
  type: FieldType,
  valueType: ValueTypeName,
  sourceName: 'parameter' | 'resource',
  path: string,
  problem: (field: string, description: string) => void,
): void {
  const carried: readonly ValueTypeName[] =
    type === 'bytes'
      ? ['string', 'bytes']
      : isIntegerType(type)
        ? ['int64', 'double', 'bool']
        : sourceName === 'parameter'
          ? ['int64', 'double']
          : ['double'];
  if (!carried.includes(valueType)) {
    problem(
      `${path}.type`,
      `a ${type} field cannot carry the ${valueType.toUpperCase()} ${sourceName} (it carries ${carried.map((t) => t.toUpperCase()).join(', ')})`,
    );
  }
}
