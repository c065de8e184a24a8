import type { TimeFormat } from '../../gen/hcs/v1/analytics.ts';
import { AppError, Code, invalidField } from '../../platform/errors/index.ts';
import { type CsvRecord, CsvSyntaxError, createCsvReader } from './csv-records.ts';
import { parseDocumentTime, quote } from './document-time.ts';
import { MAX_FUTURE_MS } from './ingestion.ts';
import { AnalyticsReason } from './reasons.ts';
import type { Columns } from './sample-columns.ts';
import type { Series } from './series.entity.ts';

/** Most samples one upload may carry: their columns are held until the one commit. */
export const MAX_UPLOAD_SAMPLES = 10_000_000;

/** How to read an uploaded document. */
export interface UploadOptions {
  format: 'csv' | 'ndjson';
  /** Header name (CSV) or key (NDJSON) of the instants. */
  timeColumn: string;
  timeFormat: TimeFormat;
  /** The series a column header names; throws when there is none. */
  resolveSeries(header: string): Promise<Series>;
  now: number;
}

/** What a document held: its data rows and the samples of each series, in column order. */
export interface UploadContent {
  rowCount: number;
  samples: Map<Series, Columns>;
}

// Grows by doubling: one copy per doubling instead of an array of boxed numbers.
class ColumnBuilder {
  times = new Float64Array(1024);
  values = new Float64Array(1024);
  length = 0;
  push(time: number, value: number): void {
    if (this.length === this.times.length) {
      const times = new Float64Array(this.length * 2);
      const values = new Float64Array(this.length * 2);
      times.set(this.times);
      values.set(this.values);
      this.times = times;
      this.values = values;
    }
    this.times[this.length] = time;
    this.values[this.length++] = value;
  }
}

/** A malformed line: INVALID_ARGUMENT `MALFORMED_DOCUMENT` naming the line. */
export function malformedLine(line: number, message: string): AppError {
  return invalidField(AnalyticsReason.MALFORMED_DOCUMENT, 'body.data', `line ${line}: ${message}`);
}

/**
 * Reads a CSV or NDJSON document from byte chunks split anywhere (inside a UTF-8 character or
 * a CRLF too), holding only the current line or record and the parsed samples as typed
 * arrays. Throws on the first malformed line, naming it.
 */
export async function readUpload(
  chunks: AsyncIterable<Uint8Array>,
  options: UploadOptions,
): Promise<UploadContent> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const builders = new Map<Series, ColumnBuilder>();
  const latest = options.now + MAX_FUTURE_MS;
  let total = 0;
  let rowCount = 0;
  let header: { timeIndex: number; series: (Series | undefined)[]; names: string[] } | undefined;
  const ndjsonSeries = new Map<string, Series>();

  function add(series: Series, time: number, value: number) {
    let builder = builders.get(series);
    if (builder === undefined) {
      builder = new ColumnBuilder();
      builders.set(series, builder);
    }
    builder.push(time, value);
    if (++total > MAX_UPLOAD_SAMPLES) {
      throw invalidField(
        AnalyticsReason.TOO_MANY_SAMPLES,
        'body',
        `the upload holds more than ${MAX_UPLOAD_SAMPLES} samples; split it`,
      );
    }
  }

  function timeOf(cell: string, line: number): number {
    const time = parseDocumentTime(cell, options.timeFormat);
    if (typeof time === 'string') throw malformedLine(line, `${options.timeColumn}: ${time}`);
    if (time < 0 || time > latest)
      throw malformedLine(
        line,
        `${options.timeColumn}: ${quote(cell)} is before 1970 or more than 5 minutes ahead`,
      );
    return time;
  }

  function numberOf(cell: string, column: string, line: number): number {
    const value = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(cell) ? Number(cell) : Number.NaN;
    if (!Number.isFinite(value))
      throw malformedLine(line, `column ${quote(column)}: cannot parse ${quote(cell)} as a finite number`);
    return value;
  }

  async function csvRecord(record: CsvRecord): Promise<void> {
    if (header === undefined) {
      const timeIndex = record.fields.indexOf(options.timeColumn);
      if (timeIndex < 0)
        throw malformedLine(record.line, `the header has no time column ${quote(options.timeColumn)}`);
      const series: (Series | undefined)[] = [];
      for (const [index, name] of record.fields.entries()) {
        series.push(index === timeIndex ? undefined : await options.resolveSeries(name));
      }
      header = { timeIndex, series, names: record.fields };
      return;
    }
    if (record.fields.length !== header.names.length) {
      throw malformedLine(
        record.line,
        `has ${record.fields.length} fields; the header has ${header.names.length}`,
      );
    }
    rowCount += 1;
    const time = timeOf(record.fields[header.timeIndex] as string, record.line);
    for (const [index, series] of header.series.entries()) {
      const cell = record.fields[index] as string;
      if (series === undefined || cell === '') continue;
      add(series, time, numberOf(cell, header.names[index] as string, record.line));
    }
  }

  async function ndjsonLine(text: string, line: number): Promise<void> {
    if (text.trim() === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw malformedLine(line, 'is not valid JSON');
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      throw malformedLine(line, 'is not a JSON object');
    const object = parsed as Record<string, unknown>;
    const rawTime = object[options.timeColumn];
    if (typeof rawTime !== 'string' && !(typeof rawTime === 'number' && Number.isSafeInteger(rawTime))) {
      throw malformedLine(line, `has no ${quote(options.timeColumn)} string or integer`);
    }
    rowCount += 1;
    const time = timeOf(String(rawTime), line);
    for (const [key, raw] of Object.entries(object)) {
      if (key === options.timeColumn || raw === null) continue;
      if (typeof raw !== 'number') throw malformedLine(line, `${quote(key)} must be a number or null`);
      let series = ndjsonSeries.get(key);
      if (series === undefined) {
        series = await options.resolveSeries(key);
        ndjsonSeries.set(key, series);
      }
      add(series, time, numberOf(String(raw), key, line));
    }
  }

  const csv = createCsvReader();
  let pending = '';
  let line = 1;
  const feed = async (text: string) => {
    if (options.format === 'csv') {
      for (const record of csv.push(text)) await csvRecord(record);
      return;
    }
    pending += text;
    let newline = pending.indexOf('\n');
    while (newline >= 0) {
      await ndjsonLine(pending.slice(0, newline).replace(/\r$/, ''), line++);
      pending = pending.slice(newline + 1);
      newline = pending.indexOf('\n');
    }
  };

  try {
    for await (const chunk of chunks) {
      let text: string;
      try {
        text = decoder.decode(chunk, { stream: true });
      } catch {
        throw malformedLine(options.format === 'csv' ? csv.currentLine() : line, 'is not valid UTF-8');
      }
      await feed(text);
    }
    await feed(decoder.decode());
    if (options.format === 'csv') for (const record of csv.end()) await csvRecord(record);
    else if (pending !== '') await ndjsonLine(pending.replace(/\r$/, ''), line);
  } catch (error) {
    if (error instanceof CsvSyntaxError) throw malformedLine(error.line, error.message);
    throw error;
  }
  if (options.format === 'csv' && header === undefined) {
    throw new AppError(
      Code.INVALID_ARGUMENT,
      AnalyticsReason.MALFORMED_DOCUMENT,
      'the CSV document has no header row',
    );
  }
  const samples = new Map<Series, Columns>();
  for (const [series, builder] of builders) {
    samples.set(series, {
      times: builder.times.subarray(0, builder.length),
      values: builder.values.subarray(0, builder.length),
    });
  }
  return { rowCount, samples };
}
