import { type CommandFrame, type FrameField, FrameFieldType } from '../../gen/hcs/v1/devices.ts';
import type { FieldType, Frame } from './frame-schema.ts';

const FIELD_TYPES_BY_ENUM: Partial<Record<FrameFieldType, FieldType>> = {
  [FrameFieldType.FRAME_FIELD_TYPE_U8]: 'u8',
  [FrameFieldType.FRAME_FIELD_TYPE_I8]: 'i8',
  [FrameFieldType.FRAME_FIELD_TYPE_U16_LE]: 'u16le',
  [FrameFieldType.FRAME_FIELD_TYPE_U16_BE]: 'u16be',
  [FrameFieldType.FRAME_FIELD_TYPE_I16_LE]: 'i16le',
  [FrameFieldType.FRAME_FIELD_TYPE_I16_BE]: 'i16be',
  [FrameFieldType.FRAME_FIELD_TYPE_U32_LE]: 'u32le',
  [FrameFieldType.FRAME_FIELD_TYPE_U32_BE]: 'u32be',
  [FrameFieldType.FRAME_FIELD_TYPE_I32_LE]: 'i32le',
  [FrameFieldType.FRAME_FIELD_TYPE_I32_BE]: 'i32be',
  [FrameFieldType.FRAME_FIELD_TYPE_U64_LE]: 'u64le',
  [FrameFieldType.FRAME_FIELD_TYPE_U64_BE]: 'u64be',
  [FrameFieldType.FRAME_FIELD_TYPE_I64_LE]: 'i64le',
  [FrameFieldType.FRAME_FIELD_TYPE_I64_BE]: 'i64be',
  [FrameFieldType.FRAME_FIELD_TYPE_F32_LE]: 'f32le',
  [FrameFieldType.FRAME_FIELD_TYPE_F32_BE]: 'f32be',
  [FrameFieldType.FRAME_FIELD_TYPE_F64_LE]: 'f64le',
  [FrameFieldType.FRAME_FIELD_TYPE_F64_BE]: 'f64be',
  [FrameFieldType.FRAME_FIELD_TYPE_BYTES]: 'bytes',
};
const ENUMS_BY_FIELD_TYPE = Object.fromEntries(
  Object.entries(FIELD_TYPES_BY_ENUM).map(([value, name]) => [name, Number(value)]),
) as Record<FieldType, FrameFieldType>;

/**
 * A proto frame as the document the profile schema checks: proto defaults (0, '') become
 * absent fields, so the schema and the consistency checks see what the caller set. An
 * unknown enum number is passed on as its number, for the schema to refuse by path.
 */
export function frameFromMessage(frame: CommandFrame | undefined): Frame | undefined {
  if (frame === undefined) return undefined;
  const common = (field: FrameField) => ({
    ...(field.constant === '' ? {} : { constant: field.constant }),
    ...(field.type === FrameFieldType.FRAME_FIELD_TYPE_UNSPECIFIED
      ? {}
      : { type: (FIELD_TYPES_BY_ENUM[field.type] ?? field.type) as FieldType }),
    ...(field.length === 0 ? {} : { length: field.length }),
    ...(field.bitOffset === 0 ? {} : { bitOffset: field.bitOffset }),
    ...(field.bitLength === 0 ? {} : { bitLength: field.bitLength }),
  });
  return {
    target: frame.target,
    request: frame.request.map((field) => ({
      ...common(field),
      ...(field.parameter === '' ? {} : { parameter: field.parameter }),
    })),
    ...(frame.reply === undefined
      ? {}
      : {
          reply: {
            target: frame.reply.target,
            ...(frame.reply.length === 0 ? {} : { length: frame.reply.length }),
            fields: frame.reply.fields.map((field) => ({
              offset: field.offset,
              ...common(field),
              ...(field.resource === '' ? {} : { resource: field.resource }),
            })),
          },
        }),
  };
}

/** A stored frame as its proto message. */
export function frameToMessage(frame: Frame | undefined): CommandFrame | undefined {
  if (frame === undefined) return undefined;
  const field = (
    spec: { constant?: string; type?: FieldType; length?: number; bitOffset?: number; bitLength?: number },
    extra: Partial<FrameField>,
  ): FrameField => ({
    offset: 0,
    constant: spec.constant ?? '',
    type:
      spec.type === undefined ? FrameFieldType.FRAME_FIELD_TYPE_UNSPECIFIED : ENUMS_BY_FIELD_TYPE[spec.type],
    parameter: '',
    resource: '',
    length: spec.length ?? 0,
    bitOffset: spec.bitOffset ?? 0,
    bitLength: spec.bitLength ?? 0,
    ...extra,
  });
  return {
    target: frame.target,
    request: frame.request.map((spec) => field(spec, { parameter: spec.parameter ?? '' })),
    reply:
      frame.reply === undefined
        ? undefined
        : {
            target: frame.reply.target,
            length: frame.reply.length ?? 0,
            fields: frame.reply.fields.map((spec) =>
              field(spec, { offset: spec.offset, resource: spec.resource ?? '' }),
            ),
          },
  };
}
