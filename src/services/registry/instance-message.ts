import type { Duration } from '../../gen/google/protobuf/duration.ts';
import {
  type HealthCheck,
  HealthState,
  type InstanceAddress,
  type ServiceInstance,
  type Service as ServiceMessage,
} from '../../gen/hcs/v1/registry.ts';
import { invalidField } from '../../platform/errors/index.ts';
import type { HealthStateName, StoredHealthCheck } from './instance.entity.ts';
import type { HealthCheckInput, NewInstance } from './instance-input.ts';
import type { ServiceSummary } from './instance-queries.ts';
import type { Address, InstanceView } from './instance-view.ts';
import { RegistryReason } from './reasons.ts';

const STATE_TO_MESSAGE: Record<HealthStateName, HealthState> = {
  healthy: HealthState.HEALTH_STATE_HEALTHY,
  unhealthy: HealthState.HEALTH_STATE_UNHEALTHY,
  draining: HealthState.HEALTH_STATE_DRAINING,
};

/** The domain health state of a proto one; UNSPECIFIED and unknown numbers are undefined. */
export function healthStateFromMessage(state: HealthState): HealthStateName | undefined {
  const found = Object.entries(STATE_TO_MESSAGE).find(([, value]) => value === state);
  return found?.[0] as HealthStateName | undefined;
}

/** Like {@link healthStateFromMessage}, but INVALID_ARGUMENT naming `field` for UNSPECIFIED or unknown. */
export function requiredHealthState(state: HealthState, field: string): HealthStateName {
  const name = healthStateFromMessage(state);
  if (name === undefined) {
    throw invalidField(
      RegistryReason.INVALID_HEALTH_STATE,
      field,
      `${field} must be HEALTHY, UNHEALTHY or DRAINING`,
    );
  }
  return name;
}

/** Milliseconds of a Duration; a value too large for a double becomes Infinity, refused as out of range. */
export function durationToMs(duration: Duration): number {
  return Number(duration.seconds) * 1000 + Math.trunc(duration.nanos / 1e6);
}

function msToDuration(ms: number): Duration {
  return { seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1e6 };
}

function addressOf(message: InstanceAddress | undefined): Address | undefined {
  return message === undefined ? undefined : { host: message.host, port: message.port };
}

/** The registration a RegisterInstance request asks for. */
export function newInstanceFromMessage(
  service: string,
  instanceId: string,
  instance: ServiceInstance,
): NewInstance {
  const check = instance.healthCheck;
  return {
    service,
    instanceId,
    version: instance.version,
    grpcAddress: addressOf(instance.grpcAddress),
    httpAddress: addressOf(instance.httpAddress),
    tags: instance.tags,
    metadata: instance.metadata,
    zone: instance.zone,
    node: instance.node,
    healthState:
      instance.healthState === HealthState.HEALTH_STATE_UNSPECIFIED
        ? undefined
        : requiredHealthState(instance.healthState, 'instance.health_state'),
    healthReason: instance.healthReason,
    leaseTtlMs: instance.leaseTtl === undefined ? undefined : durationToMs(instance.leaseTtl),
    healthCheck: check === undefined ? undefined : healthCheckInputOf(check),
  };
}

function healthCheckInputOf(check: HealthCheck): HealthCheckInput {
  return {
    kind: check.http !== undefined ? 'http' : check.grpc !== undefined ? 'grpc' : undefined,
    target: check.http?.path ?? check.grpc?.service ?? '',
    intervalMs: check.interval === undefined ? undefined : durationToMs(check.interval),
    timeoutMs: check.timeout === undefined ? undefined : durationToMs(check.timeout),
    healthyThreshold: check.healthyThreshold,
    unhealthyThreshold: check.unhealthyThreshold,
  };
}

function healthCheckToMessage(check: StoredHealthCheck): HealthCheck {
  return {
    ...(check.kind === 'http' ? { http: { path: check.target } } : { grpc: { service: check.target } }),
    interval: msToDuration(check.intervalMs),
    timeout: msToDuration(check.timeoutMs),
    healthyThreshold: check.healthyThreshold,
    unhealthyThreshold: check.unhealthyThreshold,
  };
}

/** The proto instance; the BASIC view leaves out `metadata` and `health_check`. */
export function instanceToMessage(instance: InstanceView, view: 'basic' | 'full' = 'full'): ServiceInstance {
  const full = view === 'full';
  return {
    name: instance.name,
    service: instance.service,
    instanceId: instance.instanceId,
    grpcAddress: instance.grpcAddress,
    httpAddress: instance.httpAddress,
    metadata: full ? instance.metadata : {},
    tags: instance.tags,
    healthState: STATE_TO_MESSAGE[instance.healthState],
    healthReason: instance.healthReason,
    version: instance.version,
    zone: instance.zone,
    node: instance.node,
    owner: instance.owner,
    healthCheck:
      full && instance.healthCheck !== undefined ? healthCheckToMessage(instance.healthCheck) : undefined,
    leaseTtl: msToDuration(instance.leaseTtlMs),
    leaseExpireTime: new Date(instance.leaseExpireTime),
    renewTime: new Date(instance.renewTime),
    createTime: new Date(instance.createTime),
    updateTime: new Date(instance.updateTime),
  };
}

/** The proto service summary. */
export function serviceToMessage(summary: ServiceSummary): ServiceMessage {
  return {
    name: `services/${summary.service}`,
    instanceCount: summary.instanceCount,
    healthyInstanceCount: summary.healthyInstanceCount,
    zones: summary.zones,
    versions: summary.versions,
    updateTime: new Date(summary.updateTime),
  };
}
