/**
 * Computation benchmark: one series of `--samples` samples (default 2,592,000: 30 days at 1 Hz)
 * ingested into the real app started in this process (SQLite), then each computation RPC called
 * over real gRPC on 127.0.0.1 `--rounds` times; prints the median wall time of each.
 *
 * Usage: node --import tsx bench/analytics-compute.ts [--samples 2592000] [--rounds 5]
 */
import { parseArgs } from 'node:util';
import { credentials, Metadata } from '@grpc/grpc-js';
import {
  Aggregation,
  AnalyticsServiceClient,
  ComputeHistogramRequest,
  ComputeRollingWindowRequest,
  DescribeSeriesRequest,
  DetectAnomaliesRequest,
  HistogramBinRule,
  ResampleSeriesRequest,
  Series,
  TransformKind,
  TransformSeriesRequest,
} from '../src/gen/hcs/v1/analytics.ts';
import { startTestApp } from '../tests/helpers/app.ts';

const { values: args } = parseArgs({
  options: { samples: { type: 'string', default: '2592000' }, rounds: { type: 'string', default: '5' } },
});
const SAMPLES = Number(args.samples);
const ROUNDS = Number(args.rounds);
const T0 = Date.UTC(2025, 0, 1);

const app = await startTestApp();
const client = new AnalyticsServiceClient(app.grpcTarget, credentials.createInsecure(), {
  'grpc.max_receive_message_length': 64 * 1024 * 1024,
});
const metadata = new Metadata();
metadata.set('authorization', `Bearer ${await app.adminToken()}`);

function call<T>(method: string, request: unknown): Promise<T> {
  const fn = (client as unknown as Record<string, (...a: unknown[]) => void>)[method] as (
    ...a: unknown[]
  ) => void;
  return new Promise((resolve, reject) =>
    fn.call(client, request, metadata, (error: Error | null, response: T) =>
      error ? reject(error) : resolve(response),
    ),
  );
}

await call('createSeries', {
  seriesId: 'bench',
  series: Series.fromPartial({ metric: 'bench', labels: {} }),
});
for (let from = 0; from < SAMPLES; from += 100_000) {
  const n = Math.min(100_000, SAMPLES - from);
  const times = Array.from({ length: n }, (_, i) => T0 + (from + i) * 1000);
  const values = times.map((_, i) => 20 + 5 * Math.sin((from + i) / 600) + ((from + i) % 7) * 0.1);
  await call('ingestSamples', {
    batches: [{ series: 'series/bench', unit: '', samples: [], columns: { times, values } }],
  });
}

const name = 'series/bench';
const cases: [string, string, unknown][] = [
  ['DescribeSeries, p50/p90/p95/p99', 'describeSeries', DescribeSeriesRequest.fromPartial({ name })],
  [
    'DescribeSeries, skip_percentiles',
    'describeSeries',
    DescribeSeriesRequest.fromPartial({ name, skipPercentiles: true }),
  ],
  [
    'ResampleSeries 1h, mean/min/max/std/p95',
    'resampleSeries',
    ResampleSeriesRequest.fromPartial({
      name,
      interval: { seconds: '3600', nanos: 0 },
      aggregations: [
        Aggregation.AGGREGATION_MEAN,
        Aggregation.AGGREGATION_MIN,
        Aggregation.AGGREGATION_MAX,
        Aggregation.AGGREGATION_STD,
      ],
      percentiles: [95],
    }),
  ],
  [
    'ComputeRollingWindow 60 samples, mean, first page of 10,000',
    'computeRollingWindow',
    ComputeRollingWindowRequest.fromPartial({ name, windowSamples: 60 }),
  ],
  [
    'TransformSeries EWM span 60, first page of 10,000',
    'transformSeries',
    TransformSeriesRequest.fromPartial({
      name,
      transform: TransformKind.TRANSFORM_KIND_EWM_MEAN,
      ewmSpan: 60,
    }),
  ],
  [
    'DetectAnomalies MAD, whole range',
    'detectAnomalies',
    DetectAnomaliesRequest.fromPartial({ name, method: 2 }),
  ],
  [
    'ComputeHistogram, rule auto',
    'computeHistogram',
    ComputeHistogramRequest.fromPartial({ name, binRule: HistogramBinRule.HISTOGRAM_BIN_RULE_AUTO }),
  ],
];
console.log(`${SAMPLES} samples, median of ${ROUNDS} rounds`);
for (const [label, method, request] of cases) {
  const times: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now();
    await call(method, request);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  console.log(`${label}: ${(times[Math.floor(ROUNDS / 2)] as number).toFixed(0)} ms`);
}
client.close();
await app.close();
