import type { Duration } from '../../gen/google/protobuf/duration.ts';
import {
  AdminState,
  DeviceEventType,
  type DeviceServiceService,
  OperatingState,
  type StreamDeviceEventsResponse,
} from '../../gen/hcs/v1/devices.ts';
import { invalidField } from '../../platform/errors/index.ts';
import type { ServiceImplementation } from '../../transport/rpc/index.ts';
import { msFromDuration } from '../common/index.ts';
import { discoveredToMessage } from './adapter-procedures.ts';
import { executionToMessage, readingToMessage } from './command-procedures.ts';
import {
  assertDeviceNames,
  type DeviceEvent,
  type DeviceEventKind,
  type DeviceEvents,
  type StreamItem,
} from './device-events.ts';
import { DeviceReason } from './reasons.ts';

type EventProcedures = Pick<ServiceImplementation<typeof DeviceServiceService>, 'streamDeviceEvents'>;

const KINDS: Record<DeviceEventKind, DeviceEventType> = {
  readings: DeviceEventType.DEVICE_EVENT_TYPE_READINGS,
  state_changed: DeviceEventType.DEVICE_EVENT_TYPE_STATE_CHANGED,
  attached: DeviceEventType.DEVICE_EVENT_TYPE_ATTACHED,
  detached: DeviceEventType.DEVICE_EVENT_TYPE_DETACHED,
  command_completed: DeviceEventType.DEVICE_EVENT_TYPE_COMMAND_COMPLETED,
  command_state_changed: DeviceEventType.DEVICE_EVENT_TYPE_COMMAND_STATE_CHANGED,
};
const MARKERS = {
  synced: DeviceEventType.DEVICE_EVENT_TYPE_SYNCED,
  progress: DeviceEventType.DEVICE_EVENT_TYPE_PROGRESS,
};
const DEFAULT_PROGRESS_MS = 10_000;
const MIN_PROGRESS_MS = 1_000;
const MAX_PROGRESS_MS = 600_000;
const KIND_OF = new Map<DeviceEventType, DeviceEventKind>(
  Object.entries(KINDS).map(([kind, type]) => [type, kind as DeviceEventKind]),
);
const ADMIN = { locked: AdminState.ADMIN_STATE_LOCKED, unlocked: AdminState.ADMIN_STATE_UNLOCKED };
const OPERATING = {
  up: OperatingState.OPERATING_STATE_UP,
  down: OperatingState.OPERATING_STATE_DOWN,
  unknown: OperatingState.OPERATING_STATE_UNKNOWN,
};

/** Maps StreamDeviceEvents onto the replica's {@link DeviceEvents} hub. */
export function eventProcedures(events: DeviceEvents): EventProcedures {
  return {
    // Checked before the stream opens, so a bad request is a status (HTTP 400), not an open stream.
    streamDeviceEvents(request, ctx) {
      const filter = {
        devices: assertDeviceNames(request.devices),
        kinds: new Set(request.eventTypes.flatMap((type) => KIND_OF.get(type) ?? [])),
        resources: new Set(request.resources),
        labels: request.labels,
        resumeToken: request.resumeToken,
      };
      const progressMs = progressIntervalOf(request.progressInterval);
      return messagesOf(events, events.stream(filter, ctx.signal, progressMs), filter.resources);
    },
  };
}

async function* messagesOf(
  events: DeviceEvents,
  items: AsyncIterable<StreamItem>,
  resources: ReadonlySet<string>,
): AsyncGenerator<StreamDeviceEventsResponse> {
  for await (const item of items) {
    const resumeToken = events.tokenOf(item.seq);
    yield item.marker === undefined
      ? eventToMessage(item.event, resumeToken, resources)
      : { eventTime: new Date(), eventType: MARKERS[item.marker], device: '', resumeToken };
  }
}

function eventToMessage(
  event: DeviceEvent,
  resumeToken: string,
  resources: ReadonlySet<string>,
): StreamDeviceEventsResponse {
  const message: StreamDeviceEventsResponse = {
    eventTime: new Date(event.time),
    eventType: KINDS[event.kind],
    device: event.device === '' ? '' : `devices/${event.device}`,
    resumeToken,
  };
  if (event.readings !== undefined) {
    const readings = event.readings.filter(
      (reading) => resources.size === 0 || resources.has(reading.resource),
    );
    message.readings = { readings: readings.map((reading) => readingToMessage(event.device, reading)) };
  }
  if (event.stateChange !== undefined) {
    const change = event.stateChange;
    message.stateChange = {
      adminState: ADMIN[change.adminState],
      previousAdminState: ADMIN[change.previousAdminState],
      operatingState: OPERATING[change.operatingState],
      previousOperatingState: OPERATING[change.previousOperatingState],
      stateReason: change.reason,
    };
  }
  if (event.hardware !== undefined) {
    message.discoveredDevice = discoveredToMessage({
      adapter: event.hardware.adapter,
      info: event.hardware.info,
      device: event.device === '' ? undefined : event.device,
    });
  }
  if (event.execution !== undefined) message.commandExecution = executionToMessage(event.execution);
  return message;
}

/** `progress_interval` in milliseconds: the default when unset, refused outside 1s–10min. */
function progressIntervalOf(interval: Duration | undefined): number {
  if (interval === undefined) return DEFAULT_PROGRESS_MS;
  const ms = msFromDuration(interval);
  if (!Number.isFinite(ms) || ms < MIN_PROGRESS_MS || ms > MAX_PROGRESS_MS) {
    throw invalidField(
      DeviceReason.INVALID_PROGRESS_INTERVAL,
      'progress_interval',
      `progress_interval must be between ${MIN_PROGRESS_MS / 1000}s and ${MAX_PROGRESS_MS / 1000}s`,
    );
  }
  return ms;
}
