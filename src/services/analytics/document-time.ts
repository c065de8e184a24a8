import { TimeFormat } from '../../gen/hcs/v1/analytics.ts';

const RFC3339 = /^(\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const INTEGER = /^\d{1,19}$/;
const DIVISORS: Partial<Record<TimeFormat, bigint>> = {
  [TimeFormat.TIME_FORMAT_EPOCH_MILLIS]: 1n,
  [TimeFormat.TIME_FORMAT_EPOCH_MICROS]: 1000n,
  [TimeFormat.TIME_FORMAT_EPOCH_NANOS]: 1_000_000n,
};

/**
 * The epoch milliseconds of a document's time cell, or a sentence saying why it is not one.
 * Finer digits than milliseconds are truncated. UNSPECIFIED reads RFC 3339 when the cell has a
 * "-" or ":", else integer epoch milliseconds.
 */
export function parseDocumentTime(text: string, format: TimeFormat): number | string {
  const effective =
    format === TimeFormat.TIME_FORMAT_UNSPECIFIED
      ? /[-:]/.test(text)
        ? TimeFormat.TIME_FORMAT_RFC3339
        : TimeFormat.TIME_FORMAT_EPOCH_MILLIS
      : format;
  if (effective === TimeFormat.TIME_FORMAT_RFC3339) {
    const match = RFC3339.exec(text);
    const ms =
      match === null ? Number.NaN : Date.parse(`${match[1]}${(match[2] ?? '').slice(0, 4)}${match[3]}`);
    return Number.isNaN(ms) ? `cannot parse ${quote(text)} as an RFC 3339 instant` : ms;
  }
  const divisor = DIVISORS[effective];
  if (divisor === undefined || !INTEGER.test(text)) {
    return `cannot parse ${quote(text)} as an integer epoch time`;
  }
  return Number(BigInt(text) / divisor);
}

/** `text` quoted for a message, at most 40 characters of it. */
export function quote(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}
