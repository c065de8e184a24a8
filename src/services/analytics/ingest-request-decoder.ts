import { BinaryReader } from '@bufbuild/protobuf/wire';
import { Sample, type SampleBatch, SeriesKey } from '../../gen/hcs/v1/analytics.ts';
import { decodeValues } from './chunk-codec.ts';
import type { Columns } from './sample-columns.ts';

/** A SampleBatch whose columns are typed arrays, as {@link decodeIngestRequest} gives it. */
export interface ColumnarSampleBatch extends Omit<SampleBatch, 'columns'> {
  columns?: Columns | undefined;
}

/** IngestSamples, IngestStream and IngestStreamWithAcks requests: `batches` (field 1) only. */
export interface ColumnarIngestRequest {
  batches: ColumnarSampleBatch[];
}

/**
 * Decodes an ingestion request with each batch's `columns` read straight into two
 * `Float64Array`s: packed values are one memory copy, packed times one varint loop, with no
 * `number[]`, Long or string per sample (the generated decoder makes all three, which was most
 * of the cost of a columnar message). Unpacked columns, which proto3 also allows, are read too.
 * The rest of a batch (series, series_key, unit, per-sample `samples`) is decoded as the
 * generated decoder does; unknown fields are skipped. The bytes were checked for well-formedness
 * before (`createRequestValidator`), so truncation here is an ordinary decoding error.
 */
export function decodeIngestRequest(bytes: Uint8Array): ColumnarIngestRequest {
  const reader = new BinaryReader(bytes);
  const batches: ColumnarSampleBatch[] = [];
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag === 10) batches.push(decodeBatch(reader, bytes, reader.uint32()));
    else reader.skip(tag & 7);
  }
  return { batches };
}

// `bytes` is the buffer `reader` reads, whose own is private.
function decodeBatch(reader: BinaryReader, bytes: Uint8Array, length: number): ColumnarSampleBatch {
  const end = reader.pos + length;
  const batch: ColumnarSampleBatch = {
    series: undefined,
    seriesKey: undefined,
    unit: '',
    samples: [],
    columns: undefined,
  };
  while (reader.pos < end) {
    const tag = reader.uint32();
    switch (tag) {
      case 10:
        batch.series = reader.string();
        batch.seriesKey = undefined;
        break;
      case 18:
        batch.seriesKey = SeriesKey.decode(reader, reader.uint32());
        batch.series = undefined;
        break;
      case 26:
        batch.unit = reader.string();
        break;
      case 34:
        batch.samples.push(Sample.decode(reader, reader.uint32()));
        break;
      case 42:
        batch.columns = decodeColumns(reader, bytes, reader.uint32());
        break;
      default:
        reader.skip(tag & 7);
    }
  }
  return batch;
}

// Each column is kept as the parts it arrived in (normally one packed run) and joined once.
function decodeColumns(reader: BinaryReader, bytes: Uint8Array, length: number): Columns {
  const end = reader.pos + length;
  const times: Float64Array[] = [];
  const values: Float64Array[] = [];
  while (reader.pos < end) {
    const tag = reader.uint32();
    if (tag === 10) {
      const runEnd = reader.uint32() + reader.pos;
      if (runEnd > end) throw new Error('packed times run past the end of the columns');
      times.push(readVarints(bytes, reader.pos, runEnd));
      reader.pos = runEnd;
    } else if (tag === 8) {
      const start = reader.pos;
      reader.skip(0);
      times.push(readVarints(bytes, start, reader.pos));
    } else if (tag === 18) {
      const runLength = reader.uint32();
      if (runLength % 8 !== 0 || reader.pos + runLength > end)
        throw new Error('packed values are not a whole number of doubles');
      const run = new Float64Array(runLength / 8);
      decodeValues(bytes.subarray(reader.pos, reader.pos + runLength), run, 0);
      values.push(run);
      reader.pos += runLength;
    } else if (tag === 17) {
      values.push(Float64Array.of(reader.double()));
    } else reader.skip(tag & 7);
  }
  return { times: joined(times), values: joined(values) };
}

// The int64 varints in bytes[from..to) as numbers: plain arithmetic up to seven bytes (below
// 2^49, which covers every instant ingestion accepts), exact 64-bit two's complement beyond, so a
// negative or huge instant keeps its sign and is refused by its value.
function readVarints(bytes: Uint8Array, from: number, to: number): Float64Array {
  let count = 0;
  for (let i = from; i < to; i++) if ((bytes[i] as number) < 0x80) count++;
  const out = new Float64Array(count);
  let pos = from;
  for (let n = 0; n < count; n++) {
    const start = pos;
    let byte = bytes[pos++] as number;
    let value = byte & 0x7f;
    let scale = 0x80;
    while (byte >= 0x80) {
      byte = bytes[pos++] as number;
      value += (byte & 0x7f) * scale;
      scale *= 0x80;
    }
    out[n] = pos - start > 7 ? wideVarint(bytes, start, pos) : value;
  }
  if (pos !== to) throw new Error('truncated varint in the times column');
  return out;
}

function wideVarint(bytes: Uint8Array, from: number, to: number): number {
  let value = 0n;
  for (let i = to - 1; i >= from; i--) value = (value << 7n) | BigInt((bytes[i] as number) & 0x7f);
  return Number(BigInt.asIntN(64, value));
}

function joined(parts: readonly Float64Array[]): Float64Array {
  if (parts.length === 1) return parts[0] as Float64Array;
  let total = 0;
  for (const part of parts) total += part.length;
  const out = new Float64Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
