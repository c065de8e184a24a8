import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { SeriesSchema } from './series.entity.ts';

/**
 * One columnar chunk of a series' samples (`analytics_chunks`): the samples in
 * [`startTime`, `endTime`] (epoch milliseconds, both inclusive), sorted by time, unique per
 * instant, encoded by `chunk-codec.ts` into `times` and `values` (BLOB on SQLite, BYTEA on
 * PostgreSQL). The chunks of a series never overlap in time: a write that lands inside
 * existing chunks rewrites them in the same transaction.
 *
 * The rollup columns (`count` … `lastValue`) summarise the samples so counts, means and
 * extremes over long ranges read no sample; `sumSquares` gives the variance.
 */
export const ChunkSchema = defineEntity({
  name: 'Chunk',
  tableName: 'analytics_chunks',
  indexes: [{ name: 'analytics_chunks_series_start_index', properties: ['series', 'startTime'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    series: () => p.manyToOne(SeriesSchema).deleteRule('cascade'),
    startTime: p.bigint('number'),
    endTime: p.bigint('number'),
    count: p.integer(),
    sum: p.double(),
    sumSquares: p.double(),
    min: p.double(),
    max: p.double(),
    firstValue: p.double(),
    lastValue: p.double(),
    times: p.blob(),
    values: p.blob(),
  },
});

/** A chunk row. */
export type Chunk = InferEntity<typeof ChunkSchema>;
