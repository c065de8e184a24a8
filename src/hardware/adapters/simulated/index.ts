export { MAX_LINE_BYTES } from './line-protocol.ts';
export { PSU_LIMITS } from './power-supply.ts';
export { RELAY_CHANNELS } from './relay-board.ts';
export {
  createSimulatedAdapter,
  DEFAULT_SIMULATED_DEVICES,
  SimulatedAdapter,
  type SimulatedAdapterOptions,
} from './simulated-adapter.ts';
export type { SimulatedDeviceSpec, SimulatedFaults, SimulatedModel } from './simulated-unit.ts';
export type { ThermoHygrometerOptions } from './thermo-hygrometer.ts';
