export { createHidAdapter, HidAdapter, type HidAdapterOptions, hidDeviceId } from './hid-adapter.ts';
export type { HidDeviceDescriptor, HidHandle, HidNative } from './hid-native.ts';
export { MAX_HID_REPORT_BYTES } from './hid-target.ts';
