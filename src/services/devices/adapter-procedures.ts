import {
  type Adapter,
  AdapterCapability,
  AdapterState,
  type DeviceServiceService,
  type DiscoveredDevice,
} from '../../gen/hcs/v1/devices.ts';
import { invalidField } from '../../platform/errors/index.ts';
import type { ServiceImplementation } from '../../transport/rpc/index.ts';
import { ListReason, msFromDuration, pageSizeOf } from '../common/index.ts';
import { type Adapters, type AdapterView, allowListOf, type DiscoveredView } from './adapters.ts';
import { DeviceReason } from './reasons.ts';
import { idOfName } from './resource-names.ts';

type AdapterProcedures = Pick<
  ServiceImplementation<typeof DeviceServiceService>,
  'listAdapters' | 'getAdapter' | 'discoverDevices'
>;

const DEFAULT_DISCOVERY_MS = 5_000;
const MAX_DISCOVERY_MS = 60_000;

const CAPABILITIES = {
  discovery: AdapterCapability.ADAPTER_CAPABILITY_DISCOVERY,
  hotplug: AdapterCapability.ADAPTER_CAPABILITY_HOTPLUG,
  read: AdapterCapability.ADAPTER_CAPABILITY_READ,
  write: AdapterCapability.ADAPTER_CAPABILITY_WRITE,
  push_readings: AdapterCapability.ADAPTER_CAPABILITY_PUSH_READINGS,
} as const;

/** Maps the adapter RPCs onto {@link Adapters}. Adapters are few and fixed: one page holds them all. */
export function adapterProcedures(adapters: Adapters): AdapterProcedures {
  return {
    async listAdapters(request) {
      pageSizeOf(request.pageSize);
      if (request.pageToken !== '') {
        throw invalidField(
          ListReason.INVALID_PAGE_TOKEN,
          'page_token',
          'page_token is not one this server issued',
        );
      }
      return { adapters: (await adapters.list()).map(adapterToMessage), nextPageToken: '' };
    },

    async getAdapter(request) {
      return { adapter: adapterToMessage(await adapters.get(idOfName(request.name, 'adapters', 'name'))) };
    },

    async discoverDevices(request, ctx) {
      const name = idOfName(request.adapter, 'adapters', 'adapter');
      const timeoutMs =
        request.timeout === undefined ? DEFAULT_DISCOVERY_MS : msFromDuration(request.timeout);
      if (!(timeoutMs > 0 && timeoutMs <= MAX_DISCOVERY_MS)) {
        throw invalidField(
          DeviceReason.INVALID_TIMEOUT,
          'timeout',
          'timeout must be above 0 and at most 60s',
        );
      }
      for (const field of ['vendorId', 'productId'] as const) {
        if (!(request[field] >= 0 && request[field] <= 0xffff)) {
          const path = field === 'vendorId' ? 'vendor_id' : 'product_id';
          throw invalidField(DeviceReason.INVALID_NAME, path, `${path} must be from 0 to 65535`);
        }
      }
      const found = await adapters.discover(name, {
        vendorId: request.vendorId,
        productId: request.productId,
        timeoutMs,
        signal: ctx.signal,
      });
      return { discoveredDevices: found.map(discoveredToMessage) };
    },
  };
}

/** An adapter view as its proto message. */
export function adapterToMessage(view: AdapterView): Adapter {
  const { availability } = view.status;
  return {
    name: `adapters/${view.status.name}`,
    displayName: view.displayName,
    description: view.description,
    state: availability.ok ? AdapterState.ADAPTER_STATE_AVAILABLE : AdapterState.ADAPTER_STATE_UNAVAILABLE,
    stateReason: availability.ok ? '' : `${availability.reason}: ${availability.message}`,
    capabilities: view.capabilities.map((capability) => CAPABILITIES[capability]).sort((a, b) => a - b),
    driverVersion: '',
    deviceCount: view.deviceCount,
    allowList: allowListOf(view.status),
    allowListEnforced: view.status.allowList !== undefined,
  };
}

/** A discovered unit as its proto message; hardware facts become `properties`. */
export function discoveredToMessage(view: DiscoveredView): DiscoveredDevice {
  const { info } = view;
  return {
    adapter: `adapters/${view.adapter}`,
    address: info.id,
    vendorId: info.vendorId ?? 0,
    productId: info.productId ?? 0,
    serialNumber: info.serialNumber ?? '',
    manufacturer: info.attributes.manufacturer ?? '',
    product: info.name,
    properties: {
      ...info.attributes,
      ...(info.availability.ok
        ? {}
        : { availability: `${info.availability.reason}: ${info.availability.message}` }),
    },
    registered: view.device !== undefined,
    device: view.device === undefined ? '' : `devices/${view.device}`,
  };
}
