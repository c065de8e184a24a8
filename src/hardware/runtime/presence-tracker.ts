/**
 * Hot-plug for every adapter: adapters with OS events report attach/detach themselves; the
 * others are re-enumerated every `intervalMs`, and the difference between two lists becomes
 * attach/detach events. Both paths keep the same set of known devices, so a device is never
 * reported attached twice.
 */
import type { Adapter, DeviceInfo, PresenceEvent } from '../adapter.ts';

/** Watches one adapter's devices. */
export interface PresenceTracker {
  /** Devices known present now. */
  readonly devices: ReadonlyMap<string, DeviceInfo>;
  /** Replaces the known set with a fresh discovery and emits the difference. */
  update(devices: readonly DeviceInfo[]): void;
  /** Applies one adapter-reported event (ignored when it changes nothing). */
  apply(event: PresenceEvent): void;
  /** Re-enumerates every interval from now on (for an events adapter whose events failed to start). */
  pollFromNowOn(): void;
  stop(): void;
}

/** Starts tracking `adapter`; `emit` receives each change. Listed once at start; again every `intervalMs` when `adapter.presence` is `polling` or after {@link PresenceTracker.pollFromNowOn}. */
export function createPresenceTracker(
  adapter: Adapter,
  intervalMs: number,
  emit: (event: PresenceEvent) => void,
): PresenceTracker {
  const known = new Map<string, DeviceInfo>();
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let initial = true;
  let polling = adapter.presence === 'polling';
  let listing = false;

  const tracker: PresenceTracker = {
    devices: known,
    update(devices) {
      const seen = new Set<string>();
      for (const device of devices) {
        seen.add(device.id);
        if (!known.has(device.id)) {
          known.set(device.id, device);
          if (!initial) emit({ type: 'attach', device });
        }
      }
      for (const [id, device] of known) {
        if (!seen.has(id)) {
          known.delete(id);
          emit({ type: 'detach', device });
        }
      }
      initial = false;
    },
    apply(event) {
      const present = known.has(event.device.id);
      if (event.type === 'attach' && !present) known.set(event.device.id, event.device);
      else if (event.type === 'detach' && present) known.delete(event.device.id);
      else return;
      emit(event);
    },
    stop() {
      clearTimeout(timer);
      controller.abort();
    },
    pollFromNowOn() {
      if (polling) return;
      polling = true;
      // A listing in flight schedules the next one itself when it ends.
      if (!listing) timer = setTimeout(rediscover, intervalMs).unref();
    },
  };

  const rediscover = async () => {
    listing = true;
    try {
      if (adapter.available().ok) tracker.update(await adapter.discover(controller.signal));
    } catch {
      // A failed enumeration changes nothing: a device is detached only when a listing lacks it.
    }
    listing = false;
    if (!controller.signal.aborted && polling) {
      timer = setTimeout(rediscover, intervalMs).unref();
    }
  };
  // Every adapter is listed once to learn what is present at start (reported as no event);
  // adapters without OS events are then listed again every interval.
  void rediscover();
  return tracker;
}
