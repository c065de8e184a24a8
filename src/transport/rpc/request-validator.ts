import { isUtf8 } from 'node:buffer';
import { type DescField, type DescMessage, type FileRegistry, ScalarType } from '@bufbuild/protobuf';
import { AppError, Code, PlatformReason } from '../../platform/errors/index.ts';
import { WireFormatError, WireReader, WireType } from './wire-reader.ts';

/** Checks the encoded bytes of one request message; throws INVALID_ARGUMENT when they are not acceptable. */
export type RequestCheck = (bytes: Uint8Array) => void;

/** proto3's Timestamp range: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z. */
const TIMESTAMP_SECONDS = { min: -62_135_596_800n, max: 253_402_300_799n };
/** proto3's Duration range: about ±10 000 years. */
const DURATION_SECONDS = 315_576_000_000n;
const MAX_NANOS = 999_999_999n;
/** Deepest nesting of messages a request may have (protobuf's own default recursion limit). */
const MAX_DEPTH = 100;

type FieldCheck =
  | { kind: 'string'; name: string; repeated: boolean }
  | { kind: 'message'; name: string; repeated: boolean; plan: () => MessagePlan }
  | { kind: 'timestamp' | 'duration'; name: string; repeated: boolean }
  | { kind: 'map'; name: string; key: boolean; value: FieldCheck | undefined };

type MessagePlan = ReadonlyMap<number, FieldCheck>;

/**
 * What every request must be, checked once on its encoded bytes before any decoder reads it, for
 * both transports (the gateway's JSON becomes these bytes too):
 *
 * - well-formed protobuf (no truncated value, no length past the end, no field number 0);
 * - strings valid UTF-8 (proto3 requires it; the decoders would silently substitute U+FFFD) and
 *   free of NUL, which no hcs field needs and PostgreSQL cannot store;
 * - every `google.protobuf.Timestamp` and `Duration` within proto3's range, nanos included;
 * - messages nested at most 100 deep.
 *
 * A refusal is INVALID_ARGUMENT `INVALID_REQUEST` naming the field (proto names, `[i]` for a
 * list element) in the message and a field violation. Unknown fields are stepped over unread, as
 * the decoders ignore them. Plans are compiled per message type on first use.
 */
export function createRequestValidator(registry: FileRegistry): (typeName: string) => RequestCheck {
  const plans = new Map<DescMessage, MessagePlan>();
  const planOf = (desc: DescMessage): MessagePlan => {
    let plan = plans.get(desc);
    if (plan === undefined) {
      plan = compilePlan(desc, planOf);
      plans.set(desc, plan);
    }
    return plan;
  };
  return (typeName) => {
    const desc = registry.getMessage(typeName);
    if (desc === undefined) throw new Error(`message ${typeName} is not in the descriptor set`);
    return (bytes) => {
      try {
        walk(new WireReader(bytes), planOf(desc), '', 0);
      } catch (error) {
        if (error instanceof WireFormatError) {
          throw new AppError(
            Code.INVALID_ARGUMENT,
            PlatformReason.INVALID_REQUEST,
            `the request is not a valid ${typeName} message: ${error.message}`,
            { cause: error },
          );
        }
        throw error;
      }
    };
  };
}

function compilePlan(desc: DescMessage, planOf: (desc: DescMessage) => MessagePlan): MessagePlan {
  const plan = new Map<number, FieldCheck>();
  for (const field of desc.fields) {
    const check = checkOf(field, planOf);
    if (check !== undefined) plan.set(field.number, check);
  }
  return plan;
}

function checkOf(field: DescField, planOf: (desc: DescMessage) => MessagePlan): FieldCheck | undefined {
  const { name } = field;
  switch (field.fieldKind) {
    case 'scalar':
      return field.scalar === ScalarType.STRING ? { kind: 'string', name, repeated: false } : undefined;
    case 'message':
      return messageCheck(name, field.message, false, planOf);
    case 'list':
      if (field.listKind === 'message') return messageCheck(name, field.message, true, planOf);
      return field.listKind === 'scalar' && field.scalar === ScalarType.STRING
        ? { kind: 'string', name, repeated: true }
        : undefined;
    case 'map': {
      const value =
        field.mapKind === 'message'
          ? messageCheck(name, field.message, false, planOf)
          : field.mapKind === 'scalar' && field.scalar === ScalarType.STRING
            ? ({ kind: 'string', name, repeated: false } as const)
            : undefined;
      const key = field.mapKey === ScalarType.STRING;
      return key || value !== undefined ? { kind: 'map', name, key, value } : undefined;
    }
    default:
      return undefined;
  }
}

