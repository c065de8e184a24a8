import {
  type DescField,
  type DescMessage,
  type JsonObject,
  type JsonValue,
  ScalarType,
} from '@bufbuild/protobuf';

/** Writes a ts-proto message as proto3 JSON. */
export type JsonWriter = (message: unknown) => JsonValue;

type Convert = (value: unknown) => JsonValue;

/**
 * Compiles, once per message type, a function that writes a ts-proto message straight to
 * proto3 canonical JSON — the same output as encoding it and letting @bufbuild/protobuf's
 * reflection write it (fields at their default value included), without the binary round trip
 * and the per-field reflection, which were most of the REST view's JSON cost.
 *
 * Types that contain `google.protobuf.Any` anywhere get no writer (`undefined`): an Any needs the
 * registry to expand its value, which the general path does. A test checks that both paths
 * agree on every message type of the contract.
 */
export function createJsonWriters(): (desc: DescMessage) => JsonWriter | undefined {
  const writers = new Map<string, JsonWriter | undefined>();
  const compiling = new Map<string, JsonWriter>();

  function writerFor(desc: DescMessage): JsonWriter | undefined {
    if (writers.has(desc.typeName)) return writers.get(desc.typeName);
    if (containsAny(desc, new Set())) {
      writers.set(desc.typeName, undefined);
      return undefined;
    }
    const existing = compiling.get(desc.typeName);
    if (existing) return existing;
    // Unset message, optional and oneof fields are undefined in ts-proto and omitted; every
    // other field holds its default and is written, as protobuf-es's alwaysEmitImplicit does.
    let fields: { property: string; key: string; convert: Convert }[] = [];
    const writer: JsonWriter = (message) => {
      const source = message as Record<string, unknown>;
      const out: JsonObject = {};
      for (const { property, key, convert } of fields) {
        const value = source[property];
        if (value !== undefined && value !== null) out[key] = convert(value);
      }
      return out;
    };
    compiling.set(desc.typeName, writer);
    fields = desc.fields.map((field) => ({
      property: field.localName,
      key: field.jsonName,
      convert: converterOf(field),
    }));
    compiling.delete(desc.typeName);
    writers.set(desc.typeName, writer);
    return writer;
  }

  function converterOf(field: DescField): Convert {
    switch (field.fieldKind) {
      case 'scalar':
        return scalarConverter(field.scalar);
      case 'enum':
        return enumConverter(field.enum.values);
      case 'message':
        return messageConverter(field.message);
      case 'list': {
        const item =
          field.listKind === 'scalar'
            ? scalarConverter(field.scalar)
            : field.listKind === 'enum'
              ? enumConverter(field.enum.values)
              : messageConverter(field.message);
        return (value) => (value as unknown[]).map(item);
      }
      case 'map': {
        const item =
          field.mapKind === 'scalar'
            ? scalarConverter(field.scalar)
            : field.mapKind === 'enum'
              ? enumConverter(field.enum.values)
              : messageConverter(field.message);
        return (value) => {
          const out: JsonObject = {};
          for (const [key, entry] of Object.entries(value as Record<string, unknown>)) out[key] = item(entry);
          return out;
        };
      }
    }
  }

  function messageConverter(desc: DescMessage): Convert {
    const wellKnown = WELL_KNOWN[desc.typeName];
    if (wellKnown) return wellKnown;
    return (value) => {
      const writer = writerFor(desc);
      if (writer === undefined) throw new Error(`${desc.typeName} has no compiled writer`);
      return writer(value);
    };
  }

  return writerFor;
}

function enumConverter(values: readonly { number: number; name: string }[]): Convert {
  const names = new Map(values.map((value) => [value.number, value.name]));
  return (value) => names.get(value as number) ?? (value as number);
}

function scalarConverter(scalar: ScalarType): Convert {
  switch (scalar) {
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
      return (value) => {
        const number = value as number;
        if (Number.isFinite(number)) return number;
        return Number.isNaN(number) ? 'NaN' : number > 0 ? 'Infinity' : '-Infinity';
      };
    case ScalarType.BYTES:
      return (value) => Buffer.from(value as Uint8Array).toString('base64');
    case ScalarType.INT64:
    case ScalarType.UINT64:
    case ScalarType.SINT64:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return (value) => String(value);
    default:
      return (value) => value as JsonValue;
  }
}

// ts-proto's representations of the well-known types, written in their proto3 JSON forms.
const WELL_KNOWN: Record<string, Convert> = {
  'google.protobuf.Timestamp': (value) => timestampJson(value as Date),
  'google.protobuf.Duration': (value) => {
    const { seconds, nanos } = value as { seconds: string; nanos: number };
    const sign = seconds.startsWith('-') || nanos < 0 ? '-' : '';
    return `${sign}${seconds.replace('-', '')}${fraction(Math.abs(nanos))}s`;
  },
  'google.protobuf.FieldMask': (value) =>
    (value as string[])
      .map((path) => path.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()))
      .join(','),
  'google.protobuf.Struct': (value) => value as JsonValue,
  'google.protobuf.Value': (value) => value as JsonValue,
  'google.protobuf.ListValue': (value) => value as JsonValue,
  'google.protobuf.Empty': () => ({}),
  'google.protobuf.StringValue': (value) => value as JsonValue,
  'google.protobuf.BoolValue': (value) => value as JsonValue,
  'google.protobuf.Int32Value': (value) => value as JsonValue,
  'google.protobuf.UInt32Value': (value) => value as JsonValue,
  'google.protobuf.Int64Value': (value) => String(value),
  'google.protobuf.UInt64Value': (value) => String(value),
  'google.protobuf.DoubleValue': scalarConverter(ScalarType.DOUBLE),
  'google.protobuf.FloatValue': scalarConverter(ScalarType.FLOAT),
  'google.protobuf.BytesValue': scalarConverter(ScalarType.BYTES),
};

// RFC 3339 in UTC with 0, 3, 6 or 9 fractional digits, as proto3 JSON writes timestamps.
function timestampJson(date: Date): string {
  const iso = date.toISOString();
  const millis = date.getUTCMilliseconds();
  return millis === 0 ? `${iso.slice(0, 19)}Z` : iso;
}

function fraction(nanos: number): string {
  if (nanos === 0) return '';
  if (nanos % 1_000_000 === 0) return `.${String(nanos / 1_000_000).padStart(3, '0')}`;
  if (nanos % 1000 === 0) return `.${String(nanos / 1000).padStart(6, '0')}`;
  return `.${String(nanos).padStart(9, '0')}`;
}

function containsAny(desc: DescMessage, seen: Set<string>): boolean {
  if (desc.typeName === 'google.protobuf.Any') return true;
  if (seen.has(desc.typeName)) return false;
  seen.add(desc.typeName);
  return desc.fields.some((field) => {
    const message =
      field.fieldKind === 'message'
        ? field.message
        : field.fieldKind === 'list' && field.listKind === 'message'
          ? field.message
          : field.fieldKind === 'map' && field.mapKind === 'message'
            ? field.message
            : undefined;
    return message !== undefined && containsAny(message, seen);
  });
}
