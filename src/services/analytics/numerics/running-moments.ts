/**
 * Mean, variance and sum of a sliding window, updated as samples enter and leave, ignoring NaN.
 *
 * The sum is Kahan-compensated on both add and remove, and the variance uses Welford's update
 * and its inverse with a compensated mean, the same recurrences as pandas' rolling `sum`, `mean`
 * and `var`, so results agree to rounding. When the window empties, state resets to exact zero
 * so drift cannot carry over a gap.
 */
export class RunningMoments {
  count = 0;
  private sum = 0;
  private sumCompensation = 0;
  private mean = 0;
  private meanCompensation = 0;
  private m2 = 0;

  add(value: number): void {
    if (Number.isNaN(value)) return;
    this.count++;
    const y = value - this.sumCompensation;
    const t = this.sum + y;
    this.sumCompensation = t - this.sum - y;
    this.sum = t;

    const previousMean = this.mean - this.meanCompensation;
    const ym = value - this.meanCompensation;
    const delta = ym - this.mean;
    this.meanCompensation = delta + this.mean - ym;
    this.mean += delta / this.count;
    this.m2 += (value - previousMean) * (value - this.mean);
  }

  remove(value: number): void {
    if (Number.isNaN(value)) return;
    this.count--;
    if (this.count === 0) {
      this.sum = this.sumCompensation = this.mean = this.meanCompensation = this.m2 = 0;
      return;
    }
    const y = -value - this.sumCompensation;
    const t = this.sum + y;
    this.sumCompensation = t - this.sum - y;
    this.sum = t;

    const previousMean = this.mean - this.meanCompensation;
    const ym = value - this.meanCompensation;
    const delta = ym - this.mean;
    this.meanCompensation = delta + this.mean - ym;
    this.mean -= delta / this.count;
    this.m2 -= (value - previousMean) * (value - this.mean);
  }

  /** Σ of the values in the window; 0 when empty. */
  total(): number {
    return this.sum;
  }

  /** The mean; NaN when empty. */
  average(): number {
    return this.count === 0 ? Number.NaN : this.sum / this.count;
  }

  /** The variance with `ddof`; NaN when count ≤ ddof, never negative. */
  variance(ddof: number): number {
    if (this.count <= ddof) return Number.NaN;
    if (this.count === 1) return 0;
    return Math.max(0, this.m2) / (this.count - ddof);
  }
}
