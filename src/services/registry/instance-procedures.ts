import {
  InstanceView as InstanceViewMessage,
  type RegistryServiceService,
} from '../../gen/hcs/v1/registry.ts';
import { invalidField } from '../../platform/errors/index.ts';
import type { CallContext, ServiceImplementation } from '../../transport/rpc/index.ts';
import { ListReason } from '../common/index.ts';
import type { Caller } from './instance-input.ts';
import {
  durationToMs,
  instanceToMessage,
  newInstanceFromMessage,
  requiredHealthState,
} from './instance-message.ts';
import type { InstanceQueries } from './instance-queries.ts';
import { serviceFromName } from './instance-rules.ts';
import type { Instances } from './instances.ts';
import { RegistryReason } from './reasons.ts';

/** The instance RPCs of RegistryService. */
export type InstanceProcedures = Pick<
  ServiceImplementation<typeof RegistryServiceService>,
  | 'registerInstance'
  | 'renewLease'
  | 'deregisterInstance'
  | 'setInstanceHealth'
  | 'getInstance'
  | 'listInstances'
>;

/** The caller of a call, for ownership checks. */
export function callerOf(ctx: CallContext): Caller {
  return { subject: ctx.principal.subject, isAdmin: ctx.principal.roles.includes('admin') };
}

/** The service a list or watch `parent` selects; undefined for every service (`services/-` or empty). */
export function serviceOfParent(parent: string): string | undefined {
  return parent === '' || parent === 'services/-' ? undefined : serviceFromName(parent, 'parent');
}

/** Maps the instance RPCs onto {@link Instances} and {@link InstanceQueries}. */
export function instanceProcedures(instances: Instances, queries: InstanceQueries): InstanceProcedures {
  return {
    async registerInstance(request, ctx) {
      const service = serviceFromName(request.parent, 'parent');
      if (request.instance === undefined) {
        throw invalidField(RegistryReason.INVALID_ADDRESS, 'instance', 'instance is required');
      }
      const registered = await instances.register(
        newInstanceFromMessage(service, request.instanceId, request.instance),
        callerOf(ctx),
      );
      return { instance: instanceToMessage(registered.instance), leaseId: registered.leaseId };
    },
    async renewLease(request, ctx) {
      const ttlMs = request.leaseTtl === undefined ? undefined : durationToMs(request.leaseTtl);
      const renewed = await instances.renew(request.name, request.leaseId, ttlMs, callerOf(ctx));
      return { instance: instanceToMessage(renewed) };
    },
    async deregisterInstance(request, ctx) {
      await instances.deregister(request.name, request.allowMissing, callerOf(ctx));
      return {};
    },
    async setInstanceHealth(request, ctx) {
      const state = requiredHealthState(request.healthState, 'health_state');
      const instance = await instances.setHealth(request.name, state, request.healthReason, callerOf(ctx));
      return { instance: instanceToMessage(instance) };
    },
    async getInstance(request) {
      return { instance: instanceToMessage(await instances.get(request.name)) };
    },
    async listInstances(request) {
      if (!['', 'name', 'name asc'].includes(request.orderBy.trim())) {
        throw invalidField(
          ListReason.INVALID_LIST_OPTION,
          'order_by',
          'instances are listed by name only; leave order_by empty or "name"',
        );
      }
      if (!Object.values(InstanceViewMessage).includes(request.view)) {
        throw invalidField(ListReason.INVALID_LIST_OPTION, 'view', 'view must be BASIC or FULL');
      }
      const page = await queries.listInstances({
        service: serviceOfParent(request.parent),
        filter: request.filter,
        pageSize: request.pageSize,
        pageToken: request.pageToken,
      });
      const view = request.view === InstanceViewMessage.INSTANCE_VIEW_FULL ? 'full' : 'basic';
      return {
        instances: page.items.map((item) => instanceToMessage(item, view)),
        nextPageToken: page.nextPageToken,
      };
    },
  };
}
