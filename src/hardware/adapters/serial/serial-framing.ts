/**
 * Framing: how the byte stream of a serial port is cut into the units a read returns, either
 * lines ending with a delimiter (kept, as the simulated line protocol returns them) or frames
 * of a fixed length. Written here rather than with serialport's parser streams because the
 * connection already buffers and queues frames for its reads; a parser stream would add a
 * second buffer with its own backpressure between them.
 */
import { HardwareError, HardwareErrorKind } from '../../index.ts';

/** How a port's bytes become frames. Default: lines ending in `\n`, at most 4096 bytes. */
export type SerialFraming =
  | { readonly kind: 'line'; readonly delimiter?: string; readonly maxLength?: number }
  | { readonly kind: 'length'; readonly length: number };

/** Cuts a byte stream into frames. */
export interface Framer {
  /** Feeds bytes; returns the frames they completed. An over-long line is cut at `maxLength`. */
  push(chunk: Uint8Array): Uint8Array[];
}

/** Checks a framing and creates its framer; INVALID_REQUEST for a bad one. */
export function createFramer(framing: SerialFraming = { kind: 'line' }): Framer {
  if (framing.kind === 'length') {
    if (!Number.isInteger(framing.length) || framing.length < 1 || framing.length > 65_536) {
      throw new HardwareError(HardwareErrorKind.INVALID_REQUEST, 'framing.length must be 1–65536 bytes');
    }
    return splitter(Buffer.alloc(0), framing.length, (buffer) =>
      buffer.length >= framing.length ? framing.length : -1,
    );
  }
  const delimiter = Buffer.from(framing.delimiter ?? '\n', 'latin1');
  const maxLength = framing.maxLength ?? 4096;
  if (delimiter.length === 0 || delimiter.length > 8) {
    throw new HardwareError(HardwareErrorKind.INVALID_REQUEST, 'framing.delimiter must be 1–8 bytes');
  }
  if (!Number.isInteger(maxLength) || maxLength < 1 || maxLength > 1 << 20) {
    throw new HardwareError(HardwareErrorKind.INVALID_REQUEST, 'framing.maxLength must be 1–1048576 bytes');
  }
  return splitter(Buffer.alloc(0), maxLength, (buffer) => {
    const at = buffer.indexOf(delimiter);
    return at < 0 ? -1 : at + delimiter.length;
  });
}

/** `frameEnd` returns where the first complete frame ends, or -1; `limit` bounds a frame. */
function splitter(initial: Buffer, limit: number, frameEnd: (buffer: Buffer) => number): Framer {
  let pending = initial;
  return {
    push(chunk) {
      pending = pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([pending, chunk]);
      const frames: Uint8Array[] = [];
      for (;;) {
        let end = frameEnd(pending);
        if (end < 0 && pending.length >= limit) end = limit;
        if (end < 0) break;
        frames.push(new Uint8Array(pending.subarray(0, end)));
        pending = pending.subarray(end);
      }
      return frames;
    },
  };
}
