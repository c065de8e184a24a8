import type { Duration } from '../../gen/google/protobuf/duration.ts';
import type { AnalyticsServiceService, Series as SeriesMessage } from '../../gen/hcs/v1/analytics.ts';
import { invalidField } from '../../platform/errors/index.ts';
import type { ServiceImplementation } from '../../transport/rpc/index.ts';
import { AnalyticsReason } from './reasons.ts';
import type { Series } from './series.entity.ts';
import type { SeriesCatalog, SeriesSettings } from './series.ts';
import { etagOf, seriesIdOfName } from './series-rules.ts';

/** The series RPCs of AnalyticsService. */
export type SeriesProcedures = Pick<
  ServiceImplementation<typeof AnalyticsServiceService>,
  'createSeries' | 'getSeries' | 'listSeries' | 'updateSeries' | 'deleteSeries'
>;

const UPDATABLE: Record<string, keyof SeriesSettings> = {
  unit: 'unit',
  description: 'description',
  device: 'device',
  retention: 'retentionMs',
};

/** The proto `Series` of a row. */
export function seriesToMessage(series: Series): SeriesMessage {
  const first = series.firstTime ?? null;
  const last = series.lastTime ?? null;
  const hasSamples = first !== null && last !== null && Number(series.sampleCount) > 0;
  return {
    name: `series/${series.seriesId}`,
    metric: series.metric,
    labels: { ...series.labels },
    unit: series.unit,
    description: series.description,
    retention: series.retentionMs == null ? undefined : durationOfMs(Number(series.retentionMs)),
    sampleCount: String(series.sampleCount),
    firstSampleTime: hasSamples ? new Date(Number(first)) : undefined,
    lastSampleTime: hasSamples ? new Date(Number(last)) : undefined,
    latestSample: hasSamples
      ? { sampleTime: new Date(Number(last)), value: Number(series.lastValue) }
      : undefined,
    createTime: series.createTime,
    updateTime: series.updateTime,
    device: series.device,
    etag: etagOf(series.revision),
  };
}

/** Milliseconds of a Duration (finer digits truncated); NaN when it is not one. */
export function msOfDuration(duration: Duration): number {
  const seconds = Number(duration.seconds);
  return seconds * 1000 + Math.trunc(duration.nanos / 1_000_000);
}

function durationOfMs(ms: number): Duration {
  return { seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1_000_000 };
}

function settingsOf(series: SeriesMessage): SeriesSettings {
  return {
    unit: series.unit,
    description: series.description,
    device: series.device,
    retentionMs: series.retention === undefined ? null : msOfDuration(series.retention),
  };
}

function requireSeries(series: SeriesMessage | undefined): SeriesMessage {
  if (series === undefined)
    throw invalidField(AnalyticsReason.INVALID_SERIES_FIELD, 'series', 'series is required');
  return series;
}

// The fields an update mask names; none means every field set to a non-default value.
function maskedFields(
  series: SeriesMessage,
  paths: readonly string[] | undefined,
): Set<keyof SeriesSettings> {
  if (paths === undefined || paths.length === 0) {
    const fields = new Set<keyof SeriesSettings>();
    if (series.unit !== '') fields.add('unit');
    if (series.description !== '') fields.add('description');
    if (series.device !== '') fields.add('device');
    if (series.retention !== undefined) fields.add('retentionMs');
    return fields;
  }
  if (paths.includes('*')) return new Set(Object.values(UPDATABLE));
  const fields = new Set<keyof SeriesSettings>();
  for (const path of paths) {
    const field = UPDATABLE[path];
    if (field === undefined) {
      throw invalidField(
        AnalyticsReason.INVALID_UPDATE_MASK,
        'update_mask',
        `update_mask path ${JSON.stringify(path.slice(0, 64))} is not one of unit, description, device, retention`,
      );
    }
    fields.add(field);
  }
  return fields;
}

/** Maps the series RPCs onto the {@link SeriesCatalog}. */
export function seriesProcedures(catalog: SeriesCatalog): SeriesProcedures {
  return {
    async createSeries(request) {
      const series = requireSeries(request.series);
      const created = await catalog.create({
        seriesId: request.seriesId,
        metric: series.metric,
        labels: series.labels,
        ...settingsOf(series),
      });
      return { series: seriesToMessage(created) };
    },

    async getSeries(request) {
      return { series: seriesToMessage(await catalog.get(seriesIdOfName(request.name, 'name'))) };
    },

    async listSeries(request) {
      const page = await catalog.list(request);
      return { series: page.series.map(seriesToMessage), nextPageToken: page.nextPageToken };
    },

    async updateSeries(request) {
      const series = requireSeries(request.series);
      const seriesId = seriesIdOfName(series.name, 'series.name');
      const fields = maskedFields(series, request.updateMask);
      const updated = await catalog.update(seriesId, series.etag, settingsOf(series), fields);
      return { series: seriesToMessage(updated) };
    },

    async deleteSeries(request) {
      const { deletedSamples } = await catalog.delete(seriesIdOfName(request.name, 'name'), request.etag);
      return { deletedSampleCount: String(deletedSamples) };
    },
  };
}
