import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Code } from '../../../../../src/platform/errors/index.ts';
import {
  type BinRule,
  histogram,
  NumericsReason,
} from '../../../../../src/services/analytics/numerics/index.ts';
import { column, FIXTURE_TOLERANCE, readFixture } from './fixtures.ts';
import { assertAllClose, expectAppError } from './numerics-assert.ts';

const f64 = (values: number[]) => Float64Array.from(values);

test('equal bins are half-open except the last, which holds the maximum', () => {
  const h = histogram(f64([0, 1, 1, 2, 3, 4, Number.NaN]), { bins: 4 });
  assert.equal(Array.from(h.edges), [0, 1, 2, 3, 4]);
  assert.equal(Array.from(h.counts), [1, 2, 1, 2]);
});

test('explicit edges, a range, constant and empty input follow numpy', () => {
  const explicit = histogram(f64([-5, 0, 0.5, 1, 10, 11]), { bins: [0, 1, 10] });
  assert.equal(Array.from(explicit.counts), [2, 2]);
  const ranged = histogram(f64([1, 2, 3, 100]), { bins: 2, range: [0, 4] });
  assert.equal(Array.from(ranged.edges), [0, 2, 4]);
  assert.equal(Array.from(ranged.counts), [1, 2]);
  const constant = histogram(f64([5, 5, 5]), { bins: 2 });
  assert.equal(Array.from(constant.edges), [4.5, 5, 5.5]);
  assert.equal(Array.from(constant.counts), [0, 3]);
  const empty = histogram(f64([]));
  assert.equal(Array.from(empty.edges), [0, 1]);
  assert.equal(Array.from(empty.counts), [0]);
});

const f = readFixture<{
  values: (number | null)[];
  results: Record<string, { edges: number[]; counts: number[] }>;
}>('histogram');

for (const rule of ['auto', 'fd', 'sturges', 'sqrt', 'rice', 'scott', 'doane', 'stone', 10] as const) {
  test(`bins=${rule} gives numpy's edges and counts on the fixture`, () => {
    const h = histogram(column(f.values), { bins: rule as BinRule | number });
    const expected = f.results[String(rule)] as { edges: number[]; counts: number[] };
    assertAllClose(h.edges, expected.edges, FIXTURE_TOLERANCE, 'edges');
    assert.equal(Array.from(h.counts), expected.counts);
  });
}

test("bins='fd' within a range matches numpy on the fixture", () => {
  const h = histogram(column(f.values), { bins: 'fd', range: [15, 25] });
  const expected = f.results.fd_range_15_25 as { edges: number[]; counts: number[] };
  assertAllClose(h.edges, expected.edges, FIXTURE_TOLERANCE, 'edges');
  assert.equal(Array.from(h.counts), expected.counts);
});

test('bad bins are INVALID_ARGUMENT naming the field; too many bins is RESOURCE_EXHAUSTED', () => {
  const values = f64([1, 2, 3]);
  const cases: [string, () => unknown, string][] = [
    ['zero bins', () => histogram(values, { bins: 0 }), 'bins'],
    ['fractional bins', () => histogram(values, { bins: 2.5 }), 'bins'],
    ['unknown rule', () => histogram(values, { bins: 'freedman' as BinRule }), 'bins'],
    ['one edge', () => histogram(values, { bins: [1] }), 'bins'],
    ['descending edges', () => histogram(values, { bins: [0, 2, 1] }), 'bins[2]'],
    ['NaN edge', () => histogram(values, { bins: [0, Number.NaN] }), 'bins[1]'],
    ['inverted range', () => histogram(values, { range: [3, 1] }), 'range'],
    ['infinite value', () => histogram(f64([1, Infinity])), 'values'],
  ];
  for (const [name, run, field] of cases) {
    const error = expectAppError(run, name);
    assert.is(error.code, Code.INVALID_ARGUMENT, name);
    assert.is(error.reason, NumericsReason.INVALID_BINS, name);
    assert.is(error.details.fieldViolations?.[0]?.field, field, name);
  }
  const spread = f64([0, 1e-12, 2e-12, 3e-12, 1e12]);
  const error = expectAppError(() => histogram(spread, { bins: 'fd', maxBytes: 1 << 20 }), 'huge');
  assert.is(error.code, Code.RESOURCE_EXHAUSTED);
});

test.run();
