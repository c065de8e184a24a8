/**
 * What every simulated device model implements: one command line in, one reply line out, as
 * documented in `line-protocol.ts`. The model keeps its state across connections, like a real
 * instrument that stays powered when the host closes the port.
 */
import type { Random } from './prng.ts';

/** One simulated instrument. */
export interface SimulatedDevice {
  /** Model name answered to `ID?` and shown as the device name. */
  readonly model: string;
  /**
   * Answers one command (already split on spaces and upper-cased), at simulated time `nowMs`.
   * Returns the reply line without its `\n`.
   */
  handle(words: readonly string[], nowMs: number): string;
}

/** What a model is given when created. */
export interface ModelContext {
  readonly random: Random;
  readonly nowMs: number;
}

/** Parses a decimal number argument; undefined when it is not one (the caller answers `ERR SYNTAX`). */
export function parseNumber(word: string | undefined): number | undefined {
  if (word === undefined || !/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(word)) return undefined;
  const value = Number(word);
  return Number.isFinite(value) ? value : undefined;
}

/** Formats a measured value the way the instruments print it: fixed decimals, no exponent. */
export function formatValue(value: number, decimals: number): string {
  return value.toFixed(decimals);
}
