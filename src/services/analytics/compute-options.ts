import {
  AnomalyMethod,
  type ComputeHistogramRequest,
  type ComputeRollingWindowRequest,
  type DetectAnomaliesRequest,
  HistogramBinRule,
  TransformKind,
  type TransformSeriesRequest,
} from '../../gen/hcs/v1/analytics.ts';
import { invalidField } from '../../platform/errors/index.ts';
import type { AnomalyRequest } from './computations.ts';
import { positiveMsOf } from './compute-rules.ts';
import { type BinRule, type EwmDecay, NumericsReason, type RollingWindow } from './numerics/index.ts';
import type { Transform } from './series-transforms.ts';

/** Largest count window, trailing anomaly window and DIFF/PCT_CHANGE lag. */
export const MAX_WINDOW_SAMPLES = 100_000;

/** Largest duration window: 366 days. */
export const MAX_WINDOW_MS = 366 * 86_400_000;

/** Largest number of bins or edges a histogram request may give. */
export const MAX_HISTOGRAM_BINS = 10_000;

/** The rolling window and its `min_periods` (undefined: the kernel's default). */
export function rollingWindowOf(request: ComputeRollingWindowRequest): {
  window: RollingWindow;
  minPeriods?: number;
} {
  let window: RollingWindow;
  if (request.windowSamples !== undefined) {
    const count = request.windowSamples;
    if (!(Number.isInteger(count) && count >= 1 && count <= MAX_WINDOW_SAMPLES)) {
      throw invalidField(
        NumericsReason.INVALID_WINDOW,
        'window_samples',
        `window_samples must be 1 to ${MAX_WINDOW_SAMPLES}, got ${count}`,
      );
    }
    window = { count };
  } else if (request.windowDuration !== undefined) {
    window = {
      durationMs: positiveMsOf(
        request.windowDuration,
        'window_duration',
        MAX_WINDOW_MS,
        NumericsReason.INVALID_WINDOW,
      ),
    };
  } else {
    throw invalidField(
      NumericsReason.INVALID_WINDOW,
      'window',
      'one of window_samples or window_duration is required',
    );
  }
  const minPeriods = request.minPeriods;
  const most = 'count' in window ? window.count : Number.MAX_SAFE_INTEGER;
  if (!(Number.isInteger(minPeriods) && minPeriods >= 0 && minPeriods <= most)) {
    throw invalidField(
      NumericsReason.INVALID_PARAMETER,
      'min_periods',
      `min_periods must be 0 (the default) or a whole number up to the window's ${'count' in window ? 'window_samples' : 'size'}`,
    );
  }
  return minPeriods === 0 ? { window } : { window, minPeriods };
}

/** The transform a TransformSeries request asks for. */
export function transformOf(request: TransformSeriesRequest): Transform {
  const decay = decayOf(request);
  if (request.transform !== TransformKind.TRANSFORM_KIND_EWM_MEAN && decay !== undefined) {
    throw invalidField(
      NumericsReason.INVALID_PARAMETER,
      'decay',
      'an ewm_ decay is only for transform EWM_MEAN',
    );
  }
  const periods = request.periods === 0 ? 1 : request.periods;
  if (!(Number.isInteger(periods) && periods >= 1 && periods <= MAX_WINDOW_SAMPLES)) {
    throw invalidField(
      NumericsReason.INVALID_PARAMETER,
      'periods',
      `periods must be 1 to ${MAX_WINDOW_SAMPLES}`,
    );
  }
  switch (request.transform) {
    case TransformKind.TRANSFORM_KIND_DIFF:
      return { kind: 'diff', periods };
    case TransformKind.TRANSFORM_KIND_PCT_CHANGE:
      return { kind: 'pctChange', periods };
    case TransformKind.TRANSFORM_KIND_RATE:
      return { kind: 'rate', counter: request.counter };
    case TransformKind.TRANSFORM_KIND_CUMSUM:
      return { kind: 'cumsum' };
    case TransformKind.TRANSFORM_KIND_EWM_MEAN:
      if (decay === undefined) {
        throw invalidField(
          NumericsReason.INVALID_PARAMETER,
          'decay',
          'EWM_MEAN needs a decay: one of ewm_alpha, ewm_span, ewm_com, ewm_half_life, ewm_half_life_duration',
        );
      }
      return { kind: 'ewm', decay, adjust: !request.ewmUnadjusted };
    default:
      throw invalidField(
        NumericsReason.INVALID_PARAMETER,
        'transform',
        'transform is required: DIFF, RATE, PCT_CHANGE, CUMSUM or EWM_MEAN',
      );
  }
}

