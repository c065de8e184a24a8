import { invalidOption, NumericsReason } from './numerics-reason.ts';

/**
 * How fast an exponentially weighted mean forgets, one of pandas' four forms: `alpha` in (0, 1],
 * `span` ≥ 1 (α = 2/(span+1)), `com` ≥ 0 (α = 1/(1+com)), `halflife` > 0 samples
 * (α = 1 − 2^(−1/halflife)); or `halflifeMs` > 0 with the samples' times, the weight of a sample
 * halving every `halflifeMs` of elapsed time (pandas `ewm(halflife='…', times=…)`).
 */
export type EwmDecay =
  | { alpha: number }
  | { span: number }
  | { com: number }
  | { halflife: number }
  | { halflifeMs: number };

/** Options of {@link ewmMean}. */
export interface EwmOptions {
  decay: EwmDecay;
  /** pandas' `adjust`: weights normalised over the whole history (default true) or the recursive form. */
  adjust?: boolean;
  /** Sample times (epoch ms), required with `halflifeMs` and only used with it. */
  times?: Float64Array;
}

/**
 * Exponentially weighted mean, the same recurrence as pandas' `ewm(...).mean()` with
 * `ignore_na=False`: a NaN sample outputs the running mean unchanged while still ageing the
 * weights; outputs before the first non-NaN sample are NaN.
 */
export function ewmMean(values: Float64Array, options: EwmOptions): Float64Array {
  const { alpha, byTime } = alphaOf(options.decay);
  const adjust = options.adjust ?? true;
  const times = options.times;
  if (byTime && (times === undefined || times.length !== values.length)) {
    throw invalidOption(
      NumericsReason.INVALID_PARAMETER,
      'times',
      'decay.halflifeMs needs times, one per value',
    );
  }
  const halflifeMs = byTime ? (options.decay as { halflifeMs: number }).halflifeMs : 1;
  const out = new Float64Array(values.length);
  const oldFactor = 1 - alpha;
  const newWeight = adjust ? 1 : alpha;
  let weighted = values.length > 0 ? (values[0] as number) : Number.NaN;
  let oldWeight = 1;
  if (values.length > 0) out[0] = weighted;
  for (let i = 1; i < values.length; i++) {
    const current = values[i] as number;
    const observed = !Number.isNaN(current);
    if (!Number.isNaN(weighted)) {
      oldWeight *= byTime ? oldFactor ** (elapsed(times as Float64Array, i) / halflifeMs) : oldFactor;
      if (observed) {
        if (weighted !== current) {
          weighted = (oldWeight * weighted + newWeight * current) / (oldWeight + newWeight);
        }
        oldWeight = adjust ? oldWeight + newWeight : 1;
      }
    } else if (observed) {
      weighted = current;
    }
    out[i] = weighted;
  }
  return out;
}

/** Milliseconds between sample i − 1 and sample i. */
function elapsed(times: Float64Array, i: number): number {
  return (times[i] as number) - (times[i - 1] as number);
}

function alphaOf(decay: EwmDecay): { alpha: number; byTime: boolean } {
  const fail = (field: string, rule: string): never => {
    throw invalidOption(NumericsReason.INVALID_PARAMETER, `decay.${field}`, `decay.${field} must be ${rule}`);
  };
  const forms = decay === null || typeof decay !== 'object' ? [] : Object.keys(decay);
  if (forms.length !== 1) {
    throw invalidOption(
      NumericsReason.INVALID_PARAMETER,
      'decay',
      'decay must give exactly one of alpha, span, com, halflife, halflifeMs',
    );
  }
  const ok = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  if ('alpha' in decay)
    return ok(decay.alpha) && decay.alpha > 0 && decay.alpha <= 1
      ? { alpha: decay.alpha, byTime: false }
      : fail('alpha', 'in (0, 1]');
  if ('span' in decay)
    return ok(decay.span) && decay.span >= 1
      ? { alpha: 2 / (decay.span + 1), byTime: false }
      : fail('span', '≥ 1');
  if ('com' in decay)
    return ok(decay.com) && decay.com >= 0
      ? { alpha: 1 / (1 + decay.com), byTime: false }
      : fail('com', '≥ 0');
  if ('halflife' in decay) {
    return ok(decay.halflife) && decay.halflife > 0
      ? { alpha: 1 - Math.exp(Math.log(0.5) / decay.halflife), byTime: false }
      : fail('halflife', '> 0');
  }
  if ('halflifeMs' in decay)
    return ok(decay.halflifeMs) && decay.halflifeMs > 0
      ? { alpha: 0.5, byTime: true }
      : fail('halflifeMs', '> 0 ms');
  throw invalidOption(
    NumericsReason.INVALID_PARAMETER,
    'decay',
    `decay.${forms[0]} is not a decay; use alpha, span, com, halflife or halflifeMs`,
  );
}
