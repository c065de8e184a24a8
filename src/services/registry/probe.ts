import { Client, credentials, Metadata } from '@grpc/grpc-js';
import {
  HealthCheckRequest,
  HealthCheckResponse,
  HealthCheckResponse_ServingStatus,
} from '../../gen/grpc/health/v1/health.ts';
import type { StoredHealthCheck } from './instance.entity.ts';
import { type Address, httpUrlOf } from './instance-view.ts';

/** The outcome of one active check. */
export interface ProbeResult {
  ok: boolean;
  /** Why it failed, for the health reason; `''` when it passed. */
  detail: string;
}

const CHECK_PATH = '/grpc.health.v1.Health/Check';

/**
 * Runs one active check: an HTTP GET whose answer must be 2xx (redirects are not followed), or
 * grpc.health.v1 Check whose answer must be SERVING, each within the check's timeout.
 */
export function probe(check: StoredHealthCheck, address: Address): Promise<ProbeResult> {
  return check.kind === 'http' ? probeHttp(check, address) : probeGrpc(check, address);
}

async function probeHttp(check: StoredHealthCheck, address: Address): Promise<ProbeResult> {
  try {
    const response = await fetch(httpUrlOf(address) + check.target, {
      redirect: 'manual',
      signal: AbortSignal.timeout(check.timeoutMs),
    });
    await response.body?.cancel();
    return response.status >= 200 && response.status < 300
      ? { ok: true, detail: '' }
      : { ok: false, detail: `HTTP status ${response.status}` };
  } catch (error) {
    return { ok: false, detail: failureOf(error, check.timeoutMs) };
  }
}

function probeGrpc(check: StoredHealthCheck, address: Address): Promise<ProbeResult> {
  const host = address.host.includes(':') ? `[${address.host}]` : address.host;
  const client = new Client(`${host}:${address.port}`, credentials.createInsecure());
  return new Promise<ProbeResult>((resolve) => {
    client.makeUnaryRequest(
      CHECK_PATH,
      (request: HealthCheckRequest) => Buffer.from(HealthCheckRequest.encode(request).finish()),
      (bytes: Buffer) => HealthCheckResponse.decode(bytes),
      { service: check.target },
      new Metadata(),
      { deadline: Date.now() + check.timeoutMs },
      (error, response) => {
        if (error) resolve({ ok: false, detail: `gRPC health check: ${error.details || error.message}` });
        else if (response?.status === HealthCheckResponse_ServingStatus.SERVING)
          resolve({ ok: true, detail: '' });
        else
          resolve({
            ok: false,
            detail: `gRPC health status ${HealthCheckResponse_ServingStatus[response?.status ?? 0]}`,
          });
      },
    );
  }).finally(() => client.close());
}

function failureOf(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `no answer within ${timeoutMs} ms`;
  }
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
  return `HTTP request failed: ${cause}`;
}
