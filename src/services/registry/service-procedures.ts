import { LoadBalancingPolicy, type RegistryServiceService } from '../../gen/hcs/v1/registry.ts';
import { invalidField } from '../../platform/errors/index.ts';
import type { ServiceImplementation } from '../../transport/rpc/index.ts';
import { instanceToMessage, serviceToMessage } from './instance-message.ts';
import type { InstanceQueries } from './instance-queries.ts';
import { serviceFromName } from './instance-rules.ts';
import { RegistryReason } from './reasons.ts';
import type { LoadBalancing, Resolver } from './resolver.ts';

/** The service-level RPCs of RegistryService. */
export type ServiceProcedures = Pick<
  ServiceImplementation<typeof RegistryServiceService>,
  'getService' | 'listServices' | 'resolveService'
>;

const POLICIES = new Map<LoadBalancingPolicy, LoadBalancing>([
  [LoadBalancingPolicy.LOAD_BALANCING_POLICY_UNSPECIFIED, 'round_robin'],
  [LoadBalancingPolicy.LOAD_BALANCING_POLICY_ROUND_ROBIN, 'round_robin'],
  [LoadBalancingPolicy.LOAD_BALANCING_POLICY_RANDOM, 'random'],
  [LoadBalancingPolicy.LOAD_BALANCING_POLICY_LEAST_RECENTLY_USED, 'least_recently_used'],
]);
/** What ResolveService tells callers they may cache an answer for. */
const RESOLVE_CACHE_TTL = { seconds: '5', nanos: 0 };

/** Maps the service RPCs onto the queries and the resolver. */
export function serviceProcedures(queries: InstanceQueries, resolver: Resolver): ServiceProcedures {
  return {
    async getService(request) {
      return { service: serviceToMessage(await queries.getService(serviceFromName(request.name, 'name'))) };
    },
    async listServices(request) {
      const page = await queries.listServices({ pageSize: request.pageSize, pageToken: request.pageToken });
      return { services: page.items.map(serviceToMessage), nextPageToken: page.nextPageToken };
    },
    async resolveService(request) {
      const service = serviceFromName(request.name, 'name');
      const policy = POLICIES.get(request.loadBalancingPolicy);
      if (policy === undefined) {
        throw invalidField(
          RegistryReason.INVALID_LOAD_BALANCING_POLICY,
          'load_balancing_policy',
          'load_balancing_policy is not one this server knows',
        );
      }
      if (request.maxInstances < 0) {
        throw invalidField(
          RegistryReason.INVALID_INSTANCE_FIELD,
          'max_instances',
          'max_instances must be 0 (all) or positive',
        );
      }
      const instances = resolver.resolve(service, {
        policy,
        tags: request.tags,
        zone: request.zone,
        maxInstances: request.maxInstances,
      });
      return {
        instances: instances.map((instance) => instanceToMessage(instance)),
        loadBalancingPolicy:
          policy === 'round_robin'
            ? LoadBalancingPolicy.LOAD_BALANCING_POLICY_ROUND_ROBIN
            : request.loadBalancingPolicy,
        cacheTtl: RESOLVE_CACHE_TTL,
      };
    },
  };
}
