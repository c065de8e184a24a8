/** Independent running sums advanced together; see {@link fillWindowSums}. */
const LANES = 4;

/** What {@link fillWindowSums} writes of each window: its sum, or its sum over its length. */
export type WindowStatistic = 'sum' | 'mean';

/**
 * The sum or mean of every count window `values[i − span + 1 ..= i]` (clipped at 0) for rows
 * `i` in [offset, end), written to `out[i − offset]`. Returns false, with `out` unspecified, when
 * a value read (from `offset − span` on) is NaN or infinite or a sum overflows: a NaN sample
 * makes the running sum NaN for good, so the check costs nothing per sample, and the caller
 * falls back to the loop that skips NaN.
 *
 * Each running sum is Kahan-compensated on add and on remove, pandas' rolling-sum recurrence,
 * but the rows are split into {@link LANES} contiguous stretches, each with its own running sum
 * started by replaying the window before its first row (as a page does). One running sum is a
 * chain of dependent additions, each waiting for the last (about 30 cycles a sample); four
 * independent chains in one loop let the CPU overlap them. Hand-written because this loop is the
 * product: a 100-sample rolling mean is otherwise several times its arithmetic. Results equal the
 * single running sum to rounding (the restart is what each page already does).
 */
export function fillWindowSums(
  values: Float64Array,
  span: number,
  offset: number,
  end: number,
  out: Float64Array,
  statistic: WindowStatistic,
): boolean {
  const rows = end - offset;
  const stretch = Math.ceil(rows / LANES);
  const lane = { values, span, out, offset, mean: statistic === 'mean' };
  if (stretch < 2 * span) {
    const [sum, compensation] = runStretch(lane, offset, end);
    return Number.isFinite(sum + compensation);
  }
  // Each lane first runs on its own until every row has a full window to remove from, so the
  // interleaved loop below needs no branch; the last lane takes what the others leave.
  const from = [0, 0, 0, 0];
  const state = new Float64Array(2 * LANES);
  for (let l = 0; l < LANES; l++) {
    const first = offset + l * stretch;
    const last = l === LANES - 1 ? end : first + stretch;
    const warm = Math.min(last, Math.max(first, span));
    const [sum, compensation] = runStretch(lane, first, warm);
    state[2 * l] = sum;
    state[2 * l + 1] = compensation;
    from[l] = warm;
  }
  let s0 = state[0] as number;
  let c0 = state[1] as number;
  let s1 = state[2] as number;
  let c1 = state[3] as number;
  let s2 = state[4] as number;
  let c2 = state[5] as number;
  let s3 = state[6] as number;
  let c3 = state[7] as number;
  const i0 = from[0] as number;
  const i1 = from[1] as number;
  const i2 = from[2] as number;
  const i3 = from[3] as number;
  // Division by 1 is exact, so the sum needs no second loop.
  const divisor = lane.mean ? span : 1;
  const steps = Math.min(
    offset + stretch - i0,
    offset + 2 * stretch - i1,
    offset + 3 * stretch - i2,
    end - i3,
  );
  for (let k = 0; k < steps; k++) {
    let y = (values[i0 + k] as number) - c0;
    let t = s0 + y;
    c0 = t - s0 - y;
    s0 = t;
    y = -(values[i0 + k - span] as number) - c0;
    t = s0 + y;
    c0 = t - s0 - y;
    s0 = t;
    out[i0 + k - offset] = s0 / divisor;

    y = (values[i1 + k] as number) - c1;
    t = s1 + y;
    c1 = t - s1 - y;
    s1 = t;
    y = -(values[i1 + k - span] as number) - c1;
    t = s1 + y;
    c1 = t - s1 - y;
    s1 = t;
    out[i1 + k - offset] = s1 / divisor;

    y = (values[i2 + k] as number) - c2;
    t = s2 + y;
    c2 = t - s2 - y;
    s2 = t;
    y = -(values[i2 + k - span] as number) - c2;
    t = s2 + y;
    c2 = t - s2 - y;
    s2 = t;
    out[i2 + k - offset] = s2 / divisor;

    y = (values[i3 + k] as number) - c3;
    t = s3 + y;
    c3 = t - s3 - y;
    s3 = t;
    y = -(values[i3 + k - span] as number) - c3;
    t = s3 + y;
    c3 = t - s3 - y;
    s3 = t;
    out[i3 + k - offset] = s3 / divisor;
  }
  // What the interleaved loop left of each lane (the last lane may be longer than the others).
  const lanes: [number, number, number, number][] = [
    [i0 + steps, offset + stretch, s0, c0],
    [i1 + steps, offset + 2 * stretch, s1, c1],
    [i2 + steps, offset + 3 * stretch, s2, c2],
    [i3 + steps, end, s3, c3],
  ];
  let finite = true;
  for (const [first, last, sum, compensation] of lanes) {
    const [s, c] = continueStretch(lane, first, last, sum, compensation);
    finite &&= Number.isFinite(s + c);
  }
  return finite;
}

/** What every stretch of one {@link fillWindowSums} call shares. */
interface Lane {
  values: Float64Array;
  span: number;
  out: Float64Array;
  offset: number;
  mean: boolean;
}

/**
 * One lane alone from `first` to `last`, after replaying the window of row `first − 1` (so row
 * `first` removes what it added); returns its running sum and compensation.
 */
function runStretch(lane: Lane, first: number, last: number): [number, number] {
  const { values, span } = lane;
  let sum = 0;
  let compensation = 0;
  for (let i = Math.max(0, first - span); i < first; i++) {
    const y = (values[i] as number) - compensation;
    const t = sum + y;
    compensation = t - sum - y;
    sum = t;
  }
  return continueStretch(lane, first, last, sum, compensation);
}

/** Rows `first` to `last` of one lane from a running sum whose window ends at `first − 1`. */
function continueStretch(
  lane: Lane,
  first: number,
  last: number,
  sum: number,
  compensation: number,
): [number, number] {
  const { values, span, out, offset, mean } = lane;
  for (let i = first; i < last; i++) {
    let y = (values[i] as number) - compensation;
    let t = sum + y;
    compensation = t - sum - y;
    sum = t;
    if (i >= span) {
      y = -(values[i - span] as number) - compensation;
      t = sum + y;
      compensation = t - sum - y;
      sum = t;
    }
    out[i - offset] = mean ? sum / Math.min(i + 1, span) : sum;
  }
  return [sum, compensation];
}
