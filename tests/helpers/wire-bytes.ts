/**
 * Protobuf wire bytes by hand, for tests that need what no encoder writes: invalid UTF-8, a
 * length past the end, a Timestamp of 2^62 seconds, a field with the wrong wire type.
 */

/** A varint (negative values as their 64-bit two's complement, 10 bytes). */
export function varint(value: bigint): number[] {
  let rest = BigInt.asUintN(64, value);
  const out: number[] = [];
  while (rest > 0x7fn) {
    out.push(Number(rest & 0x7fn) | 0x80);
    rest >>= 7n;
  }
  out.push(Number(rest));
  return out;
}

/** A tag: field number and wire type. */
export const tag = (field: number, wireType: number): number[] => varint(BigInt(field * 8 + wireType));

/** A length-delimited field (a string, bytes or an embedded message). */
export const delimited = (field: number, payload: readonly number[]): number[] => [
  ...tag(field, 2),
  ...varint(BigInt(payload.length)),
  ...payload,
];

/** A varint field. */
export const number = (field: number, value: bigint): number[] => [...tag(field, 0), ...varint(value)];

/** The UTF-8 bytes of a string. */
export const text = (value: string): number[] => [...Buffer.from(value, 'utf8')];

/** The body of a Timestamp or Duration: seconds (field 1) and, when not 0, nanos (field 2). */
export const seconds = (secondsValue: bigint, nanos = 0n): number[] => [
  ...number(1, secondsValue),
  ...(nanos === 0n ? [] : number(2, nanos)),
];
