import { invalidField } from '../../platform/errors/index.ts';
import type { StoredHealthCheck } from './instance.entity.ts';
import type { HealthCheckInput } from './instance-input.ts';
import { hasControlCharacter } from './instance-rules.ts';
import { RegistryReason } from './reasons.ts';

const DEFAULT_INTERVAL_MS = 10_000;
const DEFAULT_TIMEOUT_MS = 2_000;
const MAX_INTERVAL_MS = 3_600_000;

/**
 * A health check with its defaults filled in, or INVALID_ARGUMENT `INVALID_HEALTH_CHECK`
 * naming the field: a target is required and must fit the addresses the instance has,
 * `interval` is `[minIntervalMs, 1 h]`, `timeout` at most `interval`, thresholds 1 to 10.
 */
export function healthCheckOf(
  input: HealthCheckInput,
  addresses: { grpc: boolean; http: boolean },
  minIntervalMs: number,
): StoredHealthCheck {
  const field = 'instance.health_check';
  const kind = input.kind;
  if (kind === undefined) refuse(field, `${field} needs http or grpc`);
  if (kind === 'http') {
    if (!addresses.http) refuse(`${field}.http`, `${field}.http needs instance.http_address`);
    const path = input.target === '' ? '/' : input.target;
    if (!path.startsWith('/') || path.length > 1024 || /\s/.test(path) || hasControlCharacter(path)) {
      refuse(
        `${field}.http.path`,
        `${field}.http.path must start with "/", at most 1024 characters, no spaces`,
      );
    }
    input = { ...input, target: path };
  } else {
    if (!addresses.grpc) refuse(`${field}.grpc`, `${field}.grpc needs instance.grpc_address`);
    if (input.target.length > 256 || /\s/.test(input.target) || hasControlCharacter(input.target)) {
      refuse(`${field}.grpc.service`, `${field}.grpc.service is at most 256 characters without spaces`);
    }
  }
  const intervalMs = input.intervalMs ?? Math.max(DEFAULT_INTERVAL_MS, minIntervalMs);
  if (!Number.isFinite(intervalMs) || intervalMs < minIntervalMs || intervalMs > MAX_INTERVAL_MS) {
    refuse(`${field}.interval`, `${field}.interval must be between ${minIntervalMs / 1000}s and 1h`);
  }
  const timeoutMs = input.timeoutMs ?? Math.min(DEFAULT_TIMEOUT_MS, intervalMs);
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0 || timeoutMs > intervalMs) {
    refuse(`${field}.timeout`, `${field}.timeout must be positive and at most the interval`);
  }
  return {
    kind,
    target: input.target,
    intervalMs: Math.trunc(intervalMs),
    timeoutMs: Math.max(1, Math.trunc(timeoutMs)),
    healthyThreshold: thresholdOf(input.healthyThreshold, 2, `${field}.healthy_threshold`),
    unhealthyThreshold: thresholdOf(input.unhealthyThreshold, 3, `${field}.unhealthy_threshold`),
  };
}

function thresholdOf(value: number, fallback: number, field: string): number {
  if (value === 0) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > 10) refuse(field, `${field} must be 1 to 10`);
  return value;
}

function refuse(field: string, message: string): never {
  throw invalidField(RegistryReason.INVALID_HEALTH_CHECK, field, message);
}