function decayOf(request: TransformSeriesRequest): EwmDecay | undefined {
  const check = (value: number, ok: boolean, field: string, rule: string): number => {
    if (!ok || !Number.isFinite(value)) {
      throw invalidField(NumericsReason.INVALID_PARAMETER, field, `${field} must be ${rule}, got ${value}`);
    }
    return value;
  };
  const { ewmAlpha: alpha, ewmSpan: span, ewmCom: com, ewmHalfLife: halflife } = request;
  if (alpha !== undefined) return { alpha: check(alpha, alpha > 0 && alpha <= 1, 'ewm_alpha', 'in (0, 1]') };
  if (span !== undefined) return { span: check(span, span >= 1, 'ewm_span', 'at least 1') };
  if (com !== undefined) return { com: check(com, com >= 0, 'ewm_com', 'at least 0') };
  if (halflife !== undefined) return { halflife: check(halflife, halflife > 0, 'ewm_half_life', 'above 0') };
  if (request.ewmHalfLifeDuration !== undefined) {
    return {
      halflifeMs: positiveMsOf(
        request.ewmHalfLifeDuration,
        'ewm_half_life_duration',
        MAX_WINDOW_MS,
        NumericsReason.INVALID_PARAMETER,
      ),
    };
  }
  return undefined;
}

const DEFAULT_THRESHOLD = { zscore: 3, mad: 3.5 } as const;

/** The anomaly test a DetectAnomalies request asks for, defaults filled. */
export function anomalyRequestOf(request: DetectAnomaliesRequest): AnomalyRequest {
  let method: 'zscore' | 'mad';
  if (request.method === AnomalyMethod.ANOMALY_METHOD_MAD) method = 'mad';
  else if (
    request.method === AnomalyMethod.ANOMALY_METHOD_UNSPECIFIED ||
    request.method === AnomalyMethod.ANOMALY_METHOD_Z_SCORE
  )
    method = 'zscore';
  else throw invalidField(NumericsReason.INVALID_PARAMETER, 'method', 'method must be Z_SCORE or MAD');
  const threshold = request.threshold === 0 ? DEFAULT_THRESHOLD[method] : request.threshold;
  if (!(threshold > 0 && threshold <= 1e12)) {
    throw invalidField(NumericsReason.INVALID_PARAMETER, 'threshold', 'threshold must be above 0 and finite');
  }
  const windowSamples = request.windowSamples;
  if (
    !(
      windowSamples === 0 ||
      (Number.isInteger(windowSamples) && windowSamples >= 2 && windowSamples <= MAX_WINDOW_SAMPLES)
    )
  ) {
    throw invalidField(
      NumericsReason.INVALID_WINDOW,
      'window_samples',
      `window_samples must be 0 (the whole range) or 2 to ${MAX_WINDOW_SAMPLES}, got ${windowSamples}`,
    );
  }
  if (!(Number.isInteger(request.maxAnomalies) && request.maxAnomalies >= 0)) {
    throw invalidField(
      NumericsReason.INVALID_PARAMETER,
      'max_anomalies',
      'max_anomalies must be 0 or positive',
    );
  }
  const limit = request.maxAnomalies === 0 ? 1000 : Math.min(request.maxAnomalies, 10_000);
  return { method, threshold, windowSamples, limit };
}

