import type { EntityManager } from '@mikro-orm/core';
import { AppError, Code, invalidField } from '../../platform/errors/index.ts';
import { findKeysetPage, findMatchingKeysetPage, type KeysetOrder } from '../common/index.ts';
import { assertNoJobTargets } from './active-jobs.ts';
import { type AdminStateName, type Device, DeviceSchema } from './device.entity.ts';
import type { DeviceHardware } from './device-hardware.ts';
import { pollScheduleOf } from './device-polling.ts';
import { liveStateFilters } from './device-state.ts';
import { compileFilter } from './list-filter.ts';
import { type Profile, ProfileSchema } from './profile.entity.ts';
import { assertEtag } from './profiles.ts';
import { DeviceReason } from './reasons.ts';
import { assertResourceId, etagOf } from './resource-names.ts';

/** The fields of a device a caller sets. */
export interface DeviceInput {
  displayName: string;
  description: string;
  profile: string;
  adapter: string;
  address: string;
  protocolProperties: Record<string, string>;
  labels: Record<string, string>;
  /** Undefined: unlocked at creation, unchanged in an update. */
  adminState: AdminStateName | undefined;
}

/** The fields UpdateDevice may change. */
export const UPDATABLE_DEVICE_FIELDS = [
  'display_name',
  'description',
  'profile',
  'address',
  'protocol_properties',
  'labels',
  'admin_state',
] as const;

const DEVICE_ORDER: KeysetOrder<Device> = {
  key: 'id',
  direction: 'asc',
  cursorPrefix: 'd1:',
  keyPattern: /^[a-z][a-z0-9-]{0,62}$/,
};

const ADMIN_STATE_NAMES: Record<string, AdminStateName> = {
  ADMIN_STATE_LOCKED: 'locked',
  ADMIN_STATE_UNLOCKED: 'unlocked',
};

/** Registered devices: CRUD with etags, filters and keyset pages. */
export type Devices = ReturnType<typeof createDevices>;

