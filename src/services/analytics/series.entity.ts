import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { ulidPrimaryKey } from '../../platform/db/index.ts';

/**
 * A time series (`analytics_series`), resource name `series/{seriesId}`. `identity` is the
 * SHA-256 of the metric and the sorted labels (see `seriesIdentityOf`): metric plus labels is
 * unique, and a hash keeps that unique index small whatever the labels weigh.
 *
 * The sample statistics (`sampleCount`, `firstTime`, `lastTime`, `lastValue`) are kept by the
 * chunk store in the transaction that changes the chunks, so reading a series needs no chunk.
 * Times are milliseconds since the Unix epoch. `revision` grows on every change of the
 * settable fields and is the etag; ingestion leaves it alone.
 */
export const SeriesSchema = defineEntity({
  name: 'Series',
  tableName: 'analytics_series',
  properties: {
    id: ulidPrimaryKey(),
    seriesId: p.string().length(63).unique('analytics_series_series_id_unique'),
    metric: p.string().length(200).index('analytics_series_metric_index'),
    labels: p.json<Record<string, string>>(),
    identity: p.string().length(64).unique('analytics_series_identity_unique'),
    unit: p.string().length(64),
    description: p.string().length(1024),
    /** `devices/{device}`, or empty. */
    device: p.string().length(255),
    /** NULL: the server default. */
    retentionMs: p.bigint('number').nullable(),
    revision: p.integer(),
    sampleCount: p.bigint('number'),
    firstTime: p.bigint('number').nullable(),
    lastTime: p.bigint('number').nullable(),
    lastValue: p.double().nullable(),
    createTime: p.datetime(3).onCreate(() => new Date()),
    updateTime: p.datetime(3).onCreate(() => new Date()),
  },
});

/** A series row. */
export type Series = InferEntity<typeof SeriesSchema>;
