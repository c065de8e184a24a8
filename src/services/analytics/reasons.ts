/** Reasons raised by the analytics service. A client may branch on them; they never change. */
export const AnalyticsReason = {
  /** No series has the requested name. */
  SERIES_NOT_FOUND: 'SERIES_NOT_FOUND',
  /** The series id, or the metric plus labels, is taken by another series. */
  SERIES_ALREADY_EXISTS: 'SERIES_ALREADY_EXISTS',
  /** The etag sent does not match the stored one: the series changed since it was read. */
  ETAG_MISMATCH: 'ETAG_MISMATCH',
  /** A series name or id is not `series/{id}` with an RFC 1123 label id. */
  INVALID_SERIES_NAME: 'INVALID_SERIES_NAME',
  /** A metric name, label, unit, description, device or retention breaks its documented form. */
  INVALID_SERIES_FIELD: 'INVALID_SERIES_FIELD',
  /** An update mask names a field that cannot be updated. */
  INVALID_UPDATE_MASK: 'INVALID_UPDATE_MASK',
  /** A sample is malformed: a non-finite value, an instant out of range, columns of unequal length. */
  INVALID_SAMPLE: 'INVALID_SAMPLE',
  /** A batch names no series, or both a name and a key. */
  INVALID_BATCH: 'INVALID_BATCH',
  /** A call carries more batches or samples than one call may. */
  TOO_MANY_SAMPLES: 'TOO_MANY_SAMPLES',
  /** A time range is empty or inverted, or a query option is unknown. */
  INVALID_RANGE: 'INVALID_RANGE',
  /** An uploaded document has a malformed line; the message names its line number. */
  MALFORMED_DOCUMENT: 'MALFORMED_DOCUMENT',
  /** A computation would read more samples than fit its memory cap (RESOURCE_EXHAUSTED). */
  RANGE_TOO_LARGE: 'RANGE_TOO_LARGE',
  /** A computed answer would carry more numbers than one message may (RESOURCE_EXHAUSTED). */
  RESULT_TOO_LARGE: 'RESULT_TOO_LARGE',
  /** A computation's parameter is invalid or contradicts another; the field is named. */
  INVALID_COMPUTATION: 'INVALID_COMPUTATION',
} as const;
