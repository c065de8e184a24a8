import type { RegistryEndpoint } from './endpoint.ts';

/** Where endpoints come from: a live list ({@link watchEndpoints}) or any function returning the current ones. */
export type EndpointSource = { current(): readonly RegistryEndpoint[] } | (() => readonly RegistryEndpoint[]);

/** Options of {@link roundRobin}. */
export interface RoundRobinOptions {
  /** `grpc` hands out `host:port` targets for grpc-js; `http` hands out `http://host:port` base URLs. */
  address: 'grpc' | 'http';
}

/** Hands out one endpoint address after another. */
export interface EndpointPicker {
  /**
   * The next address, in turn over the source's current endpoints that have one of the kind
   * asked for; undefined while there is none (the caller decides whether to wait or fail).
   */
  next(): string | undefined;
}

/**
 * Round robin over a source that may change between calls: each call reads the current list,
 * so an endpoint that left is never handed out and a new one gets its turn at once.
 */
export function roundRobin(source: EndpointSource, options: RoundRobinOptions): EndpointPicker {
  const read = typeof source === 'function' ? source : () => source.current();
  let turn = 0;
  return {
    next() {
      const addresses = read().flatMap((endpoint) => {
        const address = options.address === 'grpc' ? endpoint.grpcTarget : endpoint.httpBaseUrl;
        return address === undefined ? [] : [address];
      });
      if (addresses.length === 0) return undefined;
      const address = addresses[turn % addresses.length];
      turn = (turn + 1) % Number.MAX_SAFE_INTEGER;
      return address;
    },
  };
}

/** Options of {@link roundRobinClients}. */
export interface RoundRobinClientsOptions<C extends { close(): void }> {
  /** Builds the grpc-js client of one target, e.g. `(target) => new EchoClient(target, credentials.createInsecure())`. */
  create: (target: string) => C;
}

/** grpc-js clients of a service's instances, handed out in turn. */
export interface ClientPicker<C> {
  /** The next instance's client (made on first use, then kept); undefined while no instance has a gRPC address. */
  next(): C | undefined;
  /** Closes every client made. */
  close(): void;
}

/**
 * One grpc-js client (one channel) per instance, picked round robin: a call goes to a chosen
 * instance rather than wherever one channel's own balancing sends it. A client whose instance
 * left the source is closed the next time one is picked.
 */
export function roundRobinClients<C extends { close(): void }>(
  source: EndpointSource,
  options: RoundRobinClientsOptions<C>,
): ClientPicker<C> {
  const picker = roundRobin(source, { address: 'grpc' });
  const read = typeof source === 'function' ? source : () => source.current();
  const clients = new Map<string, C>();
  return {
    next() {
      const target = picker.next();
      if (clients.size > 0) {
        const live = new Set(read().map((endpoint) => endpoint.grpcTarget));
        for (const [known, client] of clients) {
          if (!live.has(known)) {
            client.close();
            clients.delete(known);
          }
        }
      }
      if (target === undefined) return undefined;
      let client = clients.get(target);
      if (client === undefined) {
        client = options.create(target);
        clients.set(target, client);
      }
      return client;
    },
    close() {
      for (const client of clients.values()) client.close();
      clients.clear();
    },
  };
}
