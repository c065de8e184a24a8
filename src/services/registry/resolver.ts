import { randomInt } from 'node:crypto';
import { httpUrlOf, type InstanceView } from './instance-view.ts';
import type { RegistryView } from './registry-view.ts';

/** How Resolve orders healthy instances. */
export type LoadBalancing = 'round_robin' | 'random' | 'least_recently_used';

/** One healthy HTTP endpoint of a service, for the HTTP proxy. */
export interface HttpEndpoint {
  /** Full resource name, `services/{service}/instances/{instance}`. */
  instance: string;
  /** `http://host:port` (IPv6 in brackets). */
  url: string;
  /** The instance's metadata says `hcs.proxy.forward-credentials` = `"true"`. */
  forwardCredentials: boolean;
}

/** Metadata key by which an instance opts in to the caller's Authorization header and cookies. */
export const FORWARD_CREDENTIALS_KEY = 'hcs.proxy.forward-credentials';

/** Resolve's reads, all from the in-process view (no I/O). */
export interface Resolver {
  /** Healthy instances of `service` carrying every tag (and in `zone`, when not empty), in `policy` order. */
  resolve(
    service: string,
    request: { policy: LoadBalancing; tags: readonly string[]; zone: string; maxInstances: number },
  ): InstanceView[];
  /**
   * The healthy instances of `service` that have an HTTP address, as the HTTP proxy needs them.
   * Cheap enough to call per proxied request: the array is computed once per change of the
   * service and shared (treat it as read-only). Unknown service: an empty array.
   */
  healthyHttpEndpoints(service: string): readonly HttpEndpoint[];
}

/** Creates the resolver over `view`. */
export function createResolver(view: RegistryView): Resolver {
  // Derived per service, keyed by the view's array for it: a change makes the view a new array.
  const healthy = new WeakMap<readonly InstanceView[], readonly InstanceView[]>();
  const endpoints = new WeakMap<readonly InstanceView[], readonly HttpEndpoint[]>();
  const rotation = new Map<string, number>();
  // Hand-out order by a counter, not a clock: two calls in one millisecond stay ordered.
  const lastUsed = new Map<string, number>();
  let handedOut = 0;

  function healthyOf(service: string): readonly InstanceView[] {
    const all = view.instancesOf(service);
    let list = healthy.get(all);
    if (list === undefined) {
      list = all.filter((instance) => instance.healthState === 'healthy' && !instance.leaseExpired);
      list = [...list].sort((a, b) => (a.name < b.name ? -1 : 1));
      healthy.set(all, list);
    }
    return list;
  }

  return {
    resolve(service, request) {
      const candidates = healthyOf(service).filter(
        (instance) =>
          (request.zone === '' || instance.zone === request.zone) &&
          request.tags.every((tag) => instance.tags.includes(tag)),
      );
      const ordered = order(candidates, request.policy, service);
      return request.maxInstances > 0 ? ordered.slice(0, request.maxInstances) : ordered;
    },
    healthyHttpEndpoints(service) {
      const all = view.instancesOf(service);
      let list = endpoints.get(all);
      if (list === undefined) {
        list = healthyOf(service).flatMap((instance) =>
          instance.httpAddress === undefined
            ? []
            : [
                {
                  instance: instance.name,
                  url: httpUrlOf(instance.httpAddress),
                  forwardCredentials: instance.metadata[FORWARD_CREDENTIALS_KEY] === 'true',
                },
              ],
        );
        endpoints.set(all, list);
      }
      return list;
    },
  };

  function order(list: InstanceView[], policy: LoadBalancing, service: string): InstanceView[] {
    if (list.length < 2) {
      if (policy === 'least_recently_used' && list[0] !== undefined) lastUsed.set(list[0].name, ++handedOut);
      return list;
    }
    if (policy === 'random') {
      for (let i = list.length - 1; i > 0; i--) {
        const j = randomInt(i + 1);
        [list[i], list[j]] = [list[j] as InstanceView, list[i] as InstanceView];
      }
      return list;
    }
    if (policy === 'least_recently_used') {
      list.sort((a, b) => (lastUsed.get(a.name) ?? 0) - (lastUsed.get(b.name) ?? 0));
      lastUsed.set((list[0] as InstanceView).name, ++handedOut);
      if (lastUsed.size > 100_000) lastUsed.clear();
      return list;
    }
    const turn = rotation.get(service) ?? 0;
    rotation.set(service, (turn + 1) % 1_000_000_007);
    const start = turn % list.length;
    return [...list.slice(start), ...list.slice(0, start)];
  }
}
