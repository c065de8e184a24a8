import type { EntityManager } from '@mikro-orm/core';
import { createUlid } from '../../platform/db/index.ts';
import { AppError, Code } from '../../platform/errors/index.ts';
import { findKeysetPage, type KeysetOrder } from '../common/index.ts';
import { AnalyticsReason } from './reasons.ts';
import { type Series, SeriesSchema } from './series.entity.ts';
import {
  assertEtagMatches,
  assertSeriesId,
  assertSeriesKey,
  assertSeriesSettings,
  etagOf,
  seriesIdentityOf,
} from './series-rules.ts';

/** The settable fields of a series. `retentionMs` null means the server default. */
export interface SeriesSettings {
  unit: string;
  description: string;
  device: string;
  retentionMs: number | null;
}

/** What {@link SeriesCatalog.create} needs; an empty `seriesId` is generated. */
export interface NewSeries extends SeriesSettings {
  seriesId: string;
  metric: string;
  labels: Record<string, string>;
}

/** Filters of {@link SeriesCatalog.list}; empty strings match anything. */
export interface SeriesFilter {
  metric: string;
  unit: string;
  device: string;
  labels: Record<string, string>;
  pageSize: number;
  pageToken: string;
}

const SERIES_ORDER: KeysetOrder<Series> = {
  key: 'seriesId',
  direction: 'asc',
  cursorPrefix: 's1:',
  keyPattern: /^[a-z0-9-]{1,63}$/,
};

/** The series resource: create, read, list, update with etags, delete. */
export interface SeriesCatalog {
  create(series: NewSeries): Promise<Series>;
  get(seriesId: string): Promise<Series>;
  /**
   * The series of a metric and label set, created (with `unit` and the `device` link, default
   * none) when absent.
   */
  ensure(metric: string, labels: Record<string, string>, unit: string, device?: string): Promise<Series>;
  list(filter: SeriesFilter): Promise<{ series: Series[]; nextPageToken: string }>;
  /** Applies `changes` for the `fields` named; `etag` empty means any version. */
  update(
    seriesId: string,
    etag: string,
    changes: SeriesSettings,
    fields: ReadonlySet<keyof SeriesSettings>,
  ): Promise<Series>;
  /** Deletes the series and its chunks; resolves the number of samples it held. */
  delete(seriesId: string, etag: string): Promise<{ series: Series; deletedSamples: number }>;
}

/** Builds the catalog over `em()` forks. */
export function createSeriesCatalog(em: () => EntityManager): SeriesCatalog {
  async function load(fork: EntityManager, seriesId: string): Promise<Series> {
    const found = await fork.findOne(SeriesSchema, { seriesId });
    if (found === null) {
      throw new AppError(
        Code.NOT_FOUND,
        AnalyticsReason.SERIES_NOT_FOUND,
        `series/${seriesId} does not exist`,
      );
    }
    return found;
  }

  async function insert(series: NewSeries): Promise<Series> {
    const fork = em();
    const seriesId = series.seriesId === '' ? generatedId(series.metric) : series.seriesId;
    const row = fork.create(SeriesSchema, {
      id: createUlid(),
      seriesId,
      metric: series.metric,
      labels: series.labels,
      identity: seriesIdentityOf(series.metric, series.labels),
      unit: series.unit,
      description: series.description,
      device: series.device,
      retentionMs: series.retentionMs,
      revision: 1,
      sampleCount: 0,
      firstTime: null,
      lastTime: null,
      lastValue: null,
    });
    try {
      await fork.flush();
    } catch (error) {
      const appError = AppError.from(error);
      if (appError.code !== Code.ALREADY_EXISTS) throw error;
      throw new AppError(
        Code.ALREADY_EXISTS,
        AnalyticsReason.SERIES_ALREADY_EXISTS,
        `series/${seriesId} or a series with metric ${series.metric} and the same labels already exists`,
      );
    }
    return row;
  }

  return {
    async create(series) {
      if (series.seriesId !== '') assertSeriesId(series.seriesId, 'series_id');
      assertSeriesKey(series.metric, series.labels, 'series');
      assertSeriesSettings(series, 'series');
      return insert(series);
    },

    get: (seriesId) => load(em(), seriesId),

    async ensure(metric, labels, unit, device = '') {
      const identity = seriesIdentityOf(metric, labels);
      const found = await em().findOne(SeriesSchema, { identity });
      if (found !== null) return found;
      try {
        return await insert({
          seriesId: '',
          metric,
          labels,
          unit,
          description: '',
          device,
          retentionMs: null,
        });
      } catch (error) {
        // Another call created it meanwhile.
        const again = await em().findOne(SeriesSchema, { identity });
        if (again === null) throw error;
        return again;
      }
    },

    async list(filter) {
      const where: Record<string, unknown> = {};
      if (filter.metric !== '') where.metric = filter.metric;
      if (filter.unit !== '') where.unit = filter.unit;
      if (filter.device !== '') where.device = filter.device;
      assertSeriesKey(filter.metric === '' ? 'any' : filter.metric, filter.labels, 'filter');
      if (Object.keys(filter.labels).length > 0) where.labels = filter.labels;
      const page = await findKeysetPage(em(), SeriesSchema, where as never, SERIES_ORDER, filter);
      return { series: page.rows, nextPageToken: page.nextPageToken };
    },

    async update(seriesId, etag, changes, fields) {
      assertSeriesSettings(changes, 'series');
      const fork = em();
      const series = await load(fork, seriesId);
      assertEtagMatches(etag, etagOf(series.revision), `series/${seriesId}`);
      const set: Record<string, unknown> = { revision: series.revision + 1, updateTime: new Date() };
      for (const field of fields) set[field] = changes[field];
      // Conditional on the revision read, so two concurrent updates cannot both win.
      const changed = await fork.nativeUpdate(
        SeriesSchema,
        { id: series.id, revision: series.revision },
        set,
      );
      if (changed !== 1) assertEtagMatches(etagOf(series.revision), '', `series/${seriesId}`);
      return load(em(), seriesId);
    },

    async delete(seriesId, etag) {
      const fork = em();
      const series = await load(fork, seriesId);
      assertEtagMatches(etag, etagOf(series.revision), `series/${seriesId}`);
      const deleted = await fork.nativeDelete(SeriesSchema, { id: series.id, revision: series.revision });
      if (deleted !== 1) assertEtagMatches(etagOf(series.revision), '', `series/${seriesId}`);
      return { series, deletedSamples: series.sampleCount };
    },
  };
}

// A readable, unique id for a series created by ingestion: the metric, shortened, plus a ULID.
function generatedId(metric: string): string {
  const stem = metric
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 30);
  const suffix = createUlid().toLowerCase();
  return stem === '' ? `s-${suffix}` : `${stem}-${suffix}`;
}
