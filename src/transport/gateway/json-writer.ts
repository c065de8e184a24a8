import { type DescField, type DescMessage, ScalarType } from '@bufbuild/protobuf';
import { timestampToRfc3339 } from './rfc3339.ts';

/** Writes a ts-proto message as proto3 JSON text. */
export type JsonWriter = (message: unknown) => string;

/** Writes one set (non-null) field value as JSON text. */
type Convert = (value: unknown) => string;

/** The compiled writers of a contract, made on first use per type and kept. */
export interface JsonWriters {
  /** The writer of a message type; undefined for types holding a `google.protobuf.Any`. */
  message(desc: DescMessage): JsonWriter | undefined;
  /**
   * The writer of one field of a message type (a method's `response_body`): the field's JSON,
   * or `null` when it is unset. Undefined when the type has no compiled writer.
   */
  field(desc: DescMessage, field: DescField): JsonWriter | undefined;
}

/**
 * Compiles, once per message type, a function that writes a ts-proto message straight to
 * proto3 canonical JSON text — the same text as encoding it, letting @bufbuild/protobuf's
 * reflection write it (fields at their default value included) and `JSON.stringify`-ing that,
 * without the binary round trip, the per-field reflection and the intermediate object, which
 * were most of the REST view's per-call cost.
 *
 * Types that contain `google.protobuf.Any` anywhere get no writer (`undefined`): an Any needs the
 * registry to expand its value, which the general path does. A test checks that both paths
 * write the same text for every message type of the contract.
 */
export function createJsonWriters(): JsonWriters {
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
    let fields: { property: string; first: string; next: string; convert: Convert }[] = [];
    const writer: JsonWriter = (message) => {
      const source = message as Record<string, unknown>;
      let out = '';
      for (const { property, first, next, convert } of fields) {
        const value = source[property];
        if (value !== undefined && value !== null) out += (out === '' ? first : next) + convert(value);
      }
      return out === '' ? '{}' : `${out}}`;
    };
    compiling.set(desc.typeName, writer);
    // In field-number order, as protobuf-es writes JSON (a field added later may be declared
    // beside its kin with a higher number).
    fields = [...desc.fields]
      .sort((a, b) => a.number - b.number)
      .map((field) => ({
        property: field.localName,
        first: `{${JSON.stringify(field.jsonName)}:`,
        next: `,${JSON.stringify(field.jsonName)}:`,
        convert: converterOf(field),
      }));
    compiling.delete(desc.typeName);
    writers.set(desc.typeName, writer);
    return writer;
  }

  function fieldWriterFor(desc: DescMessage, field: DescField): JsonWriter | undefined {
    if (writerFor(desc) === undefined) return undefined;
    const convert = converterOf(field);
    return (message) => {
      const value = (message as Record<string, unknown>)[field.localName];
      return value === undefined || value === null ? 'null' : convert(value);
    };
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
        return (value) => {
          const items = value as unknown[];
          let out = '[';
          for (let index = 0; index < items.length; index += 1) {
            out += (index === 0 ? '' : ',') + item(items[index]);
          }
          return `${out}]`;
        };
      }
      case 'map': {
        const item =
          field.mapKind === 'scalar'
            ? scalarConverter(field.scalar)
            : field.mapKind === 'enum'
              ? enumConverter(field.enum.values)
              : messageConverter(field.message);
        return (value) => {
          let out = '';
          for (const [key, entry] of Object.entries(value as Record<string, unknown>)) {
            out += `${out === '' ? '{' : ','}${stringJson(key)}:${item(entry)}`;
          }
          return out === '' ? '{}' : `${out}}`;
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

  return { message: writerFor, field: fieldWriterFor };
}

// Characters JSON.stringify escapes: controls, `"`, `\`, and surrogates (a lone one becomes \uXXXX).
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it looks for.
const NEEDS_ESCAPE = /[\u0000-\u001f"\\\ud800-\udfff]/;

// Most strings (names, ids, enum-like values) need no escaping; quoting them directly costs
// about two thirds of calling JSON.stringify.
function stringJson(value: unknown): string {
  const text = value as string;
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
}

function enumConverter(values: readonly { number: number; name: string }[]): Convert {
  const names = new Map(values.map((value) => [value.number, JSON.stringify(value.name)]));
  return (value) => names.get(value as number) ?? String(value);
}

function scalarConverter(scalar: ScalarType): Convert {
  switch (scalar) {
    case ScalarType.STRING:
      return stringJson;
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
      return (value) => {
        const number = value as number;
        if (Number.isFinite(number)) return String(number);
        return Number.isNaN(number) ? '"NaN"' : number > 0 ? '"Infinity"' : '"-Infinity"';
      };
    case ScalarType.BYTES:
      return (value) => `"${Buffer.from(value as Uint8Array).toString('base64')}"`;
    case ScalarType.INT64:
    case ScalarType.UINT64:
    case ScalarType.SINT64:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return (value) => `"${String(value)}"`;
    default:
      // bool and the 32-bit integers
      return (value) => String(value);
  }
}

// ts-proto's representations of the well-known types, written in their proto3 JSON forms.
const WELL_KNOWN: Record<string, Convert> = {
  'google.protobuf.Timestamp': (value) => `"${timestampToRfc3339(value as Date)}"`,
  'google.protobuf.Duration': (value) => {
    const { seconds, nanos } = value as { seconds: string; nanos: number };
    const sign = seconds.startsWith('-') || nanos < 0 ? '-' : '';
    return `"${sign}${seconds.replace('-', '')}${fraction(Math.abs(nanos))}s"`;
  },
  'google.protobuf.FieldMask': (value) =>
    stringJson(
      (value as string[])
        .map((path) => path.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()))
        .join(','),
    ),
  'google.protobuf.Struct': (value) => JSON.stringify(value),
  'google.protobuf.Value': (value) => JSON.stringify(value),
  'google.protobuf.ListValue': (value) => JSON.stringify(value),
  'google.protobuf.Empty': () => '{}',
  'google.protobuf.StringValue': scalarConverter(ScalarType.STRING),
  'google.protobuf.BoolValue': scalarConverter(ScalarType.BOOL),
  'google.protobuf.Int32Value': scalarConverter(ScalarType.INT32),
  'google.protobuf.UInt32Value': scalarConverter(ScalarType.UINT32),
  'google.protobuf.Int64Value': scalarConverter(ScalarType.INT64),
  'google.protobuf.UInt64Value': scalarConverter(ScalarType.UINT64),
  'google.protobuf.DoubleValue': scalarConverter(ScalarType.DOUBLE),
  'google.protobuf.FloatValue': scalarConverter(ScalarType.FLOAT),
  'google.protobuf.BytesValue': scalarConverter(ScalarType.BYTES),
};

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
