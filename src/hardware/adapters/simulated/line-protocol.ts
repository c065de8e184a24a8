/**
 * The byte protocol every simulated device speaks, so profiles encode and decode to it exactly
 * as to a real instrument on a serial line:
 *
 * - ASCII, one command per line, terminated by `\n` (a preceding `\r` is ignored); words are
 *   separated by spaces and case-insensitive; lines longer than {@link MAX_LINE_BYTES} are
 *   answered `ERR TOO_LONG`.
 * - Every command line gets exactly one reply line, terminated by `\n`: a value (`21.53`,
 *   `ON`), `OK`, or `ERR <REASON>`. A read returns one reply line, `\n` included.
 * - Common to every model: `PING` → `PONG`; `ID?` → `<model>,<device id>`.
 *
 * Model commands are documented beside each model (thermo-hygrometer, relay board, power supply).
 */

/** Longest command line accepted, in bytes, excluding the terminator. */
export const MAX_LINE_BYTES = 256;

/** Accumulates written bytes and yields complete command lines. */
export class LineSplitter {
  private pending = '';
  private overflow = false;

  /** Feeds bytes; returns the complete lines they finished (`null` for a line that was too long). */
  push(bytes: Uint8Array): Array<string | null> {
    const lines: Array<string | null> = [];
    let text = this.pending + Buffer.from(bytes).toString('latin1');
    let newline = text.indexOf('\n');
    while (newline >= 0) {
      const line = text.slice(0, newline).replace(/\r$/, '');
      lines.push(this.overflow || line.length > MAX_LINE_BYTES ? null : line);
      this.overflow = false;
      text = text.slice(newline + 1);
      newline = text.indexOf('\n');
    }
    if (text.length > MAX_LINE_BYTES) {
      this.overflow = true;
      text = '';
    }
    this.pending = text;
    return lines;
  }
}

/** Splits a command line into upper-case words; empty for a blank line. */
export function commandWords(line: string): string[] {
  return line.trim().toUpperCase().split(/\s+/).filter(Boolean);
}

/** Encodes a reply line with its terminator. */
export function encodeLine(line: string): Uint8Array {
  return Buffer.from(`${line}\n`, 'latin1');
}
