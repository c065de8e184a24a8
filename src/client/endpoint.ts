import type { InstanceAddress, ServiceInstance } from '../gen/hcs/v1/registry.ts';

/** One registered instance as a caller connects to it. */
export interface RegistryEndpoint {
  /** `services/{service}/instances/{instance}`. */
  readonly name: string;
  readonly instanceId: string;
  /** `host:port` to hand a grpc-js client (an IPv6 host in brackets); undefined without a gRPC address. */
  readonly grpcTarget: string | undefined;
  /** `http://host:port` (an IPv6 host in brackets); undefined without an HTTP address. */
  readonly httpBaseUrl: string | undefined;
  /** The instance as the registry last reported it (tags, metadata, zone, health…). */
  readonly instance: ServiceInstance;
}

/** The endpoint of an instance message. */
export function endpointFromInstance(instance: ServiceInstance): RegistryEndpoint {
  const grpcTarget = hostPortOf(instance.grpcAddress);
  const httpHostPort = hostPortOf(instance.httpAddress);
  return {
    name: instance.name,
    instanceId: instance.instanceId,
    grpcTarget,
    httpBaseUrl: httpHostPort === undefined ? undefined : `http://${httpHostPort}`,
    instance,
  };
}

/**
 * `services/{service}` for a bare service name; a name that already starts with `services/` is
 * kept, so callers may pass either.
 */
export function serviceParentOf(service: string): string {
  return service.startsWith('services/') ? service : `services/${service}`;
}

function hostPortOf(address: InstanceAddress | undefined): string | undefined {
  if (address === undefined || address.port === 0) return undefined;
  const host = address.host.includes(':') ? `[${address.host}]` : address.host;
  return `${host}:${address.port}`;
}
