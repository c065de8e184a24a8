import { AppError, Code } from '../../platform/errors/index.ts';
import type { ChangeLog } from './change-log.ts';
import { RegistryReason } from './reasons.ts';
import type { ChangeEvent, RegistryView } from './registry-view.ts';
import type { WatchFanout } from './watch-fanout.ts';
import { selects, type WatchFilter } from './watch-filter.ts';

/** A SYNCED or PROGRESS mark of a watch stream. */
export interface WatchMark {
  kind: 'synced' | 'progress';
  revision: number;
  time: number;
}

/**
 * One item of a watch stream: a change or a mark. A live change is the very event object the
 * view applied, the same for every watcher that selects it.
 */
export type WatchItem = ChangeEvent | WatchMark;

/** Whether an item is a mark rather than a change. */
export function isWatchMark(item: WatchItem): item is WatchMark {
  return 'kind' in item;
}

/** Options of one watch. */
export interface WatchRequest {
  filter: WatchFilter;
  /** Undefined: start with a snapshot. */
  resumeAfter: number | undefined;
  progressIntervalMs: number;
  signal: AbortSignal;
}

/** Changes a watcher may have queued before it is cut off as too slow. */
const MAX_QUEUED = 10_000;
const REPLAY_BATCH = 500;

/**
 * Streams a snapshot (or the history after `resumeAfter`), a SYNCED mark, then every matching
 * change in revision order, with a PROGRESS mark whenever nothing was sent for
 * `progressIntervalMs`. Ends when `signal` aborts, dropping its subscription and timer at once.
 * OUT_OF_RANGE `RESUME_TOKEN_EXPIRED` when the history no longer holds the position.
 */
export async function* watchChanges(
  view: RegistryView,
  fanout: WatchFanout,
  changeLog: ChangeLog,
  request: WatchRequest,
): AsyncGenerator<WatchItem> {
  const { filter, signal } = request;
  const queue: WatchItem[] = [];
  let wake: (() => void) | undefined;
  let overflow = false;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  if (request.resumeAfter !== undefined) await view.catchUp();
  // Subscribed and positioned in one synchronous step: nothing applied in between is missed.
  // The fan-out tests the filter once for all watchers that share it.
  const unsubscribe = fanout.subscribe(filter, (event) => {
    if (queue.length >= MAX_QUEUED) overflow = true;
    else queue.push(event);
    notify();
  });
  // A token a moment ahead of this replica's view (written on another one) is not replayed twice.
  const position = Math.max(view.revision(), request.resumeAfter ?? 0);
  const onAbort = () => notify();
  signal.addEventListener('abort', onAbort);
  let timer: NodeJS.Timeout | undefined;
  // One timer per watcher, restarted in place on every item (no new timer per change).
  const armProgress = () => {
    if (timer !== undefined) {
      timer.refresh();
      return;
    }
    timer = setTimeout(() => {
      queue.push({ kind: 'progress', revision: view.revision(), time: Date.now() });
      notify();
    }, request.progressIntervalMs);
  };
  try {
    if (request.resumeAfter === undefined) {
      const time = Date.now();
      for (const instance of [...view.instances()]) {
        if (selects(filter, instance, undefined))
          yield {
            revision: position,
            type: 'added',
            instance,
            previous: undefined,
            reason: 'snapshot',
            removalReason: '',
            time,
          };
      }
    } else {
      yield* replay(changeLog, filter, request.resumeAfter, position);
    }
    yield { kind: 'synced', revision: position, time: Date.now() };
    armProgress();
    while (!signal.aborted) {
      if (overflow) {
        throw new AppError(
          Code.RESOURCE_EXHAUSTED,
          RegistryReason.WATCHER_TOO_SLOW,
          'the watcher fell too far behind; resume from its last resume_token',
        );
      }
      const item = queue.shift();
      if (item === undefined) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        continue;
      }
      if (!isWatchMark(item) && item.revision <= position) continue;
      armProgress();
      yield item;
    }
  } finally {
    unsubscribe();
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  }
}

async function* replay(
  changeLog: ChangeLog,
  filter: WatchFilter,
  after: number,
  until: number,
): AsyncGenerator<WatchItem> {
  const { oldest, newest } = await changeLog.bounds();
  const known = (newest === 0 && after === 0) || (after >= oldest - 1 && after <= newest);
  if (!known) {
    throw new AppError(
      Code.OUT_OF_RANGE,
      RegistryReason.RESUME_TOKEN_EXPIRED,
      'resume_token is older than the change history this server keeps; watch again without it',
    );
  }
  let cursor = after;
  while (cursor < until) {
    const changes = await changeLog.readAfter(cursor, REPLAY_BATCH);
    if (changes.length === 0) break;
    for (const change of changes) {
      if (change.revision > until) return;
      cursor = change.revision;
      if (!selects(filter, change.instance, change.previous ?? undefined)) continue;
      yield {
        revision: change.revision,
        type: change.type,
        instance: change.instance,
        previous: change.previous ?? undefined,
        reason: change.reason,
        removalReason: change.removalReason as ChangeEvent['removalReason'],
        time: change.time.getTime(),
      };
    }
  }
}
