import { BinaryWriter } from '@bufbuild/protobuf/wire';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IngestStreamWithAcksRequest } from '../../../../src/gen/hcs/v1/analytics.ts';
import { decodeIngestRequest } from '../../../../src/services/analytics/ingest-request-decoder.ts';

const T0 = Date.UTC(2025, 0, 1);

// columns { times (packed varints), values (packed doubles) } of one batch naming `series`.
function packedRequest(series: string, times: readonly number[], values: readonly number[]): Uint8Array {
  const columns = new BinaryWriter();
  columns.uint32(10).fork();
  for (const time of times) columns.int64(time);
  columns.join();
  columns.uint32(18).fork();
  for (const value of values) columns.double(value);
  columns.join();
  const batch = new BinaryWriter().uint32(10).string(series).uint32(42).bytes(columns.finish());
  return new BinaryWriter().uint32(10).bytes(batch.finish()).finish();
}

test('packed columns decode into typed arrays with the same instants and values', () => {
  const times = [T0, T0 + 10, T0 + 20, 2 ** 53 - 1, 0];
  const values = [1.5, -0, Number.NaN, 1e308, -2.25];
  const request = decodeIngestRequest(packedRequest('series/a', times, values));
  const batch = request.batches[0];
  assert.is(request.batches.length, 1);
  assert.is(batch?.series, 'series/a');
  assert.ok(batch?.columns?.times instanceof Float64Array);
  assert.equal([...(batch?.columns?.times ?? [])], times);
  assert.equal([...(batch?.columns?.values ?? [])], values);
});

test('what the generated encoder writes (times unpacked) decodes to the same request', () => {
  const bytes = IngestStreamWithAcksRequest.encode({
    batches: [
      {
        seriesKey: { metric: 'flow', labels: { site: 'a' } },
        unit: 'l/s',
        samples: [{ sampleTime: new Date(T0), value: 3 }],
        columns: { times: [T0 + 1, T0 + 2], values: [4, 5] },
      },
      { series: 'series/b', unit: '', samples: [], columns: { times: [T0], values: [6] } },
    ],
  }).finish();
  const [first, second] = decodeIngestRequest(bytes).batches;
  assert.equal(first?.seriesKey, { metric: 'flow', labels: { site: 'a' } });
  assert.is(first?.series, undefined);
  assert.is(first?.unit, 'l/s');
  assert.equal(first?.samples, [{ sampleTime: new Date(T0), value: 3 }]);
  assert.equal([...(first?.columns?.times ?? [])], [T0 + 1, T0 + 2]);
  assert.equal([...(first?.columns?.values ?? [])], [4, 5]);
  assert.is(second?.series, 'series/b');
  assert.equal([...(second?.columns?.times ?? [])], [T0]);
});

test('a negative instant stays negative, so ingestion refuses it by its value', () => {
  const request = decodeIngestRequest(packedRequest('series/a', [-5], [1]));
  assert.is(request.batches[0]?.columns?.times[0], -5);
});

test('a batch without columns has none, and an empty request has no batches', () => {
  const bytes = IngestStreamWithAcksRequest.encode({
    batches: [{ series: 'series/a', unit: '', samples: [], columns: undefined }],
  }).finish();
  assert.is(decodeIngestRequest(bytes).batches[0]?.columns, undefined);
  assert.equal(decodeIngestRequest(new Uint8Array(0)).batches, []);
});

test('values that are not a whole number of doubles are refused', () => {
  const columns = new BinaryWriter().uint32(18).bytes(new Uint8Array(7)).finish();
  const batch = new BinaryWriter().uint32(42).bytes(columns).finish();
  const bytes = new BinaryWriter().uint32(10).bytes(batch).finish();
  assert.throws(() => decodeIngestRequest(bytes), /whole number of doubles/);
});

test.run();
