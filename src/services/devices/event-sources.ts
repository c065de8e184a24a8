import type { HardwareEvent } from '../../hardware/index.ts';
import type { Execution } from './command-execution.entity.ts';
import type { Device } from './device.entity.ts';
import type { DeviceEvent } from './device-events.ts';
import type { StoredReading } from './typed-value.ts';

/**
 * The device events each source of change produces: an operator's admin-state change, an
 * execution's transition, the hardware runtime's attach/detach/health news, a poll's readings.
 */

/** An admin-state change made by UpdateDevice. */
export function adminStateEvent(
  before: Device,
  after: Device,
  operating: 'up' | 'down' | 'unknown',
): DeviceEvent {
  return {
    time: new Date().toISOString(),
    kind: 'state_changed',
    device: after.id,
    labels: after.labels,
    stateChange: {
      adminState: after.adminState,
      previousAdminState: before.adminState,
      operatingState: operating,
      previousOperatingState: operating,
      reason: '',
    },
  };
}

/** An execution's transition, and the readings of a success. */
export function transitionEvents(row: Execution, labels: Record<string, string>): DeviceEvent[] {
  const time = new Date().toISOString();
  const ended = row.state !== 'queued' && row.state !== 'running';
  const events: DeviceEvent[] = [
    {
      time,
      kind: ended ? 'command_completed' : 'command_state_changed',
      device: row.device,
      labels,
      execution: row,
    },
  ];
  if (row.state === 'succeeded' && row.readings.length > 0) {
    events.push({ time, kind: 'readings', device: row.device, labels, readings: row.readings });
  }
  return events;
}

/** Hardware news: ATTACHED/DETACHED for any unit, and a state change of the registered device at that address. */
export function hardwareEvents(event: HardwareEvent, device: Device | null): DeviceEvent[] {
  const address = event.type === 'health' ? event.deviceId : event.device.id;
  const time = new Date().toISOString();
  const events: DeviceEvent[] = [];
  if (event.type !== 'health') {
    events.push({
      time,
      kind: event.type === 'attach' ? 'attached' : 'detached',
      device: device?.id ?? '',
      labels: device?.labels ?? {},
      hardware: { adapter: event.adapter, info: event.device },
    });
  }
  if (device === null) return events;
  const up = event.type === 'health' ? event.health.state === 'UP' : event.type === 'attach';
  const reason =
    event.type === 'health'
      ? (event.health.lastError?.message ?? 'DOWN')
      : `device not present at ${address}`;
  events.push({
    time,
    kind: 'state_changed',
    device: device.id,
    labels: device.labels,
    stateChange: {
      adminState: device.adminState,
      previousAdminState: device.adminState,
      operatingState: up ? 'up' : 'down',
      previousOperatingState: up ? 'down' : 'up',
      reason: up ? '' : reason,
    },
  });
  return events;
}

/** Readings a poll brought. */
export function readingsEvent(device: Device, readings: StoredReading[]): DeviceEvent {
  return {
    time: new Date().toISOString(),
    kind: 'readings',
    device: device.id,
    labels: device.labels,
    readings,
  };
}
