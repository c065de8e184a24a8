import type { HealthStateName, StoredHealthCheck } from './instance.entity.ts';
import type { Address } from './instance-view.ts';

/** What RegisterInstance asks for, already in domain terms; the registry validates it. */
export interface NewInstance {
  service: string;
  /** Empty: the server picks a random id. */
  instanceId: string;
  version: string;
  grpcAddress: Address | undefined;
  httpAddress: Address | undefined;
  tags: readonly string[];
  metadata: Readonly<Record<string, string>>;
  zone: string;
  node: string;
  /** Undefined: healthy. */
  healthState: HealthStateName | undefined;
  healthReason: string;
  /** Undefined: the default lease. */
  leaseTtlMs: number | undefined;
  healthCheck: HealthCheckInput | undefined;
}

/** An active health check as asked for; unset numbers take their defaults. */
export interface HealthCheckInput {
  kind: StoredHealthCheck['kind'] | undefined;
  target: string;
  intervalMs: number | undefined;
  timeoutMs: number | undefined;
  /** 0: the default. */
  healthyThreshold: number;
  /** 0: the default. */
  unhealthyThreshold: number;
}

/** Who calls: its subject, and whether it may act on every instance. */
export interface Caller {
  subject: string;
  isAdmin: boolean;
}
