export {
  type AdapterStatus,
  createHardwareRuntime,
  type DeviceRef,
  type HardwareEvent,
  type HardwareRuntime,
  type IoOptions,
  type PollSchedule,
} from './hardware-runtime.ts';
export type { DeviceHealth, HealthState } from './managed-device.ts';
export type { Poller, PollMode, Reading } from './poller.ts';
export type { HardwareRuntimeOptions } from './runtime-options.ts';
export { applyValueTransform, type ValueTransform, validateValueTransform } from './value-transform.ts';
