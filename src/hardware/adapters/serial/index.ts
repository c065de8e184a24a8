export {
  createSerialAdapter,
  SerialAdapter,
  type SerialAdapterOptions,
  type SerialPortSettings,
} from './serial-adapter.ts';
export { MAX_QUEUED_FRAMES } from './serial-connection.ts';
export { createFramer, type Framer, type SerialFraming } from './serial-framing.ts';
export type { SerialNative, SerialOpenOptions, SerialPortInfo, SerialStream } from './serial-native.ts';