/** Creates the device resource over the database and the node's hardware. */
export function createDevices(options: {
  em: () => EntityManager;
  hardware: DeviceHardware;
  /** Told when an update changed the admin state; must not throw. */
  onAdminStateChange?: (before: Device, after: Device) => void;
  /** Told after a device was updated or deleted ; must not throw. */
  onChange?: (id: string) => void;
}) {
  const { em, hardware } = options;

  async function load(fork: EntityManager, id: string): Promise<Device> {
    const row = await fork.findOne(DeviceSchema, { id });
    if (row === null)
      throw new AppError(Code.NOT_FOUND, DeviceReason.DEVICE_NOT_FOUND, `devices/${id} does not exist`);
    return row;
  }

  async function loadProfile(fork: EntityManager, profile: string): Promise<Profile> {
    const row = await fork.findOne(ProfileSchema, { id: profile });
    if (row === null) {
      throw new AppError(
        Code.FAILED_PRECONDITION,
        DeviceReason.PROFILE_NOT_FOUND,
        `deviceProfiles/${profile} does not exist; create it first`,
      );
    }
    return row;
  }

  async function assertAddressFree(
    fork: EntityManager,
    adapter: string,
    address: string,
    except = '',
  ): Promise<void> {
    const holder = await fork.findOne(DeviceSchema, { adapter, address });
    if (holder !== null && holder.id !== except) {
      throw new AppError(
        Code.ALREADY_EXISTS,
        DeviceReason.ADDRESS_IN_USE,
        `devices/${holder.id} already uses address ${JSON.stringify(address)} on adapters/${adapter}`,
      );
    }
  }

  return {
    async create(id: string, input: DeviceInput): Promise<Device> {
      assertResourceId(id, 'device_id');
      assertDeviceInput(input, 'device');
      if (hardware.adapter(input.adapter) === undefined) {
        throw new AppError(
          Code.FAILED_PRECONDITION,
          DeviceReason.ADAPTER_NOT_FOUND,
          `adapters/${input.adapter} does not exist on this server (HCS_DEVICES_ADAPTERS)`,
        );
      }
      const fork = em();
      pollScheduleOf(input.protocolProperties, await loadProfile(fork, input.profile));
      await assertAddressFree(fork, input.adapter, input.address);
      const now = new Date();
      const row = fork.create(DeviceSchema, {
        id,
        displayName: input.displayName,
        description: input.description,
        profile: input.profile,
        adapter: input.adapter,
        address: input.address,
        protocolProperties: input.protocolProperties,
        labels: input.labels,
        adminState: input.adminState ?? 'unlocked',
        revision: 1,
        createTime: now,
        updateTime: now,
        lastSeenTime: null,
        lastConnectedTime: null,
        lastCommandTime: null,
      });
      try {
        await fork.flush();
      } catch (error) {
        if (AppError.from(error).code !== Code.ALREADY_EXISTS) throw error;
        const taken = (await em().count(DeviceSchema, { id })) > 0;
        if (!taken) await assertAddressFree(em(), input.adapter, input.address);
        throw new AppError(Code.ALREADY_EXISTS, DeviceReason.DEVICE_EXISTS, `devices/${id} already exists`);
      }
      return row;
    },

    get(id: string): Promise<Device> {
      return load(em(), id);
    },

    async list(request: { pageSize: number; pageToken: string; filter: string }) {
      const { where, matches } = compileFilter<Device>(
        request.filter,
        {
          profile: { column: 'profile', value: (text) => prefixed(text, 'deviceProfiles/') },
          adapter: { column: 'adapter', value: (text) => prefixed(text, 'adapters/') },
          admin_state: { column: 'adminState', value: (text) => ADMIN_STATE_NAMES[text] },
          display_name: { column: 'displayName' },
        },
        liveStateFilters(hardware),
      );
      if (matches === undefined)
        return findKeysetPage(em(), DeviceSchema, where as never, DEVICE_ORDER, request);
      return findMatchingKeysetPage(em, DeviceSchema, where as never, DEVICE_ORDER, request, matches);
    },

    async update(
      id: string,
      etag: string,
      input: DeviceInput,
      fields: ReadonlySet<string>,
    ): Promise<{ before: Device; after: Device }> {
      const fork = em();
      const row = await load(fork, id);
      assertEtag(etag, row.revision, `devices/${id}`);
      const next = {
        displayName: fields.has('display_name') ? input.displayName : row.displayName,
        description: fields.has('description') ? input.description : row.description,
        profile: fields.has('profile') ? input.profile : row.profile,
        address: fields.has('address') ? input.address : row.address,
        protocolProperties: fields.has('protocol_properties')
          ? input.protocolProperties
          : row.protocolProperties,
        labels: fields.has('labels') ? input.labels : row.labels,
        adminState: fields.has('admin_state') ? (input.adminState ?? row.adminState) : row.adminState,
      };
      assertDeviceInput({ ...next, adapter: row.adapter }, 'device');
      pollScheduleOf(next.protocolProperties, await loadProfile(fork, next.profile));
      if (next.address !== row.address) await assertAddressFree(fork, row.adapter, next.address, id);
      const changed = await fork.nativeUpdate(
        DeviceSchema,
        { id, revision: row.revision },
        { ...next, revision: row.revision + 1, updateTime: new Date() },
      );
      if (changed !== 1) assertEtag(etagOf(row.revision), -1, `devices/${id}`);
      options.onChange?.(id);
      const after = await load(em(), id);
      if (
        after.address !== row.address ||
        JSON.stringify(after.protocolProperties) !== JSON.stringify(row.protocolProperties)
      ) {
        // Reconnect on the next command, at the new address or with the new settings.
        await hardware
          .runtime()
          .closeDevice({ adapter: row.adapter, deviceId: row.address })
          .catch(() => {});
      }
      if (after.adminState !== row.adminState) options.onAdminStateChange?.(row, after);
      return { before: row, after };
    },

    async delete(id: string, etag: string): Promise<Device> {
      const fork = em();
      const row = await load(fork, id);
      assertEtag(etag, row.revision, `devices/${id}`);
      await assertNoJobTargets(fork, id);
      const deleted = await fork.nativeDelete(DeviceSchema, { id, revision: row.revision });
      if (deleted !== 1) assertEtag(etagOf(row.revision), -1, `devices/${id}`);
      options.onChange?.(id);
      try {
        await hardware.runtime().closeDevice({ adapter: row.adapter, deviceId: row.address });
      } catch {
        // The hardware layer is stopped: nothing is open.
      }
      return row;
    },

    /** The device registered at `address` on `adapter`, if any. */
    findByAddress(adapter: string, address: string): Promise<Device | null> {
      return em().findOne(DeviceSchema, { adapter, address });
    },
  };
}

function prefixed(text: string, prefix: string): string | undefined {
  return text.startsWith(prefix) && text.length > prefix.length ? text.slice(prefix.length) : undefined;
}

function assertDeviceInput(input: Omit<DeviceInput, 'adminState'>, at: string): void {
  const bad = (field: string, message: string): never => {
    throw invalidField(DeviceReason.INVALID_DEVICE, `${at}.${field}`, `${at}.${field} ${message}`);
  };
  if (input.displayName.length > 128) bad('display_name', 'is longer than 128 characters');
  if (input.description.length > 4096) bad('description', 'is longer than 4096 characters');
  if (input.address === '' || input.address.length > 255) bad('address', 'must be 1 to 255 characters');
  for (const [field, map] of [
    ['labels', input.labels],
    ['protocol_properties', input.protocolProperties],
  ] as const) {
    const entries = Object.entries(map);
    if (entries.length > 64) bad(field, 'has more than 64 entries');
    for (const [key, value] of entries) {
      if (key === '' || key.length > 63 || value.length > 255)
        bad(field, `entry ${JSON.stringify(key.slice(0, 40))} is too long or empty`);
    }
  }
}
