import type { HealthSource, HealthStateName, Instance, StoredHealthCheck } from './instance.entity.ts';

/** A network address of an instance. */
export interface Address {
  host: string;
  port: number;
}

/**
 * An instance as the registry's domain hands it around: plain JSON-safe data (times as epoch
 * milliseconds), the same in the change history, on the bus and in the in-process view.
 * The lease id is not in it: only the registering call ever sees it.
 */
export interface InstanceView {
  name: string;
  service: string;
  instanceId: string;
  owner: string;
  version: string;
  grpcAddress: Address | undefined;
  httpAddress: Address | undefined;
  tags: string[];
  metadata: Record<string, string>;
  zone: string;
  node: string;
  healthState: HealthStateName;
  healthReason: string;
  healthSource: HealthSource;
  healthCheck: StoredHealthCheck | undefined;
  leaseTtlMs: number;
  leaseExpireTime: number;
  leaseExpired: boolean;
  renewTime: number;
  createTime: number;
  updateTime: number;
}

/** The view of a stored row. */
export function instanceToView(row: Instance): InstanceView {
  return {
    name: row.name,
    service: row.service,
    instanceId: row.instanceId,
    owner: row.owner,
    version: row.version,
    grpcAddress: row.grpcPort === 0 ? undefined : { host: row.grpcHost, port: row.grpcPort },
    httpAddress: row.httpPort === 0 ? undefined : { host: row.httpHost, port: row.httpPort },
    tags: [...row.tags],
    metadata: { ...row.metadata },
    zone: row.zone,
    node: row.node,
    healthState: row.healthState,
    healthReason: row.healthReason,
    healthSource: row.healthSource,
    healthCheck: row.healthCheck ?? undefined,
    leaseTtlMs: row.leaseTtlMs,
    leaseExpireTime: row.leaseExpireTime.getTime(),
    leaseExpired: row.leaseExpiredTime != null,
    renewTime: row.renewTime.getTime(),
    createTime: row.createTime.getTime(),
    updateTime: row.updateTime.getTime(),
  };
}

/** `http://host:port` of an address, with an IPv6 literal in brackets. */
export function httpUrlOf(address: Address): string {
  const host = address.host.includes(':') ? `[${address.host}]` : address.host;
  return `http://${host}:${address.port}`;
}
