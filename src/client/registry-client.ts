import {
  type ChannelCredentials,
  type ClientOptions,
  type ClientReadableStream,
  credentials as grpcCredentials,
  InterceptingCall,
  type Interceptor,
  type ServiceError,
} from '@grpc/grpc-js';
import {
  type DeepPartial,
  DeregisterInstanceRequest,
  type LoadBalancingPolicy,
  RegisterInstanceRequest,
  type RegisterInstanceResponse,
  RegistryServiceClient,
  RenewLeaseRequest,
  type RenewLeaseResponse,
  ResolveServiceRequest,
  type ResolveServiceResponse,
  SetInstanceHealthRequest,
  type SetInstanceHealthResponse,
  WatchInstancesRequest,
  type WatchInstancesResponse,
} from '../gen/hcs/v1/registry.ts';
import { endpointFromInstance, type RegistryEndpoint, serviceParentOf } from './endpoint.ts';

/** Options of {@link createRegistryClient}. */
export interface RegistryClientOptions {
  /** The hcs gRPC address, `host:port` (any grpc-js target). */
  target: string;
  /** Channel credentials. Default plaintext (`credentials.createInsecure()`), as `hcs serve` listens. */
  credentials?: ChannelCredentials;
  /**
   * A bearer access token sent as `authorization: Bearer …` on every call, or a function read
   * on every call (so a refreshed token is picked up without a new client).
   */
  token?: string | (() => string);
  /** An API key sent as `x-api-key` on every call; the usual credential of a service. */
  apiKey?: string;
  /** grpc-js channel options, e.g. `grpc.max_reconnect_backoff_ms`. */
  channelOptions?: Partial<ClientOptions>;
}

/** How {@link RegistryClient.resolve} narrows and orders the answer. */
export interface ResolveOptions {
  /** Only instances carrying every tag. Default none. */
  tags?: string[];
  /** Only instances in this zone. Default any. */
  zone?: string;
  /** At most this many (0: all). Default 0. */
  maxInstances?: number;
  /** Default round robin (the server rotates the order per call). */
  loadBalancingPolicy?: LoadBalancingPolicy;
}

/** `hcs.v1.RegistryService` for a TypeScript consumer, with promise-returning calls. */
export interface RegistryClient {
  /** The generated grpc-js client underneath, with the credentials attached, for any other call. */
  readonly grpc: RegistryServiceClient;
  /** The healthy instances of `service` (`billing` or `services/billing`), most preferred first. */
  resolve(service: string, options?: ResolveOptions): Promise<RegistryEndpoint[]>;
  register(request: DeepPartial<RegisterInstanceRequest>): Promise<RegisterInstanceResponse>;
  renewLease(request: DeepPartial<RenewLeaseRequest>): Promise<RenewLeaseResponse>;
  deregister(request: DeepPartial<DeregisterInstanceRequest>): Promise<void>;
  /** Sets an instance's health, e.g. DRAINING before a graceful shutdown. */
  setHealth(request: DeepPartial<SetInstanceHealthRequest>): Promise<SetInstanceHealthResponse>;
  /** Opens a raw watch stream; {@link watchEndpoints} keeps a list current on top of it. */
  watch(request: DeepPartial<WatchInstancesRequest>): ClientReadableStream<WatchInstancesResponse>;
  /** Closes the channel; calls in flight fail with CANCELLED. */
  close(): void;
}

/**
 * Creates a registry client. Failed calls reject with the grpc-js `ServiceError` (its `code` and
 * `details` as the server sent them), so a caller may branch on `status.NOT_FOUND` and the like.
 */
export function createRegistryClient(options: RegistryClientOptions): RegistryClient {
  const interceptors: Interceptor[] = [credentialsInterceptor(options.token, options.apiKey)];
  const grpc = new RegistryServiceClient(
    options.target,
    options.credentials ?? grpcCredentials.createInsecure(),
    {
      ...options.channelOptions,
      interceptors: [...interceptors, ...(options.channelOptions?.interceptors ?? [])],
    },
  );
  return {
    grpc,
    async resolve(service, resolveOptions = {}) {
      const request = ResolveServiceRequest.fromPartial({
        name: serviceParentOf(service),
        ...resolveOptions,
      });
      const response = await unary<ResolveServiceResponse>((done) => grpc.resolveService(request, done));
      return response.instances.map(endpointFromInstance);
    },
    register: (request) =>
      unary((done) => grpc.registerInstance(RegisterInstanceRequest.fromPartial(request), done)),
    renewLease: (request) => unary((done) => grpc.renewLease(RenewLeaseRequest.fromPartial(request), done)),
    async deregister(request) {
      await unary((done) => grpc.deregisterInstance(DeregisterInstanceRequest.fromPartial(request), done));
    },
    setHealth: (request) =>
      unary((done) => grpc.setInstanceHealth(SetInstanceHealthRequest.fromPartial(request), done)),
    watch: (request) => grpc.watchInstances(WatchInstancesRequest.fromPartial(request)),
    close: () => grpc.close(),
  };
}

function unary<T>(start: (done: (error: ServiceError | null, response: T) => void) => unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    start((error, response) => (error === null ? resolve(response) : reject(error)));
  });
}

// Metadata per call from an interceptor: grpc-js refuses call credentials on a plaintext channel.
function credentialsInterceptor(
  token: RegistryClientOptions['token'],
  apiKey: string | undefined,
): Interceptor {
  return function withCredentials(options, nextCall) {
    return new InterceptingCall(nextCall(options), {
      start(metadata, listener, next) {
        const bearer = typeof token === 'function' ? token() : token;
        if (bearer !== undefined && bearer !== '') metadata.set('authorization', `Bearer ${bearer}`);
        if (apiKey !== undefined && apiKey !== '') metadata.set('x-api-key', apiKey);
        next(metadata, listener);
      },
    });
  };
}
