/**
 * The byte layout of a chunk's two columns.
 *
 * `times`: a format byte (1), the sample count as a varint, then each instant as the zigzag
 * varint of its delta-of-delta (the first instant's "delta" is the instant itself). Sorted,
 * regular instants cost one byte each; a jittery 1 kHz series about two. `values`: the raw
 * Float64 values, little-endian, 8 bytes each, so decoding is one memory copy into the
 * caller's `Float64Array`. Hand-written because the layout is this project's storage format
 * (about 60 lines); the npm codecs for it (Gorilla and friends) are unmaintained or pull
 * in a native build.
 *
 * Instants are epoch milliseconds, exact integers well inside 2^53, so the arithmetic is
 * done on plain numbers.
 */

const TIMES_FORMAT = 1;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Encodes sorted instants (`times[0..count)`) into the `times` column. */
export function encodeTimes(times: Float64Array, from = 0, to = times.length): Buffer {
  const out = Buffer.allocUnsafe(1 + 10 + (to - from) * 10);
  let pos = 0;
  out[pos++] = TIMES_FORMAT;
  pos = writeVarint(out, pos, to - from);
  let previous = 0;
  let previousDelta = 0;
  for (let i = from; i < to; i++) {
    const time = times[i] as number;
    const delta = time - previous;
    const dod = delta - previousDelta;
    pos = writeVarint(out, pos, dod >= 0 ? dod * 2 : -dod * 2 - 1);
    previous = time;
    previousDelta = delta;
  }
  return Buffer.from(out.subarray(0, pos));
}

/** Decodes the `times` column into `target` at `offset`; returns the number of instants. */
export function decodeTimes(bytes: Uint8Array, target: Float64Array, offset: number): number {
  if (bytes[0] !== TIMES_FORMAT) throw new Error(`unknown chunk times format ${bytes[0]}`);
  const cursor = { pos: 1 };
  const count = readVarint(bytes, cursor);
  let previous = 0;
  let previousDelta = 0;
  for (let i = 0; i < count; i++) {
    const zigzag = readVarint(bytes, cursor);
    const dod = zigzag % 2 === 0 ? zigzag / 2 : -(zigzag + 1) / 2;
    previousDelta += dod;
    previous += previousDelta;
    target[offset + i] = previous;
  }
  return count;
}

/** The number of instants a `times` column holds, without decoding them. */
export function countOfTimes(bytes: Uint8Array): number {
  return readVarint(bytes, { pos: 1 });
}

/** Encodes `values[from..to)` into the `values` column. */
export function encodeValues(values: Float64Array, from = 0, to = values.length): Buffer {
  const slice = values.subarray(from, to);
  if (LITTLE_ENDIAN) return Buffer.from(new Uint8Array(slice.buffer, slice.byteOffset, slice.byteLength));
  const out = Buffer.allocUnsafe(slice.length * 8);
  for (let i = 0; i < slice.length; i++) out.writeDoubleLE(slice[i] as number, i * 8);
  return out;
}

/** Decodes the `values` column into `target` at `offset`; returns the number of values. */
export function decodeValues(bytes: Uint8Array, target: Float64Array, offset: number): number {
  const count = bytes.byteLength / 8;
  if (LITTLE_ENDIAN) {
    new Uint8Array(target.buffer, target.byteOffset + offset * 8, bytes.byteLength).set(bytes);
  } else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < count; i++) target[offset + i] = view.getFloat64(i * 8, true);
  }
  return count;
}

// Unsigned LEB128 over plain numbers (exact up to 2^53), as protobuf varints.
function writeVarint(out: Buffer, start: number, value: number): number {
  let pos = start;
  let rest = value;
  while (rest >= 0x80) {
    out[pos++] = (rest % 0x80) | 0x80;
    rest = Math.floor(rest / 0x80);
  }
  out[pos++] = rest;
  return pos;
}

function readVarint(bytes: Uint8Array, cursor: { pos: number }): number {
  let value = 0;
  let scale = 1;
  for (;;) {
    const byte = bytes[cursor.pos++];
    if (byte === undefined) throw new Error('truncated chunk varint');
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return value;
    scale *= 0x80;
  }
}
