import { readFileSync } from 'node:fs';

/**
 * Reads a reference fixture written by scripts/fixtures/analytics-numerics.py (numpy/pandas);
 * see that script to regenerate. NaN is stored as null: {@link column} turns it back.
 */
export function readFixture<T>(name: string): T {
  const url = new URL(`../../../../fixtures/analytics-numerics/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as T;
}

/** A fixture column as a Float64Array, null read as NaN. */
export function column(values: readonly (number | null)[]): Float64Array {
  return Float64Array.from(values, (v) => (v === null ? Number.NaN : v));
}

/** Relative tolerance of every fixture comparison: the fixtures keep 12 significant digits. */
export const FIXTURE_TOLERANCE = 1e-9;
