export { createUsbAdapter, UsbAdapter, type UsbAdapterOptions, usbLocation } from './usb-adapter.ts';
export type { UsbDevice, UsbEndpoint, UsbInterface, UsbNative, UsbTransfer } from './usb-native.ts';
export { MAX_USB_TRANSFER_BYTES } from './usb-target.ts';
