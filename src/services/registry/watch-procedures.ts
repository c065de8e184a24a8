import {
  InstanceEventType,
  InstanceRemovalReason,
  type RegistryServiceService,
  type WatchInstancesResponse,
} from '../../gen/hcs/v1/registry.ts';
import { invalidField } from '../../platform/errors/index.ts';
import { type ServiceImplementation, shareMessage } from '../../transport/rpc/index.ts';
import type { ChangeLog } from './change-log.ts';
import type { HealthStateName } from './instance.entity.ts';
import { durationToMs, instanceToMessage, requiredHealthState } from './instance-message.ts';
import { serviceOfParent } from './instance-procedures.ts';
import { RegistryReason } from './reasons.ts';
import type { ChangeEvent, RegistryView } from './registry-view.ts';
import { isWatchMark, type WatchItem, watchChanges } from './watch.ts';
import type { WatchFanout } from './watch-fanout.ts';

/** The watch RPC of RegistryService. */
export type WatchProcedures = Pick<ServiceImplementation<typeof RegistryServiceService>, 'watchInstances'>;

const DEFAULT_PROGRESS_MS = 10_000;
const MAX_PROGRESS_MS = 600_000;
const TOKEN_PREFIX = 'w1:';

const EVENT_TYPES = {
  added: InstanceEventType.INSTANCE_EVENT_TYPE_ADDED,
  modified: InstanceEventType.INSTANCE_EVENT_TYPE_MODIFIED,
  removed: InstanceEventType.INSTANCE_EVENT_TYPE_REMOVED,
} as const;
const REMOVAL_REASONS = {
  '': InstanceRemovalReason.INSTANCE_REMOVAL_REASON_UNSPECIFIED,
  deregistered: InstanceRemovalReason.INSTANCE_REMOVAL_REASON_DEREGISTERED,
  lease_expired: InstanceRemovalReason.INSTANCE_REMOVAL_REASON_LEASE_EXPIRED,
} as const;

/** The opaque resume token of a revision. */
export function resumeTokenOf(revision: number): string {
  return Buffer.from(TOKEN_PREFIX + revision, 'utf8').toString('base64url');
}

/** The revision of a resume token; INVALID_ARGUMENT `INVALID_RESUME_TOKEN` for one this server did not issue. */
export function revisionOfResumeToken(token: string): number {
  const decoded = /^[A-Za-z0-9_-]{1,40}$/.test(token) ? Buffer.from(token, 'base64url').toString('utf8') : '';
  const digits = decoded.startsWith(TOKEN_PREFIX) ? decoded.slice(TOKEN_PREFIX.length) : '';
  const revision = /^\d{1,15}$/.test(digits) ? Number(digits) : Number.NaN;
  if (!Number.isSafeInteger(revision)) {
    throw invalidField(
      RegistryReason.INVALID_RESUME_TOKEN,
      'resume_token',
      'resume_token is not one this server issued',
    );
  }
  return revision;
}

// A change reaches every watcher that selects it as the same event object: its message is built
// once, and shared, so the transports encode it once for all of those streams.
const changeMessages = new WeakMap<ChangeEvent, WatchInstancesResponse>();

function itemToMessage(item: WatchItem): WatchInstancesResponse {
  if (isWatchMark(item)) {
    return {
      resumeToken: resumeTokenOf(item.revision),
      eventTime: new Date(item.time),
      eventType:
        item.kind === 'synced'
          ? InstanceEventType.INSTANCE_EVENT_TYPE_SYNCED
          : InstanceEventType.INSTANCE_EVENT_TYPE_PROGRESS,
      instance: undefined,
      removalReason: InstanceRemovalReason.INSTANCE_REMOVAL_REASON_UNSPECIFIED,
      reason: '',
    };
  }
  let message = changeMessages.get(item);
  if (message === undefined) {
    message = shareMessage({
      resumeToken: resumeTokenOf(item.revision),
      eventTime: new Date(item.time),
      eventType: EVENT_TYPES[item.type],
      instance: instanceToMessage(item.instance),
      removalReason: REMOVAL_REASONS[item.removalReason],
      reason: item.reason,
    });
    changeMessages.set(item, message);
  }
  return message;
}

function mapStream<T, U>(stream: AsyncIterable<T>, map: (item: T) => U): AsyncIterable<U> {
  return {
    [Symbol.asyncIterator]() {
      const inner = stream[Symbol.asyncIterator]();
      const mapResult = (result: IteratorResult<T>): IteratorResult<U> =>
        result.done === true ? { done: true, value: undefined } : { done: false, value: map(result.value) };
      return {
        next: () => inner.next().then(mapResult),
        return: async () => {
          await inner.return?.();
          return { done: true, value: undefined };
        },
      };
    },
  };
}

/** Maps WatchInstances onto {@link watchChanges}. */
export function watchProcedures(
  view: RegistryView,
  fanout: WatchFanout,
  changeLog: ChangeLog,
  minIntervalMs: number,
): WatchProcedures {
  return {
    // Checks the request at once, then hands on the watch's own iterator, each item mapped with
    // one `then`: a generator layer here cost several microtasks per item for every stream.
    watchInstances(request, ctx) {
      const service = serviceOfParent(request.parent);
      const healthStates: HealthStateName[] = request.healthStates.map((state, index) =>
        requiredHealthState(state, `health_states[${index}]`),
      );
      const progressIntervalMs =
        request.progressInterval === undefined
          ? Math.max(DEFAULT_PROGRESS_MS, minIntervalMs)
          : durationToMs(request.progressInterval);
      if (
        !Number.isFinite(progressIntervalMs) ||
        progressIntervalMs < minIntervalMs ||
        progressIntervalMs > MAX_PROGRESS_MS
      ) {
        throw invalidField(
          RegistryReason.INVALID_PROGRESS_INTERVAL,
          'progress_interval',
          `progress_interval must be between ${minIntervalMs / 1000}s and ${MAX_PROGRESS_MS / 1000}s`,
        );
      }
      const resumeAfter = request.resumeToken === '' ? undefined : revisionOfResumeToken(request.resumeToken);
      const stream = watchChanges(view, fanout, changeLog, {
        filter: { service, tags: request.tags, healthStates },
        resumeAfter,
        progressIntervalMs,
        signal: ctx.signal,
      });
      return mapStream(stream, itemToMessage);
    },
  };
}
