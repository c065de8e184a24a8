import { cumsum, diff, type EwmDecay, ewmMean, pctChange, rate } from './numerics/index.ts';
import type { Columns } from './sample-columns.ts';
import type { History } from './sample-reader.ts';

/** A sample-by-sample transform and its parameters. */
export type Transform =
  | { kind: 'diff' | 'pctChange'; periods: number }
  | { kind: 'rate'; counter: boolean }
  | { kind: 'cumsum' }
  | { kind: 'ewm'; decay: EwmDecay; adjust: boolean };

/** The samples a page of `transform` needs before its first row. */
export function historyOf(transform: Transform): History {
  switch (transform.kind) {
    case 'diff':
    case 'pctChange':
      return { samples: transform.periods };
    case 'rate':
      return { samples: 1 };
    default:
      return 'all';
  }
}

/** `transform` of every sample of `series`, one output per sample. */
export function transformed(series: Columns, transform: Transform): Float64Array {
  switch (transform.kind) {
    case 'diff':
      return diff(series.values, transform.periods);
    case 'pctChange':
      return pctChange(series.values, transform.periods);
    case 'rate':
      return rate(series, { counter: transform.counter });
    case 'cumsum':
      return cumsum(series.values);
    case 'ewm':
      return ewmMean(series.values, {
        decay: transform.decay,
        adjust: transform.adjust,
        times: series.times,
      });
  }
}
