/** What is wrong with bytes that are not a protobuf message. */
export class WireFormatError extends Error {
  override readonly name = 'WireFormatError';
}

/** Protobuf wire types. */
export const WireType = {
  VARINT: 0,
  FIXED64: 1,
  LENGTH_DELIMITED: 2,
  START_GROUP: 3,
  END_GROUP: 4,
  FIXED32: 5,
} as const;

/** Deepest nesting of groups skipped as unknown fields. */
const MAX_GROUP_DEPTH = 100;

/**
 * A forward-only reader of the protobuf wire format that only checks and skips: it builds no
 * values, so walking a request costs one pass over its bytes. Every read past the end, tag
 * with field number 0 or unknown wire type is a {@link WireFormatError}.
 */
export class WireReader {
  readonly bytes: Uint8Array;
  pos: number;
  readonly end: number;

  constructor(bytes: Uint8Array, start = 0, end = bytes.length) {
    this.bytes = bytes;
    this.pos = start;
    this.end = end;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** A varint of at most 32 significant bits (tags, lengths), as a non-negative number. */
  uint32(): number {
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const byte = this.byte();
      result += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return result;
    }
    // A length or tag longer than 5 bytes: the 10-byte form of a negative int32, or garbage.
    for (let i = 0; i < 5; i++) if (this.byte() < 0x80) return Number.MAX_SAFE_INTEGER;
    throw new WireFormatError('a varint is longer than 10 bytes');
  }

  /** A varint as the signed 64-bit integer it encodes (int64, and int32 sign-extended). */
  int64(): bigint {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      const byte = this.byte();
      result |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return BigInt.asIntN(64, result);
    }
    throw new WireFormatError('a varint is longer than 10 bytes');
  }

  /** The next tag as its field number and wire type. */
  tag(): { field: number; wireType: number } {
    const tag = this.uint32();
    const field = Math.floor(tag / 8);
    const wireType = tag % 8;
    if (field === 0 || field > 0x1fffffff) throw new WireFormatError(`field number ${field} is invalid`);
    if (wireType > WireType.FIXED32) throw new WireFormatError(`wire type ${wireType} is invalid`);
    return { field, wireType };
  }

  /** The bounds of a length-delimited value, which the reader steps over. */
  delimited(): { start: number; end: number } {
    const length = this.uint32();
    const start = this.pos;
    if (length > this.end - start) throw new WireFormatError(`a length of ${length} bytes runs past the end`);
    this.pos = start + length;
    return { start, end: this.pos };
  }

  /** Steps over one value of `wireType` (a whole group for START_GROUP). */
  skip(wireType: number, field: number, depth = 0): void {
    switch (wireType) {
      case WireType.VARINT:
        this.int64();
        return;
      case WireType.FIXED64:
        this.advance(8);
        return;
      case WireType.LENGTH_DELIMITED:
        this.delimited();
        return;
      case WireType.FIXED32:
        this.advance(4);
        return;
      case WireType.START_GROUP: {
        if (depth >= MAX_GROUP_DEPTH) throw new WireFormatError('groups are nested too deeply');
        for (;;) {
          const next = this.tag();
          if (next.wireType === WireType.END_GROUP) {
            if (next.field !== field) throw new WireFormatError(`group ${field} ends as group ${next.field}`);
            return;
          }
          this.skip(next.wireType, next.field, depth + 1);
        }
      }
      default:
        throw new WireFormatError(`an unexpected end of group ${field}`);
    }
  }

  private advance(count: number): void {
    if (count > this.end - this.pos) throw new WireFormatError('the message ends inside a value');
    this.pos += count;
  }

  private byte(): number {
    if (this.pos >= this.end) throw new WireFormatError('the message ends inside a value');
    return this.bytes[this.pos++] as number;
  }
}
