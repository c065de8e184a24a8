/**
 * The adapters hcs ships, created by name. Each adapter's folder is imported only when it is
 * asked for, and each adapter imports its native library only in `initialize()`, so a broken
 * or missing library disables that one adapter, with the reason, and never the process.
 */
import { type Adapter, availabilityFromLoadError } from '../index.ts';
import type { HidAdapterOptions } from './hid/index.ts';
import type { SerialAdapterOptions } from './serial/index.ts';
import type { SimulatedAdapterOptions } from './simulated/index.ts';
import { createUnavailableAdapter } from './unavailable-adapter.ts';
import type { UsbAdapterOptions } from './usb/index.ts';

export { createUnavailableAdapter } from './unavailable-adapter.ts';

/** Each shipped adapter's name and options. */
export interface AdapterOptionsByName {
  simulated: SimulatedAdapterOptions;
  hid: HidAdapterOptions;
  usb: UsbAdapterOptions;
  serial: SerialAdapterOptions;
}
export type AdapterName = keyof AdapterOptionsByName;

/** The names {@link loadAdapter} accepts, in the order hcs lists them. */
export const ADAPTER_NAMES: readonly AdapterName[] = ['simulated', 'hid', 'usb', 'serial'];

const FACTORIES: { [N in AdapterName]: () => Promise<(options: AdapterOptionsByName[N]) => Adapter> } = {
  simulated: async () => (await import('./simulated/index.ts')).createSimulatedAdapter,
  hid: async () => (await import('./hid/index.ts')).createHidAdapter,
  usb: async () => (await import('./usb/index.ts')).createUsbAdapter,
  serial: async () => (await import('./serial/index.ts')).createSerialAdapter,
};

/**
 * Creates adapter `name` with `options`, importing its code now. Bad options throw
 * (INVALID_REQUEST); a failed import yields an adapter that reports DRIVER_MISSING.
 */
export async function loadAdapter<N extends AdapterName>(
  name: N,
  options: AdapterOptionsByName[N] = {} as AdapterOptionsByName[N],
): Promise<Adapter> {
  let create: (options: AdapterOptionsByName[N]) => Adapter;
  try {
    create = await FACTORIES[name]();
  } catch (error) {
    return createUnavailableAdapter(name, availabilityFromLoadError(`the ${name} adapter`, error));
  }
  return create(options);
}
