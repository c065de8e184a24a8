export { REGISTRY_ENTITIES } from './entities.ts';
export { RegistryReason } from './reasons.ts';
export {
  createRegistryService,
  type RegistryService,
  type RegistryServiceOptions,
  registryService,
  registryServiceWith,
} from './registry-service.ts';
export type { HttpEndpoint } from './resolver.ts';
export { FORWARD_CREDENTIALS_KEY } from './resolver.ts';
