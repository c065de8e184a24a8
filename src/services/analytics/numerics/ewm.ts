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
  /**
   * Where the mean stands after the samples before `values` (a page of a longer series); left
   * where it stands after the last of `values`. Pages then give exactly the outputs of one call
   * over the whole series. Default: `values` start the series.
   */
  state?: EwmState;
}

/** The running state of {@link ewmMean} between pages of one series. */
export interface EwmState {
  /** False until a sample has been seen; the other members mean nothing until then. */
  started: boolean;
  /** The mean so far (NaN while every sample seen was NaN). */
  weighted: number;
  /** The weight of the history behind `weighted`. */
  oldWeight: number;
  /** Time (epoch ms) of the last sample seen; used with `halflifeMs` only. */
  lastTime: number;
}

/** The state of a series with no sample yet, for {@link EwmOptions.state}. */
export function newEwmState(): EwmState {
  return { started: false, weighted: Number.NaN, oldWeight: 1, lastTime: 0 };
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
  if (values.length === 0) return out;
  const oldFactor = 1 - alpha;
  const newWeight = adjust ? 1 : alpha;
  const state = options.state ?? newEwmState();
  let { weighted, oldWeight, lastTime } = state;
  let first = 0;
  if (!state.started) {
    // The first sample of the series is the mean so far, whatever it is.
    weighted = values[0] as number;
    oldWeight = 1;
    lastTime = byTime ? ((times as Float64Array)[0] as number) : 0;
    out[0] = weighted;
    first = 1;
  }
  for (let i = first; i < values.length; i++) {
    const current = values[i] as number;
    const observed = !Number.isNaN(current);
    const time = byTime ? ((times as Float64Array)[i] as number) : 0;
    if (!Number.isNaN(weighted)) {
      oldWeight *= byTime ? oldFactor ** ((time - lastTime) / halflifeMs) : oldFactor;
      if (observed) {
        if (weighted !== current) {
          weighted = (oldWeight * weighted + newWeight * current) / (oldWeight + newWeight);
        }
        oldWeight = adjust ? oldWeight + newWeight : 1;
      }
    } else if (observed) {
      weighted = current;
    }
    lastTime = time;
    out[i] = weighted;
  }
  state.started = true;
  state.weighted = weighted;
  state.oldWeight = oldWeight;
  state.lastTime = byTime ? lastTime : 0;
  return out;
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
