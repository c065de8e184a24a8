import {
  AdminState,
  type Device as DeviceMessage,
  type DeviceServiceService,
  OperatingState,
  Presence,
} from '../../gen/hcs/v1/devices.ts';
import { invalidField } from '../../platform/errors/index.ts';
import type { ServiceImplementation } from '../../transport/rpc/index.ts';
import type { AdminStateName, Device } from './device.entity.ts';
import type { DeviceHardware } from './device-hardware.ts';
import { observedStateOf } from './device-state.ts';
import { type DeviceInput, type Devices, UPDATABLE_DEVICE_FIELDS } from './devices.ts';
import { assertDefaultOrder } from './list-filter.ts';
import { maskOf } from './profile-procedures.ts';
import { DeviceReason } from './reasons.ts';
import { etagOf, idOfName } from './resource-names.ts';

type DeviceProcedures = Pick<
  ServiceImplementation<typeof DeviceServiceService>,
  'createDevice' | 'getDevice' | 'listDevices' | 'updateDevice' | 'deleteDevice'
>;

/** Maps the device RPCs onto {@link Devices}; each answer carries the state this node observes. */
export function deviceProcedures(devices: Devices, hardware: DeviceHardware): DeviceProcedures {
  const toMessage = (row: Device) => deviceToMessage(row, hardware);
  return {
    async createDevice(request) {
      const device = requireDevice(request.device);
      const row = await devices.create(request.deviceId, deviceInputOf(device, true));
      return { device: toMessage(row) };
    },

    async getDevice(request) {
      return { device: toMessage(await devices.get(idOfName(request.name, 'devices', 'name'))) };
    },

    async listDevices(request) {
      assertDefaultOrder(request.orderBy, ['name']);
      const page = await devices.list(request);
      return { devices: page.rows.map(toMessage), nextPageToken: page.nextPageToken };
    },

    async updateDevice(request) {
      const device = requireDevice(request.device);
      const id = idOfName(device.name, 'devices', 'device.name');
      const fields = maskOf(request.updateMask, UPDATABLE_DEVICE_FIELDS, () => {
        const implied = new Set<string>();
        if (device.displayName !== '') implied.add('display_name');
        if (device.description !== '') implied.add('description');
        if (device.profile !== '') implied.add('profile');
        if (device.address !== '') implied.add('address');
        if (Object.keys(device.protocolProperties).length > 0) implied.add('protocol_properties');
        if (Object.keys(device.labels).length > 0) implied.add('labels');
        if (device.adminState !== AdminState.ADMIN_STATE_UNSPECIFIED) implied.add('admin_state');
        return implied;
      });
      const { after } = await devices.update(id, device.etag, deviceInputOf(device, false), fields);
      return { device: toMessage(after) };
    },

    async deleteDevice(request) {
      await devices.delete(idOfName(request.name, 'devices', 'name'), request.etag);
      return {};
    },
  };
}

function requireDevice(device: DeviceMessage | undefined): DeviceMessage {
  if (device === undefined) throw invalidField(DeviceReason.INVALID_DEVICE, 'device', 'device is required');
  return device;
}

function deviceInputOf(device: DeviceMessage, creating: boolean): DeviceInput {
  const adminState: AdminStateName | undefined =
    device.adminState === AdminState.ADMIN_STATE_LOCKED
      ? 'locked'
      : device.adminState === AdminState.ADMIN_STATE_UNLOCKED
        ? 'unlocked'
        : undefined;
  if (adminState === undefined && device.adminState !== AdminState.ADMIN_STATE_UNSPECIFIED) {
    throw invalidField(
      DeviceReason.INVALID_DEVICE,
      'device.admin_state',
      'admin_state must be LOCKED or UNLOCKED',
    );
  }
  const profile =
    device.profile === '' && !creating ? '' : idOfName(device.profile, 'deviceProfiles', 'device.profile');
  const adapter = creating ? idOfName(device.adapter, 'adapters', 'device.adapter') : '';
  return {
    displayName: device.displayName,
    description: device.description,
    profile,
    adapter,
    address: device.address,
    protocolProperties: device.protocolProperties,
    labels: device.labels,
    adminState,
  };
}

const OPERATING = {
  up: OperatingState.OPERATING_STATE_UP,
  down: OperatingState.OPERATING_STATE_DOWN,
  unknown: OperatingState.OPERATING_STATE_UNKNOWN,
};
const PRESENCE = {
  present: Presence.PRESENCE_PRESENT,
  absent: Presence.PRESENCE_ABSENT,
  unknown: Presence.PRESENCE_UNSPECIFIED,
};

/** A device row as its proto message, with the connectivity this node observes now. */
export function deviceToMessage(row: Device, hardware: DeviceHardware): DeviceMessage {
  const live = observedStateOf(hardware, row);
  return {
    name: `devices/${row.id}`,
    displayName: row.displayName,
    description: row.description,
    profile: `deviceProfiles/${row.profile}`,
    adapter: `adapters/${row.adapter}`,
    address: row.address,
    protocolProperties: row.protocolProperties,
    labels: row.labels,
    adminState: row.adminState === 'locked' ? AdminState.ADMIN_STATE_LOCKED : AdminState.ADMIN_STATE_UNLOCKED,
    operatingState: OPERATING[live.operating],
    stateReason: live.reason,
    lastSeenTime: row.lastSeenTime ?? undefined,
    createTime: row.createTime,
    updateTime: row.updateTime,
    etag: etagOf(row.revision),
    presence: PRESENCE[live.presence],
    ready: live.ready,
    lastConnectedTime: row.lastConnectedTime ?? undefined,
    lastCommandTime: row.lastCommandTime ?? undefined,
    node: row.node,
  };
}
