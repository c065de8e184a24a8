import type { EntityManager } from '@mikro-orm/core';
import { type AdapterStatus, type DeviceInfo, formatUsbId } from '../../hardware/index.ts';
import { AppError, Code } from '../../platform/errors/index.ts';
import { DeviceSchema } from './device.entity.ts';
import type { DeviceHardware } from './device-hardware.ts';
import { fromAdapterError } from './from-adapter-error.ts';
import { DeviceReason } from './reasons.ts';

/** What operators are told about each adapter beyond its availability. */
export interface AdapterFacts {
  displayName: string;
  description: string;
  capabilities: Array<'discovery' | 'hotplug' | 'read' | 'write' | 'push_readings'>;
}

const FACTS: Record<string, AdapterFacts> = {
  simulated: {
    displayName: 'Simulated bench',
    description:
      'Software instruments (thermo-hygrometer, relay board, power supply) speaking a line protocol, addressed by id such as sim-th-1.',
    capabilities: ['discovery', 'hotplug', 'read', 'write'],
  },
  hid: {
    displayName: 'USB HID',
    description:
      'HID devices through node-hid, addressed as vvvv:pppp:<serial>:<interface> or vvvv:pppp@<path>; only allow-listed ids are opened.',
    capabilities: ['discovery', 'hotplug', 'read', 'write', 'push_readings'],
  },
  usb: {
    displayName: 'USB',
    description:
      'Raw USB transfers through libusb, addressed as <bus>-<ports>:vvvv:pppp[:<serial>]; only allow-listed ids are opened.',
    capabilities: ['discovery', 'hotplug', 'read', 'write'],
  },
  serial: {
    displayName: 'Serial port',
    description: 'Serial ports through serialport, addressed by port path such as /dev/ttyUSB0.',
    capabilities: ['discovery', 'hotplug', 'read', 'write'],
  },
};

/** An adapter as the API shows it. */
export interface AdapterView extends AdapterFacts {
  status: AdapterStatus;
  deviceCount: number;
}

/** A unit found by a scan, with the registered device using its address, if any. */
export interface DiscoveredView {
  adapter: string;
  info: DeviceInfo;
  device: string | undefined;
}

/** Adapters as operators see them: availability, allow-list, device counts, discovery. */
export type Adapters = ReturnType<typeof createAdapters>;

/** Creates the adapter views over the node's hardware. */
export function createAdapters(options: { hardware: DeviceHardware; em: () => EntityManager }) {
  const { hardware, em } = options;

  const status = (name: string): AdapterStatus => {
    const found = hardware.adapter(name);
    if (found === undefined) {
      throw new AppError(
        Code.NOT_FOUND,
        DeviceReason.ADAPTER_NOT_FOUND,
        `adapters/${name} does not exist; this server runs ${
          hardware
            .adapters()
            .map((a) => a.name)
            .join(', ') || 'no adapter'
        }`,
      );
    }
    return found;
  };

  async function viewsOf(statuses: AdapterStatus[]): Promise<AdapterView[]> {
    const rows = await em().find(DeviceSchema, {}, { fields: ['adapter'] });
    return statuses.map((adapterStatus) => ({
      ...(FACTS[adapterStatus.name] ?? {
        displayName: adapterStatus.name,
        description: '',
        capabilities: [],
      }),
      status: adapterStatus,
      deviceCount: rows.filter((row) => row.adapter === adapterStatus.name).length,
    }));
  }

  return {
    list(): Promise<AdapterView[]> {
      return viewsOf(hardware.adapters());
    },

    async get(name: string): Promise<AdapterView> {
      const [view] = await viewsOf([status(name)]);
      return view as AdapterView;
    },

    /** Scans `name` for up to `timeoutMs`; FAILED_PRECONDITION `ADAPTER_UNAVAILABLE` when it cannot be used. */
    async discover(
      name: string,
      filter: { vendorId: number; productId: number; timeoutMs: number; signal: AbortSignal },
    ): Promise<DiscoveredView[]> {
      const adapterStatus = status(name);
      if (!adapterStatus.availability.ok) {
        throw new AppError(
          Code.FAILED_PRECONDITION,
          DeviceReason.ADAPTER_UNAVAILABLE,
          `adapters/${name} is unavailable: ${adapterStatus.availability.message}`,
        );
      }
      let found: DeviceInfo[];
      try {
        const signal = AbortSignal.any([filter.signal, AbortSignal.timeout(filter.timeoutMs)]);
        found = await hardware.runtime().discover(name, { signal });
      } catch (error) {
        throw fromAdapterError(error);
      }
      const matching = found.filter(
        (info) =>
          (filter.vendorId === 0 || info.vendorId === filter.vendorId) &&
          (filter.productId === 0 || info.productId === filter.productId),
      );
      const registered = await em().find(DeviceSchema, { adapter: name }, { fields: ['id', 'address'] });
      const byAddress = new Map(registered.map((row) => [row.address, row.id]));
      return matching
        .sort((a, b) => a.id.localeCompare(b.id))
        .map((info) => ({ adapter: name, info, device: byAddress.get(info.id) }));
    },
  };
}

/** `vvvv:pppp` entries of an adapter's allow-list. */
export function allowListOf(adapterStatus: AdapterStatus): string[] {
  return (adapterStatus.allowList ?? []).map((entry) => formatUsbId(entry.vendorId, entry.productId));
}
