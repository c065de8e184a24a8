import { gzipSync } from 'node:zlib';
import { type DescMessage, type FileRegistry, ScalarType } from '@bufbuild/protobuf';
import type { ContractMethod } from '../../../src/transport/rpc/index.ts';
import { grpcFrame } from '../../helpers/raw-grpc.ts';
import { delimited, seconds, tag, text, varint } from '../../helpers/wire-bytes.ts';
import { type FieldTarget, fieldTargets } from './message-fields.ts';

/** One bad gRPC request: its headers and its body exactly as sent. */
export interface GrpcCase {
  readonly name: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly frames: Buffer;
  /** Whether the admin's token goes with it. */
  readonly authenticated: boolean;
}

/** Elements of a huge repeated field: far over any list a method needs, well under 4 MiB. */
export const HUGE_COUNT = 100_000;

const GARBAGE = Buffer.from('ffffffff', 'hex');
const TIMESTAMPS_OUT_OF_RANGE = [
  seconds(2n ** 62n),
  seconds(-(2n ** 62n)),
  seconds(0n, -1n),
  seconds(0n, 1_000_000_000n),
];
const DURATIONS_OUT_OF_RANGE = [seconds(315_576_000_001n), seconds(-(2n ** 62n)), seconds(1n, -1n)];

/** A deterministic byte stream (xorshift32), so a failing case is the same on every run. */
function pseudoRandomBytes(seed: number, length: number): Buffer {
  let state = seed || 1;
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out[i] = state & 0xff;
  }
  return out;
}

// Start-group tags of an unknown field nested far deeper than any decoder should follow.
function deepGroups(depth: number): number[] {
  const start = tag(1000, 3);
  const end = tag(1000, 4);
  return [
    ...Array.from({ length: depth }, () => start).flat(),
    ...Array.from({ length: depth }, () => end).flat(),
  ];
}

/**
 * The gRPC corpus of one method: garbage and truncated bytes, lengths past the end, a frame
 * over the size limit, bad `grpc-timeout` and `grpc-encoding`, deep nesting, and for each field
 * (three levels down) a wrong wire type, and where it applies NUL and invalid UTF-8, an
 * out-of-range Timestamp or Duration, or a huge repeated value. Sent with the admin's token; an
 * empty request also without one.
 */
export function grpcCorpus(method: ContractMethod, registry: FileRegistry): GrpcCase[] {
  const input = registry.getMessage(method.inputType) as DescMessage;
  const cases: GrpcCase[] = [];
  const add = (
    name: string,
    body: Buffer | readonly number[],
    headers: Record<string, string> = {},
    framed = false,
  ) => {
    const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
    cases.push({
      name,
      path: method.path,
      headers,
      frames: framed ? bytes : grpcFrame(bytes),
      authenticated: true,
    });
  };
  cases.push({
    name: 'an empty request without credentials',
    path: method.path,
    headers: {},
    frames: grpcFrame(Buffer.alloc(0)),
    authenticated: false,
  });
  add('garbage bytes', GARBAGE);
  add('pseudo-random bytes', pseudoRandomBytes(method.path.length, 96));
  add('a length past the end', [...tag(1, 2), ...varint(2n ** 31n), 1, 2, 3]);
  add('a length of 2^62', [...tag(1, 2), ...varint(2n ** 62n)]);
  add('field number 0', [0x00, 0x01]);
  add('groups nested 5 000 deep', deepGroups(5000));
  add('a frame declaring 5 MiB', Buffer.from([0, 0, 0x50, 0, 0, 1, 2, 3]), {}, true);
  add('a frame cut short', Buffer.from([0, 0, 0, 0, 100, 1, 2]), {}, true);
  add('grpc-timeout: abc', [], { 'grpc-timeout': 'abc' });
  add('grpc-timeout: 1h', [], { 'grpc-timeout': '1h' });
  add('grpc-encoding: gzip with garbage', grpcFrame(GARBAGE, true), { 'grpc-encoding': 'gzip' }, true);
  add('grpc-encoding: deflate with garbage', grpcFrame(GARBAGE, true), { 'grpc-encoding': 'deflate' }, true);
  add(
    'grpc-encoding: unknown',
    grpcFrame(gzipSync(Buffer.alloc(0)), true),
    { 'grpc-encoding': 'x-none' },
    true,
  );
  for (const target of fieldTargets(input)) {
    for (const [name, body] of fieldCases(target)) add(`${target.path}: ${name}`, body);
  }
  return cases;
}

function fieldCases(target: FieldTarget): [string, number[]][] {
  const { field } = target;
  const cases: [string, number[]][] = [];
  if (target.kind !== 'map-key' && target.kind !== 'map-value') {
    // A length-delimited field sent as a varint of 2^63, any other as 10 bytes of garbage.
    const delimitedKind =
      field.fieldKind === 'message' || field.fieldKind === 'map' || target.kind === 'string';
    cases.push([
      'the wrong wire type',
      target.wireRaw(
        delimitedKind
          ? [...tag(field.number, 0), ...varint(2n ** 63n)]
          : delimited(field.number, [...GARBAGE, ...GARBAGE]),
      ),
    ]);
    cases.push(['a fixed64 cut short', target.wireRaw([...tag(field.number, 1), 1, 2])]);
  }
  switch (target.kind) {
    case 'string':
    case 'map-key':
    case 'map-value':
      cases.push(['a NUL', target.wire(text('a\u0000b'))]);
      cases.push(['invalid UTF-8', target.wire([0x61, 0xff, 0xfe, 0x62])]);
      cases.push(['an encoded surrogate', target.wire([0xed, 0xa0, 0x80])]);
      cases.push(['an injection string', target.wire(text(`' OR '1'='1'; --`))]);
      break;
    case 'timestamp':
      for (const [index, body] of TIMESTAMPS_OUT_OF_RANGE.entries())
        cases.push([`out-of-range Timestamp ${index}`, target.wire(body)]);
      break;
    case 'duration':
      for (const [index, body] of DURATIONS_OUT_OF_RANGE.entries())
        cases.push([`out-of-range Duration ${index}`, target.wire(body)]);
      break;
    case 'list':
      cases.push([`${HUGE_COUNT} elements`, target.wireRaw(hugeList(target))]);
      break;
    case 'map':
      cases.push([
        `${HUGE_COUNT} entries`,
        target.wireRaw(Array.from({ length: HUGE_COUNT }, () => delimited(field.number, [])).flat()),
      ]);
      break;
    default:
      break;
  }
  return cases;
}

function hugeList(target: FieldTarget): number[] {
  const { field } = target;
  if (field.fieldKind !== 'list') return [];
  if (
    field.listKind === 'message' ||
    (field.listKind === 'scalar' && (field.scalar === ScalarType.STRING || field.scalar === ScalarType.BYTES))
  ) {
    const element = delimited(field.number, field.listKind === 'message' ? [] : [0x78]);
    return Array.from({ length: HUGE_COUNT }, () => element).flat();
  }
  // Numbers, bools and enums are packed: one length-delimited run of varints.
  return delimited(field.number, new Array<number>(HUGE_COUNT).fill(1));
}
