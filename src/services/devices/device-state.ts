import type { Device } from './device.entity.ts';
import type { DeviceHardware } from './device-hardware.ts';

/** A device's connectivity as this node observes it now. */
export interface LiveState {
  operating: 'up' | 'down' | 'unknown';
  presence: 'present' | 'absent' | 'unknown';
  reason: string;
  /** UNLOCKED, PRESENT, UP and the adapter available: a command would be sent now. */
  ready: boolean;
}

/**
 * Observes a device through the node's hardware runtime: the adapter's availability, the
 * hardware's presence (hot-plug tracking) and the runtime's health of it. Nothing is stored:
 * each node answers from what it sees.
 */
export function liveStateOf(
  hardware: DeviceHardware,
  device: Pick<Device, 'adapter' | 'address' | 'adminState'>,
): LiveState {
  const adapter = hardware.adapter(device.adapter);
  if (adapter === undefined) {
    return {
      operating: 'down',
      presence: 'unknown',
      reason: `adapters/${device.adapter} is not running on this node`,
      ready: false,
    };
  }
  if (!adapter.availability.ok) {
    return {
      operating: 'down',
      presence: 'unknown',
      reason: `adapter ${device.adapter} is unavailable: ${adapter.availability.message}`,
      ready: false,
    };
  }
  const runtime = hardware.runtime();
  const present = runtime.present(device.adapter).some((info) => info.id === device.address);
  if (!present) {
    return {
      operating: 'down',
      presence: 'absent',
      reason: `device not present at ${device.address}`,
      ready: false,
    };
  }
  const health = runtime.health({ adapter: device.adapter, deviceId: device.address });
  if (health.state === 'DOWN') {
    return {
      operating: 'down',
      presence: 'present',
      reason: health.lastError?.message ?? 'the device failed repeatedly',
      ready: false,
    };
  }
  return { operating: 'up', presence: 'present', reason: '', ready: device.adminState === 'unlocked' };
}

/** {@link liveStateOf}, or every state unknown while the hardware layer is not running. */
export function observedStateOf(
  hardware: DeviceHardware,
  device: Pick<Device, 'adapter' | 'address' | 'adminState'>,
): LiveState {
  try {
    return liveStateOf(hardware, device);
  } catch {
    return {
      operating: 'unknown',
      presence: 'unknown',
      reason: 'the hardware layer is not running',
      ready: false,
    };
  }
}

const OPERATING_NAMES: Record<string, LiveState['operating']> = {
  OPERATING_STATE_UP: 'up',
  OPERATING_STATE_DOWN: 'down',
  OPERATING_STATE_UNKNOWN: 'unknown',
};
const PRESENCE_NAMES: Record<string, LiveState['presence']> = {
  PRESENCE_PRESENT: 'present',
  PRESENCE_ABSENT: 'absent',
  PRESENCE_UNSPECIFIED: 'unknown',
};
const BOOLEANS: Record<string, boolean> = { true: true, false: false };

/**
 * The ListDevices filter fields answered from what this node observes (`operating_state`,
 * `presence` by their enum value names, `ready` as true or false): tested on each row, since
 * no table holds them.
 */
export function liveStateFilters(
  hardware: DeviceHardware,
): Record<string, (text: string) => ((device: Device) => boolean) | undefined> {
  const on =
    <V>(names: Record<string, V>, pick: (state: LiveState) => V) =>
    (text: string) => {
      if (!Object.hasOwn(names, text)) return undefined;
      const wanted = names[text];
      return (device: Device) => pick(observedStateOf(hardware, device)) === wanted;
    };
  return {
    operating_state: on(OPERATING_NAMES, (state) => state.operating),
    presence: on(PRESENCE_NAMES, (state) => state.presence),
    ready: on(BOOLEANS, (state) => state.ready),
  };
}
