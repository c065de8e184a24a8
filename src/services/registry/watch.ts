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
 *
 * The live part is a plain iterator, not an async generator: a change settles the waiting
 * reader's promise directly, one promise per item and stream, where a generator added its own
 * queue and several microtasks for each of the 1000s of streams a change reaches in one turn.
 */
export function watchChanges(
  view: RegistryView,
  fanout: WatchFanout,
  changeLog: ChangeLog,
  request: WatchRequest,
): AsyncIterable<WatchItem> {
  return { [Symbol.asyncIterator]: () => createWatchIterator(view, fanout, changeLog, request) };
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

interface Waiting {
  resolve(result: IteratorResult<WatchItem>): void;
  reject(error: unknown): void;
}

function createWatchIterator(
  view: RegistryView,
  fanout: WatchFanout,
  changeLog: ChangeLog,
  request: WatchRequest,
): AsyncIterator<WatchItem> {
  const { filter, signal } = request;
  const queue: WatchItem[] = [];
  let overflow = false;
  let closed = false;
  let waiting: Waiting | undefined;
  let unsubscribe: (() => void) | undefined;
  let position = 0;
  let timer: NodeJS.Timeout | undefined;
  const onAbort = () => wake();
  signal.addEventListener('abort', onAbort);

  // One timer per watcher, restarted in place on every item (no new timer per change).
  const armProgress = () => {
    if (timer !== undefined) {
      timer.refresh();
      return;
    }
    timer = setTimeout(() => {
      queue.push({ kind: 'progress', revision: view.revision(), time: Date.now() });
      wake();
    }, request.progressIntervalMs);
  };

  async function* opening(): AsyncGenerator<WatchItem> {
    if (request.resumeAfter !== undefined) await view.catchUp();
    if (closed) return;
    // Subscribed and positioned in one synchronous step: nothing applied in between is missed.
    // The fan-out tests the filter once for all watchers that share it.
    unsubscribe = fanout.subscribe(filter, (event) => {
      if (queue.length >= MAX_QUEUED) overflow = true;
      else queue.push(event);
      wake();
    });
    // A token a moment ahead of this replica's view (written on another one) is not replayed twice.
    position = Math.max(view.revision(), request.resumeAfter ?? 0);
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
  }
  let backlog: AsyncGenerator<WatchItem> | undefined = opening();

  function close(): void {
    if (closed) return;
    closed = true;
    unsubscribe?.();
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  }

  // The next live item, the end, a failure, or undefined when there is nothing yet.
  function take(): IteratorResult<WatchItem> | AppError | undefined {
    if (closed) return DONE;
    if (signal.aborted) {
      close();
      return DONE;
    }
    if (overflow) {
      close();
      return new AppError(
        Code.RESOURCE_EXHAUSTED,
        RegistryReason.WATCHER_TOO_SLOW,
        'the watcher fell too far behind; resume from its last resume_token',
      );
    }
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
      if (!isWatchMark(item) && item.revision <= position) continue;
      armProgress();
      return { done: false, value: item };
    }
    return undefined;
  }

  function wake(): void {
    if (waiting === undefined || backlog !== undefined) return;
    const taken = take();
    if (taken === undefined) return;
    const reader = waiting;
    waiting = undefined;
    if (taken instanceof AppError) reader.reject(taken);
    else reader.resolve(taken);
  }

  function live(): Promise<IteratorResult<WatchItem>> {
    const taken = take();
    if (taken instanceof AppError) return Promise.reject(taken);
    if (taken !== undefined) return Promise.resolve(taken);
    return new Promise((resolve, reject) => {
      waiting = { resolve, reject };
    });
  }

  return {
    next() {
      const opened = backlog;
      if (opened === undefined) return live();
      return opened.next().then(
        (result) => {
          if (result.done !== true) return result;
          backlog = undefined;
          return live();
        },
        (error: unknown) => {
          close();
          throw error;
        },
      );
    },
    async return() {
      close();
      const reader = waiting;
      waiting = undefined;
      reader?.resolve(DONE);
      await backlog?.return(undefined);
      return DONE;
    },
  };
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
