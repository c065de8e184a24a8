import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/** The health states an instance row holds (proto `hcs.v1.HealthState`, lower case). */
export const HEALTH_STATES = ['healthy', 'unhealthy', 'draining'] as const;
/** One of {@link HEALTH_STATES}. */
export type HealthStateName = (typeof HEALTH_STATES)[number];

/** An active health check as stored on its instance (`health_check` column, JSON). */
export interface StoredHealthCheck {
  kind: 'http' | 'grpc';
  /** HTTP: the path to GET; gRPC: the service name asked for. */
  target: string;
  intervalMs: number;
  timeoutMs: number;
  healthyThreshold: number;
  unhealthyThreshold: number;
}

/** Who last decided an instance's health: it or an operator, the lease sweeper, or an active check. */
export const HEALTH_SOURCES = ['client', 'lease', 'check'] as const;
/** One of {@link HEALTH_SOURCES}. */
export type HealthSource = (typeof HEALTH_SOURCES)[number];

/**
 * One registered instance of a service (`registry_instances`), keyed by its resource name
 * `services/{service}/instances/{instance}`. `owner` is the subject that registered it and
 * `leaseId` the current lease, which every renewal must present. `leaseExpiredTime` is set
 * when the sweeper found the lease run out (the instance is then unhealthy, and removed once
 * the grace period after it has passed); a renewal clears it. Addresses with port 0 are absent.
 */
export const InstanceSchema = defineEntity({
  name: 'RegistryInstance',
  tableName: 'registry_instances',
  properties: {
    name: p.string().length(255).primary(),
    service: p.string().length(63).index('registry_instances_service_index'),
    instanceId: p.string().length(128),
    owner: p.string().length(255),
    leaseId: p.string().length(64),
    version: p.string().length(64).default(''),
    grpcHost: p.string().length(253).default(''),
    grpcPort: p.integer().default(0),
    httpHost: p.string().length(253).default(''),
    httpPort: p.integer().default(0),
    tags: p.json<string[]>(),
    metadata: p.json<Record<string, string>>(),
    zone: p.string().length(63).default(''),
    node: p.string().length(63).default(''),
    healthState: p.enum(HEALTH_STATES),
    healthReason: p.string().length(1024).default(''),
    healthSource: p.enum(HEALTH_SOURCES),
    healthCheck: p.json<StoredHealthCheck>().nullable(),
    leaseTtlMs: p.integer(),
    leaseExpireTime: p.datetime(3).index('registry_instances_lease_expire_time_index'),
    leaseExpiredTime: p.datetime(3).nullable(),
    renewTime: p.datetime(3),
    createTime: p.datetime(3),
    updateTime: p.datetime(3),
  },
});

/** A registered instance row. */
export type Instance = InferEntity<typeof InstanceSchema>;