function messageCheck(
  name: string,
  message: DescMessage,
  repeated: boolean,
  planOf: (desc: DescMessage) => MessagePlan,
): FieldCheck {
  if (message.typeName === 'google.protobuf.Timestamp') return { kind: 'timestamp', name, repeated };
  if (message.typeName === 'google.protobuf.Duration') return { kind: 'duration', name, repeated };
  return { kind: 'message', name, repeated, plan: () => planOf(message) };
}

function walk(reader: WireReader, plan: MessagePlan, prefix: string, depth: number): void {
  if (depth > MAX_DEPTH) throw new WireFormatError(`messages are nested more than ${MAX_DEPTH} deep`);
  let counts: Map<number, number> | undefined;
  while (!reader.done) {
    const { field, wireType } = reader.tag();
    const check = plan.get(field);
    if (check === undefined || wireType !== WireType.LENGTH_DELIMITED) {
      reader.skip(wireType, field);
      continue;
    }
    let path = prefix === '' ? check.name : `${prefix}.${check.name}`;
    if (check.kind !== 'map' && check.repeated) {
      counts ??= new Map();
      const index = counts.get(field) ?? 0;
      counts.set(field, index + 1);
      path = `${path}[${index}]`;
    }
    const { start, end } = reader.delimited();
    checkValue(check, new WireReader(reader.bytes, start, end), path, depth);
  }
}

function checkValue(check: FieldCheck, value: WireReader, path: string, depth: number): void {
  switch (check.kind) {
    case 'string':
      checkString(value.bytes.subarray(value.pos, value.end), path);
      break;
    case 'message':
      walk(value, check.plan(), path, depth + 1);
      break;
    case 'timestamp':
    case 'duration':
      checkTime(check.kind, value, path);
      break;
    case 'map':
      checkMapEntry(check, value, path, depth);
      break;
  }
}

function checkMapEntry(
  check: Extract<FieldCheck, { kind: 'map' }>,
  entry: WireReader,
  path: string,
  depth: number,
): void {
  while (!entry.done) {
    const { field, wireType } = entry.tag();
    if (wireType !== WireType.LENGTH_DELIMITED || (field === 1 ? !check.key : field !== 2 || !check.value)) {
      entry.skip(wireType, field);
      continue;
    }
    const { start, end } = entry.delimited();
    const part = new WireReader(entry.bytes, start, end);
    if (field === 1) checkString(entry.bytes.subarray(start, end), path);
    else if (check.value !== undefined) checkValue(check.value, part, path, depth);
  }
}

function checkString(bytes: Uint8Array, path: string): void {
  if (bytes.indexOf(0) !== -1) throw invalidField(path, 'must not contain a NUL character');
  // ASCII needs no decoding check; isUtf8 rejects overlong forms and encoded surrogates too.
  if (!isAscii(bytes) && !isUtf8(bytes)) throw invalidField(path, 'is not valid UTF-8');
}

function isAscii(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if ((bytes[i] as number) > 0x7f) return false;
  return true;
}

function checkTime(kind: 'timestamp' | 'duration', reader: WireReader, path: string): void {
  let seconds = 0n;
  let nanos = 0n;
  while (!reader.done) {
    const { field, wireType } = reader.tag();
    if (wireType === WireType.VARINT && field === 1) seconds = reader.int64();
    else if (wireType === WireType.VARINT && field === 2) nanos = reader.int64();
    else reader.skip(wireType, field);
  }
  if (kind === 'timestamp') {
    const inRange =
      seconds >= TIMESTAMP_SECONDS.min &&
      seconds <= TIMESTAMP_SECONDS.max &&
      nanos >= 0n &&
      nanos <= MAX_NANOS;
    if (!inRange) {
      throw invalidField(
        path,
        'is outside the range of a Timestamp (0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z)',
      );
    }
    return;
  }
  const sameSign = seconds === 0n || nanos === 0n || seconds < 0n === nanos < 0n;
  const inRange =
    seconds >= -DURATION_SECONDS && seconds <= DURATION_SECONDS && nanos >= -MAX_NANOS && nanos <= MAX_NANOS;
  if (!(inRange && sameSign)) {
    throw invalidField(
      path,
      "is outside the range of a Duration (±315576000000 s; nanos within ±999999999, of the seconds' sign)",
    );
  }
}

function invalidField(field: string, problem: string): AppError {
  const description = `${field} ${problem}`;
  return new AppError(Code.INVALID_ARGUMENT, PlatformReason.INVALID_REQUEST, `field ${description}`, {
    fieldViolations: [{ field, description }],
  });
}
