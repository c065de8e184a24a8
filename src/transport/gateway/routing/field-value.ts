import { type DescEnum, type DescMessage, type JsonValue, ScalarType } from '@bufbuild/protobuf';

/** What a single query value sets: a scalar, an enum, or a well-known message. */
export type ValueKind =
  | { readonly kind: 'scalar'; readonly scalar: ScalarType }
  | { readonly kind: 'enum'; readonly enum: DescEnum }
  | { readonly kind: 'message'; readonly message: DescMessage };

/** A parsed value, or what the text should have looked like. */
export type ParsedValue =
  | { readonly ok: true; readonly value: JsonValue }
  | { readonly ok: false; readonly expected: string };

/** Messages a query parameter can set: they have a scalar JSON form. */
const WRAPPERS = new Set(
  ['Double', 'Float', 'Int64', 'UInt64', 'Int32', 'UInt32', 'Bool', 'String', 'Bytes'].map(
    (name) => `google.protobuf.${name}Value`,
  ),
);
const TIMESTAMP = 'google.protobuf.Timestamp';
const DURATION = 'google.protobuf.Duration';
const FIELD_MASK = 'google.protobuf.FieldMask';

/** Whether a message is a well-known type that a single query value can set. */
export function isQueryableMessage(message: DescMessage): boolean {
  return WRAPPERS.has(message.typeName) || [TIMESTAMP, DURATION, FIELD_MASK].includes(message.typeName);
}

const INTEGER = /^-?\d+$/;
const UNSIGNED = /^\d+$/;
const DECIMAL = /^-?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const BASE64 = /^([A-Za-z0-9+/]*|[A-Za-z0-9\-_]*)={0,2}$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;
const DURATION_TEXT = /^-?\d+(\.\d{1,9})?s$/;
const MASK_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const MAX_DURATION_SECONDS = 315_576_000_000;
const FLOAT_MAX = 3.4028234663852886e38;

/**
 * Reads one query-string value as the proto3 JSON value of a field of `kind`, or returns a
 * phrase saying what was expected (`"an int32"`) for the caller's error. Strict on purpose: a
 * value that would be silently changed (`1.5` for an int32, `yes` for a bool) is refused
 * rather than guessed.
 */
export function parseFieldValue(kind: ValueKind, text: string): ParsedValue {
  switch (kind.kind) {
    case 'scalar':
      return parseScalar(kind.scalar, text);
    case 'enum':
      return parseEnum(kind.enum, text);
    case 'message':
      return parseWellKnown(kind.message, text);
  }
}

const ok = (value: JsonValue): ParsedValue => ({ ok: true, value });
const expected = (what: string): ParsedValue => ({ ok: false, expected: what });

function parseScalar(scalar: ScalarType, text: string): ParsedValue {
  switch (scalar) {
    case ScalarType.STRING:
      return ok(text);
    case ScalarType.BOOL:
      if (text === 'true' || text === '1') return ok(true);
      if (text === 'false' || text === '0') return ok(false);
      return expected('a bool (true, false, 1 or 0)');
    case ScalarType.INT32:
    case ScalarType.SINT32:
    case ScalarType.SFIXED32:
      return integer(text, -(2n ** 31n), 2n ** 31n - 1n, 'an int32', false);
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return integer(text, 0n, 2n ** 32n - 1n, 'a uint32', false);
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
      return integer(text, -(2n ** 63n), 2n ** 63n - 1n, 'an int64', true);
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return integer(text, 0n, 2n ** 64n - 1n, 'a uint64', true);
    case ScalarType.FLOAT:
    case ScalarType.DOUBLE:
      return floating(text, scalar === ScalarType.FLOAT);
    case ScalarType.BYTES:
      return BASE64.test(text) && text.length % 4 !== 1 ? ok(text) : expected('base64 bytes');
  }
}

/** 64-bit integers stay strings, as proto3 JSON writes them, so no precision is lost. */
function integer(text: string, min: bigint, max: bigint, what: string, asString: boolean): ParsedValue {
  const valid = (min < 0n ? INTEGER : UNSIGNED).test(text);
  const value = valid ? BigInt(text) : undefined;
  if (value === undefined || value < min || value > max) return expected(what);
  return ok(asString ? value.toString() : Number(value));
}

function floating(text: string, single: boolean): ParsedValue {
  const what = single ? 'a float' : 'a double';
  if (text === 'NaN' || text === 'Infinity' || text === '-Infinity') return ok(text);
  if (!DECIMAL.test(text)) return expected(what);
  const value = Number(text);
  if (!Number.isFinite(value) || (single && Math.abs(value) > FLOAT_MAX)) return expected(what);
  return ok(value);
}

function parseEnum(descriptor: DescEnum, text: string): ParsedValue {
  const byName = descriptor.values.find((value) => value.name === text);
  const byNumber = INTEGER.test(text) ? descriptor.values.find((v) => v.number === Number(text)) : undefined;
  const value = byName ?? byNumber;
  if (value !== undefined) return ok(value.name);
  return expected(`one of ${descriptor.values.map((v) => v.name).join(', ')} (or its number)`);
}

function parseWellKnown(message: DescMessage, text: string): ParsedValue {
  switch (message.typeName) {
    case TIMESTAMP: {
      // A `+` in the offset that form decoding turned into a space (`?t=…05+02:00`) is restored.
      const timestamp = text.replace(/ (\d{2}:\d{2})$/, '+$1');
      return RFC3339.test(timestamp) && !Number.isNaN(Date.parse(timestamp))
        ? ok(timestamp)
        : expected('an RFC 3339 timestamp such as 2026-01-02T15:04:05Z');
    }
    case DURATION: {
      const seconds = Math.abs(Number.parseFloat(text));
      return DURATION_TEXT.test(text) && seconds <= MAX_DURATION_SECONDS
        ? ok(text)
        : expected('a duration in seconds such as 1.5s');
    }
    case FIELD_MASK: {
      const paths = text.split(',').map((path) => path.trim());
      if (!paths.every((path) => MASK_PATH.test(path))) {
        return expected('a comma-separated list of field paths such as display_name,labels');
      }
      return ok(paths.map(snakeToCamelPath).join(','));
    }
  }
  const inner = message.fields[0];
  if (WRAPPERS.has(message.typeName) && inner?.fieldKind === 'scalar') return parseScalar(inner.scalar, text);
  return expected(`no query value: ${message.typeName} cannot be set from a query parameter`);
}

/** FieldMask paths are lowerCamelCase in proto3 JSON; both spellings are accepted here. */
function snakeToCamelPath(path: string): string {
  return path
    .split('.')
    .map((part) => part.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase()))
    .join('.');
}