const RULES: Record<number, BinRule> = {
  [HistogramBinRule.HISTOGRAM_BIN_RULE_AUTO]: 'auto',
  [HistogramBinRule.HISTOGRAM_BIN_RULE_FD]: 'fd',
  [HistogramBinRule.HISTOGRAM_BIN_RULE_STURGES]: 'sturges',
  [HistogramBinRule.HISTOGRAM_BIN_RULE_SQRT]: 'sqrt',
  [HistogramBinRule.HISTOGRAM_BIN_RULE_RICE]: 'rice',
  [HistogramBinRule.HISTOGRAM_BIN_RULE_SCOTT]: 'scott',
  [HistogramBinRule.HISTOGRAM_BIN_RULE_DOANE]: 'doane',
  [HistogramBinRule.HISTOGRAM_BIN_RULE_STONE]: 'stone',
};

/** The bins of a ComputeHistogram request: a count, a numpy rule or edges, and a value range. */
export function histogramBinsOf(request: ComputeHistogramRequest): {
  bins: number | BinRule | readonly number[];
  low: number | undefined;
  high: number | undefined;
} {
  const given = [
    request.binCount !== 0,
    request.binEdges.length > 0,
    request.binRule !== HistogramBinRule.HISTOGRAM_BIN_RULE_UNSPECIFIED,
  ];
  if (given.filter(Boolean).length > 1) {
    throw invalidField(
      NumericsReason.INVALID_BINS,
      'bin_count',
      'set at most one of bin_count, bin_edges and bin_rule',
    );
  }
  const low = request.rangeMin;
  const high = request.rangeMax;
  for (const [value, field] of [
    [low, 'range_min'],
    [high, 'range_max'],
  ] as const) {
    if (value !== undefined && !Number.isFinite(value)) {
      throw invalidField(NumericsReason.INVALID_BINS, field, `${field} must be finite`);
    }
  }
  if (low !== undefined && high !== undefined && low > high) {
    throw invalidField(NumericsReason.INVALID_BINS, 'range_max', 'range_max must not be below range_min');
  }
  if (request.binEdges.length > 0) {
    if (low !== undefined || high !== undefined) {
      throw invalidField(
        NumericsReason.INVALID_BINS,
        'bin_edges',
        'bin_edges and range_min/range_max exclude each other',
      );
    }
    const edges = request.binEdges;
    if (edges.length < 2 || edges.length > MAX_HISTOGRAM_BINS + 1) {
      throw invalidField(
        NumericsReason.INVALID_BINS,
        'bin_edges',
        `bin_edges must hold 2 to ${MAX_HISTOGRAM_BINS + 1} edges`,
      );
    }
    edges.forEach((edge, i) => {
      if (!Number.isFinite(edge) || (i > 0 && edge < (edges[i - 1] as number))) {
        throw invalidField(
          NumericsReason.INVALID_BINS,
          `bin_edges[${i}]`,
          `bin_edges[${i}] must be finite and not below the edge before it`,
        );
      }
    });
    return { bins: edges, low, high };
  }
  if (request.binRule !== HistogramBinRule.HISTOGRAM_BIN_RULE_UNSPECIFIED) {
    const rule = RULES[request.binRule];
    if (rule === undefined)
      throw invalidField(NumericsReason.INVALID_BINS, 'bin_rule', 'bin_rule is not a rule');
    return { bins: rule, low, high };
  }
  const count = request.binCount === 0 ? 10 : request.binCount;
  if (!(Number.isInteger(count) && count >= 1 && count <= MAX_HISTOGRAM_BINS)) {
    throw invalidField(
      NumericsReason.INVALID_BINS,
      'bin_count',
      `bin_count must be 1 to ${MAX_HISTOGRAM_BINS}`,
    );
  }
  return { bins: count, low, high };
}
