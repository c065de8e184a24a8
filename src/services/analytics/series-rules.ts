import { createHash } from 'node:crypto';
import { AppError, Code, invalidField } from '../../platform/errors/index.ts';
import { AnalyticsReason } from './reasons.ts';

const SERIES_ID = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const METRIC = /^[a-zA-Z_:][a-zA-Z0-9_:]{0,199}$/;
const LABEL_KEY = /^[a-zA-Z_][a-zA-Z0-9_]{0,62}$/;
const DEVICE = /^devices\/[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** Fewest milliseconds a retention may be: one hour. */
export const MIN_RETENTION_MS = 3_600_000;
/** Most milliseconds a retention may be: 100 years. */
export const MAX_RETENTION_MS = 100 * 365.25 * 86_400_000;
const MAX_LABELS = 32;

/** The id of `series/{id}`; INVALID_ARGUMENT `INVALID_SERIES_NAME` naming `field` otherwise. */
export function seriesIdOfName(name: string, field: string): string {
  const id = name.startsWith('series/') ? name.slice('series/'.length) : '';
  if (!SERIES_ID.test(id)) {
    throw invalidField(
      AnalyticsReason.INVALID_SERIES_NAME,
      field,
      `${field} must be "series/{id}" with an id of 1 to 63 lowercase letters, digits and "-"`,
    );
  }
  return id;
}

/** Checks a series id chosen by a caller. */
export function assertSeriesId(id: string, field: string): void {
  if (!SERIES_ID.test(id)) {
    throw invalidField(
      AnalyticsReason.INVALID_SERIES_NAME,
      field,
      `${field} must be 1 to 63 lowercase letters, digits and "-", starting and ending with a letter or digit`,
    );
  }
}

/** Checks a metric name and label set, naming `field` (e.g. `series`, `batches[0].series_key`). */
export function assertSeriesKey(metric: string, labels: Record<string, string>, field: string): void {
  const at = field === '' ? '' : `${field}.`;
  if (!METRIC.test(metric)) {
    throw invalidField(
      AnalyticsReason.INVALID_SERIES_FIELD,
      `${at}metric`,
      `${at}metric must be 1 to 200 characters matching ^[a-zA-Z_:][a-zA-Z0-9_:]*$`,
    );
  }
  const entries = Object.entries(labels);
  if (entries.length > MAX_LABELS) {
    throw invalidField(
      AnalyticsReason.INVALID_SERIES_FIELD,
      `${at}labels`,
      `${at}labels has more than 32 entries`,
    );
  }
  for (const [key, value] of entries) {
    if (!LABEL_KEY.test(key)) {
      throw invalidField(
        AnalyticsReason.INVALID_SERIES_FIELD,
        `${at}labels`,
        `${at}labels key ${JSON.stringify(key.slice(0, 70))} must match ^[a-zA-Z_][a-zA-Z0-9_]*$ (at most 63 characters)`,
      );
    }
    if (value.length === 0 || value.length > 256 || value.includes('\0')) {
      throw invalidField(
        AnalyticsReason.INVALID_SERIES_FIELD,
        `${at}labels[${key}]`,
        `${at}labels[${key}] must be 1 to 256 characters without NUL`,
      );
    }
  }
}

/** Checks the settable fields of a series (unit, description, device, retention). */
export function assertSeriesSettings(
  settings: { unit?: string; description?: string; device?: string; retentionMs?: number | null },
  field: string,
): void {
  const { unit, description, device, retentionMs } = settings;
  if (unit !== undefined && (unit.length > 64 || unit.includes('\0'))) {
    throw invalidField(
      AnalyticsReason.INVALID_SERIES_FIELD,
      `${field}.unit`,
      `${field}.unit must be at most 64 characters without NUL`,
    );
  }
  if (description !== undefined && (description.length > 1024 || description.includes('\0'))) {
    throw invalidField(
      AnalyticsReason.INVALID_SERIES_FIELD,
      `${field}.description`,
      `${field}.description must be at most 1024 characters without NUL`,
    );
  }
  if (device !== undefined && device !== '' && !DEVICE.test(device)) {
    throw invalidField(
      AnalyticsReason.INVALID_SERIES_FIELD,
      `${field}.device`,
      `${field}.device must be "devices/{id}" or empty`,
    );
  }
  if (retentionMs !== undefined && retentionMs !== null) {
    if (!(retentionMs >= MIN_RETENTION_MS && retentionMs <= MAX_RETENTION_MS)) {
      throw invalidField(
        AnalyticsReason.INVALID_SERIES_FIELD,
        `${field}.retention`,
        `${field}.retention must be between 1h and 100 years`,
      );
    }
  }
}

/** Fails with ABORTED `ETAG_MISMATCH` when `sent` is set and differs from `stored`. */
export function assertEtagMatches(sent: string, stored: string, name: string): void {
  if (sent !== '' && sent !== stored) {
    throw new AppError(
      Code.ABORTED,
      AnalyticsReason.ETAG_MISMATCH,
      `${name} changed since it was read (etag ${JSON.stringify(sent.slice(0, 40))} is not the current one); read it again`,
    );
  }
}

/** The identity hash of a metric and label set: equal exactly when both are equal. */
export function seriesIdentityOf(metric: string, labels: Record<string, string>): string {
  const sorted = Object.keys(labels)
    .sort()
    .map((key) => [key, labels[key]]);
  return createHash('sha256')
    .update(JSON.stringify([metric, sorted]))
    .digest('hex');
}

/** The etag of a series revision. */
export function etagOf(revision: number): string {
  return `W/"${revision}"`;
}
