export { HealthState, LoadBalancingPolicy, type ServiceInstance } from '../gen/hcs/v1/registry.ts';
export { endpointFromInstance, type RegistryEndpoint, serviceParentOf } from './endpoint.ts';
export { type KeepAliveOptions, type KeptAlive, registerAndKeepAlive } from './keep-alive.ts';
export { type LiveEndpoints, type LiveEndpointsOptions, watchEndpoints } from './live-endpoints.ts';
export {
  createRegistryClient,
  type RegistryClient,
  type RegistryClientOptions,
  type ResolveOptions,
} from './registry-client.ts';
export {
  type ClientPicker,
  type EndpointPicker,
  type EndpointSource,
  type RoundRobinClientsOptions,
  type RoundRobinOptions,
  roundRobin,
  roundRobinClients,
} from './round-robin.ts';
