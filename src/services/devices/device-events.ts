import { randomBytes } from 'node:crypto';
import type { DeviceInfo } from '../../hardware/index.ts';
import { type Bus, defineTopic, type Subscription } from '../../platform/bus/index.ts';
import { AppError, Code, invalidField } from '../../platform/errors/index.ts';
import type { Logger } from '../../platform/log/index.ts';
import type { Execution } from './command-execution.entity.ts';
import { DeviceReason } from './reasons.ts';
import type { StoredReading } from './typed-value.ts';

/** The kinds of device events (proto `hcs.v1.DeviceEventType`, lower case). */
export type DeviceEventKind =
  | 'readings'
  | 'state_changed'
  | 'attached'
  | 'detached'
  | 'command_completed'
  | 'command_state_changed';

/** A state change as events carry it. */
export interface StateChange {
  adminState: 'locked' | 'unlocked';
  previousAdminState: 'locked' | 'unlocked';
  operatingState: 'up' | 'down' | 'unknown';
  previousOperatingState: 'up' | 'down' | 'unknown';
  reason: string;
}

/** One device event as it travels between replicas (JSON on the bus). */
export interface DeviceEvent {
  /** ISO 8601 instant. */
  time: string;
  kind: DeviceEventKind;
  /** Device id; `''` for hardware that is not registered. */
  device: string;
  /** The device's labels when the event happened, for label filters. */
  labels: Record<string, string>;
  readings?: StoredReading[];
  stateChange?: StateChange;
  hardware?: { adapter: string; info: DeviceInfo };
  execution?: Execution;
}

/** What a stream wants. */
export interface EventFilter {
  devices: ReadonlySet<string>;
  kinds: ReadonlySet<DeviceEventKind>;
  resources: ReadonlySet<string>;
  labels: Readonly<Record<string, string>>;
  resumeToken: string;
}

/**
 * What a stream yields: an event, or a marker carrying only a position — `synced` once the
 * replay is over, `progress` after a quiet interval — so a client always holds a fresh token.
 */
export type StreamItem =
  | { seq: number; event: DeviceEvent; marker?: undefined }
  | { seq: number; marker: 'synced' | 'progress' };

/** Events kept for resuming streams, and the most a stream may fall behind. */
export const EVENT_BUFFER = 1000;

/** An event on the bus, with the hub that published it (which has delivered it already). */
interface PublishedEvent {
  origin: string;
  event: DeviceEvent;
}

const EVENTS_TOPIC = defineTopic<PublishedEvent>('devices.events');

/**
 * The device event hub of this replica: its own events are delivered here at once, those of
 * the other replicas arrive over the bus; all are numbered here, kept in a ring of the last
 * {@link EVENT_BUFFER} for streams resuming with a token (`<hub>:<number>`, valid on this
 * replica while it is in the ring), and fanned out to the open streams.
 *
 * Without `shared` (no Redis configured: no other replica can exist) nothing goes on the bus:
 * a command's three or four events would otherwise each be encoded to JSON and decoded again
 * only to come back here. With it, events go on the bus for the others and this hub ignores
 * its own as they come back.
 */
