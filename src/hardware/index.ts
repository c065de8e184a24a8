export { abortableDelay, abortError, raceAbort, throwIfAborted } from './abort.ts';
export type { Adapter, DeviceConnection, DeviceInfo, IoRequest, PresenceEvent } from './adapter.ts';
export {
  type AllowListEntry,
  findAllowListEntry,
  formatUsbId,
  validateAllowList,
} from './allow-list.ts';
export { AVAILABLE, type Availability, UnavailableReason, unavailable } from './availability.ts';
export { type AllowListed, isAllowListed, isProbeable, type Probeable } from './capabilities.ts';
export {
  HardwareError,
  type HardwareErrorFacts,
  HardwareErrorKind,
  isHardwareError,
  toHardwareError,
} from './hardware-error.ts';
export { availabilityFromLoadError, loadNative, type NativeLoad } from './native-load.ts';
export * from './runtime/index.ts';
