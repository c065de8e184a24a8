import { invalidField } from '../../platform/errors/index.ts';
import { ListReason } from '../common/index.ts';
import {
  cumsum,
  diff,
  type EwmDecay,
  type EwmState,
  ewmMean,
  newEwmState,
  pctChange,
  rate,
} from './numerics/index.ts';
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

/**
 * Whether pages of `transform` continue from a running state carried in the page token
 * (cumulative sum, exponentially weighted mean) rather than from the samples before them:
 * every output depends on the whole history, so reading it again for every page would make
 * paging through a range quadratic, and stop at the memory cap of one computation.
 */
export function carriesState(
  transform: Transform,
): transform is Extract<Transform, { kind: 'cumsum' | 'ewm' }> {
  return transform.kind === 'cumsum' || transform.kind === 'ewm';
}

/**
 * `transform` of a page of samples that continues the state `carry` (empty: the page starts
 * the range), with the state after its last sample, to carry to the next page. The outputs are
 * exactly those of {@link transformed} over the whole range.
 */
export function transformedFrom(
  page: Columns,
  transform: Extract<Transform, { kind: 'cumsum' | 'ewm' }>,
  carry: readonly number[],
): { values: Float64Array; carry: number[] } {
  // A token carries exactly what its page left: 1 number for a sum, 4 for a weighted mean.
  if (carry.length !== 0 && carry.length !== (transform.kind === 'cumsum' ? 1 : 4)) {
    throw invalidField(
      ListReason.INVALID_PAGE_TOKEN,
      'page_token',
      'page_token is not one this server issued',
    );
  }
  if (transform.kind === 'cumsum') {
    const state = { sum: carry[0] ?? 0 };
    const values = cumsum(page.values, state);
    return { values, carry: [state.sum] };
  }
  const state: EwmState =
    carry.length === 4
      ? {
          started: carry[0] === 1,
          weighted: carry[1] as number,
          oldWeight: carry[2] as number,
          lastTime: carry[3] as number,
        }
      : newEwmState();
  const values = ewmMean(page.values, {
    decay: transform.decay,
    adjust: transform.adjust,
    times: page.times,
    state,
  });
  return { values, carry: [state.started ? 1 : 0, state.weighted, state.oldWeight, state.lastTime] };
}
