export {
  createDeviceService,
  type DeviceService,
  type DeviceServiceOptions,
  deviceService,
  deviceServiceWith,
} from './devices-service.ts';
export { DeviceReason } from './reasons.ts';
