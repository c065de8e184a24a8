import type { EntityManager } from '@mikro-orm/core';
import { type Bus, defineTopic, type Subscription } from '../../platform/bus/index.ts';
import type { Logger } from '../../platform/log/index.ts';
import type { ChangeType, PreviousState } from './change.entity.ts';
import type { ChangeLog, RemovalReason } from './change-log.ts';
import { InstanceSchema } from './instance.entity.ts';
import { type InstanceView, instanceToView } from './instance-view.ts';

/** One applied change, as the view tells its listeners. */
export interface ChangeEvent {
  revision: number;
  type: ChangeType;
  instance: InstanceView;
  previous: PreviousState | undefined;
  reason: string;
  removalReason: RemovalReason;
  time: number;
}

/** Options of {@link createRegistryView}. */
export interface RegistryViewOptions {
  em: () => EntityManager;
  changeLog: ChangeLog;
  bus: Bus;
  logger: Logger;
  /** How often the history is read even without a bus notice (the bus may drop one). Default 1000 ms. */
  pollIntervalMs?: number;
}

/**
 * Every replica's in-process copy of the registry, kept current from the change history: what
 * Resolve, the proxy's endpoint lookup and watch snapshots read, so none of them queries the
 * database. A write on any replica publishes a notice on the bus; each replica then reads the
 * changes after the last revision it applied, in order, and tells its listeners.
 */
export interface RegistryView {
  /** The revision of the last applied change. */
  revision(): number;
  /** Every instance as of {@link revision}. */
  instances(): IterableIterator<InstanceView>;
  /** The instances of one service; the same array until that service changes. */
  instancesOf(service: string): readonly InstanceView[];
  /** Calls `listener` synchronously for each change applied from now on; returns the unsubscribe. */
  subscribe(listener: (event: ChangeEvent) => void): () => void;
  /** How many listeners are subscribed now. */
  subscriberCount(): number;
  /** Applies every change committed so far (after a local write, before answering it). */
  catchUp(): Promise<void>;
  /** Catches up and tells the other replicas that changes were committed. */
  changed(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

const CHANGED_TOPIC = defineTopic<{ revision: number }>('registry.changed');
const BATCH = 500;

/** Creates the view; it is empty until {@link RegistryView.start}. */
export function createRegistryView(options: RegistryViewOptions): RegistryView {
  const { em, changeLog, bus, logger } = options;
  const byName = new Map<string, InstanceView>();
  const byService = new Map<string, readonly InstanceView[]>();
  const listeners = new Set<(event: ChangeEvent) => void>();
  let applied = 0;
  let running: Promise<void> | undefined;
  let again = false;
  let subscription: Subscription | undefined;
  let timer: NodeJS.Timeout | undefined;

  function apply(event: ChangeEvent): void {
    applied = event.revision;
    if (event.type === 'removed') byName.delete(event.instance.name);
    else byName.set(event.instance.name, event.instance);
    byService.delete(event.instance.service);
    for (const listener of listeners) listener(event);
  }

  async function readNewChanges(): Promise<void> {
    for (;;) {
      const changes = await changeLog.readAfter(applied, BATCH);
      for (const change of changes) {
        apply({
          revision: change.revision,
          type: change.type,
          instance: change.instance,
          previous: change.previous ?? undefined,
          reason: change.reason,
          removalReason: change.removalReason as RemovalReason,
          time: change.time.getTime(),
        });
      }
      if (changes.length < BATCH) return;
    }
  }

  // One reader at a time; a request while it runs makes it read once more, so none is lost.
  function catchUp(): Promise<void> {
    if (running !== undefined) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await readNewChanges();
        } while (again);
      } finally {
        running = undefined;
      }
    })();
    return running;
  }

  return {
    revision: () => applied,
    instances: () => byName.values(),
    instancesOf(service) {
      let list = byService.get(service);
      if (list === undefined) {
        list = [...byName.values()].filter((instance) => instance.service === service);
        byService.set(service, list);
      }
      return list;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    subscriberCount: () => listeners.size,
    catchUp,
    async changed() {
      await catchUp();
      await bus.publish(CHANGED_TOPIC, { revision: applied }).catch((error: unknown) => {
        logger.warn({ err: error }, 'registry change notice not published; other replicas poll for it');
      });
    },
    async start() {
      // The revision first: changes committed while the rows load are read again, harmlessly,
      // as each change carries the instance's whole state.
      applied = (await changeLog.bounds()).newest;
      for (const row of await em().find(InstanceSchema, {})) byName.set(row.name, instanceToView(row));
      subscription = await bus.subscribe(CHANGED_TOPIC, (notice) => {
        if (notice.revision > applied) void catchUp().catch(reportPollError);
      });
      await catchUp();
      timer = setInterval(() => void catchUp().catch(reportPollError), options.pollIntervalMs ?? 1000);
      timer.unref();
    },
    async close() {
      clearInterval(timer);
      await subscription?.unsubscribe();
      await running?.catch(() => undefined);
    },
  };

  function reportPollError(error: unknown): void {
    logger.warn({ err: error }, 'registry view could not read the change history; retrying');
  }
}
