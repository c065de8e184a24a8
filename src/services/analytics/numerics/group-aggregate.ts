import { assertFitsBudget } from './limits.ts';
import { mergeSeries } from './merge-series.ts';
import { invalidOption, NumericsReason } from './numerics-reason.ts';
import { type ResampleOptions, type ResampleResult, resample } from './resample.ts';
import { assertSeries, type Series } from './series.ts';

/** One input series of {@link groupAggregate} and the key of the group it belongs to. */
export interface GroupedSeries {
  /** The group key, e.g. the label values joined (`"site=a,line=2"`); any string. */
  group: string;
  series: Series;
}

/** The bucketed aggregates of one group. */
export interface GroupResult extends ResampleResult {
  group: string;
  /** How many input series the group has. */
  seriesCount: number;
}

/**
 * pandas' `groupby(keys).resample(width).agg([...])` over several series: the samples of every
 * series of a group are pooled (merged by time, so first/last are the earliest/latest sample of
 * any series in the group, ties in input order) and resampled on one bucket grid shared by all
 * groups. Groups come back in the order their key first appears. Memory: one copy of the
 * largest group's samples on top of the result.
 */
export function groupAggregate(inputs: readonly GroupedSeries[], options: ResampleOptions): GroupResult[] {
  if (!Array.isArray(inputs)) {
    throw invalidOption(NumericsReason.INVALID_PARAMETER, 'series', 'series must be a list');
  }
  const groups = new Map<string, Series[]>();
  inputs.forEach((input, i) => {
    if (typeof input?.group !== 'string') {
      throw invalidOption(
        NumericsReason.INVALID_PARAMETER,
        `series[${i}].group`,
        `series[${i}].group must be a string`,
      );
    }
    assertSeries(input.series, `series[${i}]`);
    const members = groups.get(input.group);
    if (members === undefined) groups.set(input.group, [input.series]);
    else members.push(input.series);
  });
  let largest = 0;
  for (const members of groups.values()) {
    largest = Math.max(
      largest,
      members.reduce((n, s) => n + s.times.length, 0),
    );
  }
  assertFitsBudget(2 * largest, options, `pooling ${largest} samples of one group`);
  return [...groups].map(([group, members]) => ({
    group,
    seriesCount: members.length,
    ...resample(mergeSeries(members), options),
  }));
}
