import type { Metadata } from '@grpc/grpc-js';
import * as assert from 'uvu/assert';
import {
  AggregateSeriesRequest,
  type AnalyticsServiceClient,
  ComputeHistogramRequest,
  ComputeRollingWindowRequest,
  CorrelateSeriesRequest,
  DescribeSeriesRequest,
  DetectAnomaliesRequest,
  ResampleSeriesRequest,
  TransformSeriesRequest,
} from '../../../src/gen/hcs/v1/analytics.ts';
import { unary } from './analytics-client.ts';

/** A unary AnalyticsService method of the generated client, called by name. */
export type ComputeMethod =
  | 'describeSeries'
  | 'resampleSeries'
  | 'computeRollingWindow'
  | 'transformSeries'
  | 'detectAnomalies'
  | 'correlateSeries'
  | 'computeHistogram'
  | 'aggregateSeries';

type Callback = (error: Error | null, response: unknown) => void;

const REQUESTS: Record<ComputeMethod, { fromPartial(partial: never): object }> = {
  describeSeries: DescribeSeriesRequest,
  resampleSeries: ResampleSeriesRequest,
  computeRollingWindow: ComputeRollingWindowRequest,
  transformSeries: TransformSeriesRequest,
  detectAnomalies: DetectAnomaliesRequest,
  correlateSeries: CorrelateSeriesRequest,
  computeHistogram: ComputeHistogramRequest,
  aggregateSeries: AggregateSeriesRequest,
};

/**
 * Calls one computation RPC over gRPC with `request` completed by the message's defaults;
 * resolves its response or rejects with the ServiceError.
 */
export function callGrpc<T>(
  client: AnalyticsServiceClient,
  metadata: Metadata,
  method: ComputeMethod,
  request: object,
): Promise<T> {
  const fn = client[method] as unknown as (req: object, md: Metadata, cb: Callback) => void;
  const message = REQUESTS[method].fromPartial(request as never);
  return unary<T>((cb) => fn.call(client, message, metadata, cb as Callback));
}

/** Query parameters: a list value repeats the parameter, as the gateway expects. */
export type Query = Record<string, string | number | boolean | readonly (string | number)[]>;

/** One REST call: GET with a query, or POST with a JSON body; resolves status and JSON body. */
export async function callRest(
  httpBase: string,
  token: string,
  path: string,
  query: Query = {},
  body?: object,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    for (const item of Array.isArray(value) ? value : [value]) params.append(key, String(item));
  }
  const search = params.size > 0 ? `?${params}` : '';
  const response = await fetch(`${httpBase}${path}${search}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A JSON number as proto3 JSON writes it (int64 and NaN as strings) turned back into a number. */
export function num(value: unknown): number {
  if (value === undefined) return 0;
  return typeof value === 'number' ? value : Number(value as string);
}

/** A JSON list of numbers (possibly strings, "NaN"), absent read as empty. */
export function nums(value: unknown): number[] {
  return ((value as unknown[] | undefined) ?? []).map(num);
}

/**
 * Asserts two numbers agree to `relative` (of max(1, |expected|)); NaN matches NaN, null in a
 * fixture means NaN.
 */
export function close(actual: number, expected: number | null, message: string, relative = 1e-9): void {
  const want = expected === null ? Number.NaN : expected;
  if (!Number.isFinite(want)) {
    assert.ok(
      Object.is(actual, want) || (Number.isNaN(actual) && Number.isNaN(want)),
      `${message}: ${actual} != ${want}`,
    );
    return;
  }
  const tolerance = relative * Math.max(1, Math.abs(want));
  assert.ok(Math.abs(actual - want) <= tolerance, `${message}: ${actual} != ${want} (±${tolerance})`);
}

/** Asserts two columns agree element by element (see {@link close}). */
export function allClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number | null>,
  message: string,
  relative = 1e-9,
): void {
  assert.is(actual.length, expected.length, `${message}: length`);
  for (let i = 0; i < expected.length; i++) {
    close(actual[i] as number, expected[i] as number | null, `${message}[${i}]`, relative);
  }
}

/** Asserts two columns are identical, NaN matching NaN: REST and gRPC must give the same numbers. */
export function identical(actual: ArrayLike<number>, expected: ArrayLike<number>, message: string): void {
  assert.is(actual.length, expected.length, `${message}: length`);
  for (let i = 0; i < expected.length; i++) {
    const same = actual[i] === expected[i] || (Number.isNaN(actual[i]) && Number.isNaN(expected[i]));
    assert.ok(same, `${message}[${i}]: ${actual[i]} !== ${expected[i]}`);
  }
}
