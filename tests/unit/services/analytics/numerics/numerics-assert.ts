import * as assert from 'uvu/assert';
import { AppError } from '../../../../../src/platform/errors/index.ts';

/**
 * Asserts `actual` is within `relative` of `expected` (relative to max(1, |expected|)); NaN
 * equals NaN and infinities must match exactly.
 */
export function assertClose(actual: number, expected: number, relative: number, message: string): void {
  if (Number.isNaN(expected) || !Number.isFinite(expected)) {
    assert.ok(
      Object.is(actual, expected) || (Number.isNaN(actual) && Number.isNaN(expected)),
      `${message}: ${actual} != ${expected}`,
    );
    return;
  }
  const tolerance = relative * Math.max(1, Math.abs(expected));
  assert.ok(Math.abs(actual - expected) <= tolerance, `${message}: ${actual} != ${expected} (±${tolerance})`);
}

/** Asserts every element of two columns is close (see {@link assertClose}). */
export function assertAllClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number | null>,
  relative: number,
  message: string,
): void {
  assert.is(actual.length, expected.length, `${message}: length`);
  for (let i = 0; i < expected.length; i++) {
    assertClose(actual[i] as number, (expected[i] ?? Number.NaN) as number, relative, `${message}[${i}]`);
  }
}

/** Runs `run`, which must throw an AppError, and returns it. */
export function expectAppError(run: () => unknown, message: string): AppError {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error(`${message}: expected an AppError`);
}