export function createDeviceEvents(options: { bus: Bus; logger: Logger; shared: boolean }) {
  const hub = randomBytes(6).toString('hex');
  const ring: Array<{ seq: number; event: DeviceEvent }> = [];
  const listeners = new Set<(item: { seq: number; event: DeviceEvent }) => void>();
  let seq = 0;
  let subscription: Subscription | undefined;

  const deliver = (event: DeviceEvent) => {
    seq += 1;
    const item = { seq, event };
    ring.push(item);
    if (ring.length > EVENT_BUFFER) ring.shift();
    for (const listener of listeners) listener(item);
  };

  return {
    async start(): Promise<void> {
      if (!options.shared) return;
      subscription = await options.bus.subscribe(EVENTS_TOPIC, (message) => {
        if (message.origin !== hub) deliver(revive(message.event));
      });
    },
    async close(): Promise<void> {
      await subscription?.unsubscribe();
    },

    /**
     * Delivers an event to this replica's streams and sends it to the other replicas'; a bus
     * failure is logged, never thrown. The event is kept as given: do not change it afterwards.
     */
    publish(event: DeviceEvent): void {
      deliver(event);
      if (!options.shared) return;
      options.bus.publish(EVENTS_TOPIC, { origin: hub, event }).catch((error: unknown) => {
        options.logger.warn({ err: error, kind: event.kind }, 'device event not published');
      });
    },

    tokenOf(position: number): string {
      return `${hub}:${position}`;
    },

    /**
     * The matching events after the token (replayed), a `synced` marker, then live events, with a
     * `progress` marker after every `progressMs` without one, until `signal` fires.
     */
    async *stream(filter: EventFilter, signal: AbortSignal, progressMs: number): AsyncGenerator<StreamItem> {
      const queue: Array<{ seq: number; event: DeviceEvent }> = [];
      let overflow = false;
      let wake: (() => void) | undefined;
      // The last position this stream has looked at, matching or not: a marker's position.
      let seen = seq;
      const listener = (item: { seq: number; event: DeviceEvent }) => {
        seen = item.seq;
        if (!matches(filter, item.event)) return;
        if (queue.length >= EVENT_BUFFER) overflow = true;
        else queue.push(item);
        wake?.();
      };
      const after = filter.resumeToken === '' ? seq : positionOf(filter.resumeToken);
      const oldest = ring[0]?.seq ?? seq + 1;
      if (after > seq || (after < oldest - 1 && after !== seq)) {
        throw new AppError(
          Code.OUT_OF_RANGE,
          DeviceReason.RESUME_TOKEN_EXPIRED,
          'resume_token is older than the events this server keeps; open the stream without it',
        );
      }
      for (const item of ring) if (item.seq > after) listener(item);
      const syncedAt = seq;
      let replayed = queue.length;
      listeners.add(listener);
      const onAbort = () => wake?.();
      signal.addEventListener('abort', onAbort, { once: true });
      let quiet = false;
      const onQuiet = () => {
        quiet = true;
        wake?.();
      };
      try {
        while (!signal.aborted) {
          if (replayed === 0) {
            replayed = -1;
            yield { seq: syncedAt, marker: 'synced' };
            continue;
          }
          if (overflow) {
            throw new AppError(
              Code.RESOURCE_EXHAUSTED,
              DeviceReason.WATCHER_TOO_SLOW,
              `the stream fell more than ${EVENT_BUFFER} events behind; reopen it with the last resume_token`,
            );
          }
          const item = queue.shift();
          if (item !== undefined) {
            if (replayed > 0) replayed -= 1;
            yield item;
            continue;
          }
          if (quiet) {
            quiet = false;
            yield { seq: seen, marker: 'progress' };
            continue;
          }
          const timer = setTimeout(onQuiet, progressMs);
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          wake = undefined;
          clearTimeout(timer);
        }
      } finally {
        listeners.delete(listener);
        signal.removeEventListener('abort', onAbort);
      }
    },
  };

  function positionOf(token: string): number {
    const [owner, number] = token.split(':');
    const position = Number(number);
    if (owner !== hub || !Number.isSafeInteger(position) || position < 0) {
      throw new AppError(
        Code.OUT_OF_RANGE,
        DeviceReason.RESUME_TOKEN_EXPIRED,
        'resume_token was not issued by this server (or before it restarted); open the stream without it',
      );
    }
    return position;
  }
}

/** The device event hub of this replica. */
export type DeviceEvents = ReturnType<typeof createDeviceEvents>;

function matches(filter: EventFilter, event: DeviceEvent): boolean {
  if (filter.devices.size > 0 && !filter.devices.has(event.device)) return false;
  if (filter.kinds.size > 0 && !filter.kinds.has(event.kind)) return false;
  for (const [key, value] of Object.entries(filter.labels)) if (event.labels[key] !== value) return false;
  if (event.kind === 'readings' && filter.resources.size > 0) {
    return (event.readings ?? []).some((reading) => filter.resources.has(reading.resource));
  }
  return true;
}

/** Dates of an execution come back from JSON as strings. */
function revive(event: DeviceEvent): DeviceEvent {
  const execution = event.execution;
  if (execution === undefined) return event;
  const date = (value: unknown) => (value === null || value === undefined ? null : new Date(value as string));
  return {
    ...event,
    execution: {
      ...execution,
      createTime: date(execution.createTime) as Date,
      startTime: date(execution.startTime),
      endTime: date(execution.endTime),
    },
  };
}

/** Refuses a stream filter naming something that is not a device. */
export function assertDeviceNames(names: readonly string[]): Set<string> {
  return new Set(
    names.map((name, index) => {
      if (!/^devices\/[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/.test(name)) {
        throw invalidField(
          DeviceReason.INVALID_NAME,
          `devices[${index}]`,
          'devices entries must be devices/{id}',
        );
      }
      return name.slice('devices/'.length);
    }),
  );
}
