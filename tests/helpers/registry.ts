import { credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import {
  DeregisterInstanceRequest,
  GetInstanceRequest,
  GetServiceRequest,
  InstanceEventType,
  ListInstancesRequest,
  ListServicesRequest,
  RegisterInstanceRequest,
  type RegisterInstanceResponse,
  RegistryServiceClient,
  RenewLeaseRequest,
  ResolveServiceRequest,
  type ServiceInstance,
  SetInstanceHealthRequest,
  WatchInstancesRequest,
  type WatchInstancesResponse,
} from '../../src/gen/hcs/v1/registry.ts';
import { TEST_CHANNEL_OPTIONS } from './channel-options.ts';
import { statusDetails } from './grpc-client.ts';

/** Settings that make leases, sweeps and checks fast enough for tests. */
export const FAST_REGISTRY_ENV = {
  HCS_REGISTRY_MIN_LEASE_TTL_MS: '200',
  HCS_REGISTRY_MIN_INTERVAL_MS: '100',
  HCS_REGISTRY_SWEEP_INTERVAL_MS: '100',
  HCS_REGISTRY_LEASE_GRACE_MS: '1000',
} as const;

type Unary = (
  request: never,
  metadata: Metadata,
  callback: (error: ServiceError | null, response: never) => void,
) => unknown;

/** A registry client whose every call carries `Bearer token`, with promise-returning methods. */
export function registryClient(target: string, token: string) {
  const client = new RegistryServiceClient(target, credentials.createInsecure(), TEST_CHANNEL_OPTIONS);
  const metadata = () => {
    const m = new Metadata();
    m.set('authorization', `Bearer ${token}`);
    return m;
  };
  function call<Req, Res>(method: keyof RegistryServiceClient, type: { fromPartial(value: never): unknown }) {
    return (request: Req): Promise<Res> =>
      new Promise((resolve, reject) => {
        const message = type.fromPartial(request as never);
        (client[method] as unknown as Unary).call(client, message as never, metadata(), (error, response) =>
          error ? reject(error) : resolve(response as Res),
        );
      });
  }
  return {
    client,
    register: call<Partial<RegisterInstanceRequest>, RegisterInstanceResponse>(
      'registerInstance',
      RegisterInstanceRequest,
    ),
    renew: call<
      { name: string; leaseId: string; leaseTtl?: { seconds: string; nanos: number } },
      { instance: ServiceInstance }
    >('renewLease', RenewLeaseRequest),
    deregister: call<{ name: string; allowMissing?: boolean }, object>(
      'deregisterInstance',
      DeregisterInstanceRequest,
    ),
    setHealth: call<
      { name: string; healthState: number; healthReason?: string },
      { instance: ServiceInstance }
    >('setInstanceHealth', SetInstanceHealthRequest),
    get: call<{ name: string }, { instance: ServiceInstance }>('getInstance', GetInstanceRequest),
    list: call<Record<string, unknown>, { instances: ServiceInstance[]; nextPageToken: string }>(
      'listInstances',
      ListInstancesRequest,
    ),
    listServices: call<
      Record<string, unknown>,
      {
        services: { name: string; instanceCount: number; healthyInstanceCount: number }[];
        nextPageToken: string;
      }
    >('listServices', ListServicesRequest),
    getService: call<
      { name: string },
      { service: { name: string; instanceCount: number; healthyInstanceCount: number; zones: string[] } }
    >('getService', GetServiceRequest),
    resolve: call<Record<string, unknown>, { instances: ServiceInstance[]; loadBalancingPolicy: number }>(
      'resolveService',
      ResolveServiceRequest,
    ),
    /** Opens a watch; events arrive in `events`, the end in `ended`. */
    watch(request: Partial<WatchInstancesRequest>) {
      const events: WatchInstancesResponse[] = [];
      const stream = client.watchInstances(WatchInstancesRequest.fromPartial(request), metadata());
      stream.on('data', (event: WatchInstancesResponse) => events.push(event));
      const ended = new Promise<ServiceError | undefined>((resolve) => {
        stream.on('error', (error: ServiceError) => resolve(error));
        stream.on('end', () => resolve(undefined));
      });
      return {
        events,
        ended,
        cancel: () => stream.cancel(),
        /** Stops reading, as a slow client does; `resume()` reads again. */
        pause: () => stream.pause(),
        resume: () => stream.resume(),
      };
    },
    close: () => client.close(),
  };
}

/** Whether a watch has sent its SYNCED mark. */
export function isSynced(events: readonly WatchInstancesResponse[]): boolean {
  return events.some((e) => e.eventType === InstanceEventType.INSTANCE_EVENT_TYPE_SYNCED);
}

/** A watch's changes as `TYPE instanceId` lines (`ADDED a`, `REMOVED b`), marks left out. */
export function changesOf(events: readonly WatchInstancesResponse[]): string[] {
  return events
    .filter((e) => e.instance !== undefined)
    .map(
      (e) =>
        `${InstanceEventType[e.eventType]?.replace('INSTANCE_EVENT_TYPE_', '')} ${e.instance?.instanceId}`,
    );
}

/** A registration body with one HTTP address. */
export function httpInstance(port: number, extra: Partial<ServiceInstance> = {}): ServiceInstance {
  return { httpAddress: { host: '127.0.0.1', port }, ...extra } as ServiceInstance;
}

/** The reason (ErrorInfo) and the field (BadRequest) of a failed call. */
export function errorFacts(error: unknown) {
  const details = statusDetails(error as ServiceError);
  return {
    code: (error as ServiceError).code,
    reason: details?.errorInfo?.reason,
    field: details?.badRequest?.fieldViolations[0]?.field,
    message: (error as ServiceError).details,
  };
}

/** Resolves once `check` returns a value other than undefined/false, polling until `timeoutMs`. */
export async function eventually<T>(
  check: () => T | Promise<T>,
  what: string,
  timeoutMs = 20_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== null && value !== false) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
