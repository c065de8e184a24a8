import type { EntityManager } from '@mikro-orm/core';
import { type Bus, defineTopic, type Subscription } from '../../platform/bus/index.ts';
import { AppError, Code } from '../../platform/errors/index.ts';
import type { Logger } from '../../platform/log/index.ts';
import { type Device, DeviceSchema } from './device.entity.ts';
import { type Profile, ProfileSchema } from './profile.entity.ts';
import { DeviceReason } from './reasons.ts';

/** How long a row is trusted without news of a change: the bound when a bus message is lost. */
export const DIRECTORY_TTL_MS = 5_000;

/** A change of a device or profile row, told to every replica. */
interface DirectoryChange {
  kind: 'device' | 'profile';
  id: string;
}

const CHANGES_TOPIC = defineTopic<DirectoryChange>('devices.directory');

interface Entry<T> {
  row: Promise<T>;
  expires: number;
}

/** The devices and profiles commands read, kept in memory. */
export type DeviceDirectory = ReturnType<typeof createDeviceDirectory>;

/**
 * Devices and profiles as commands read them, without two lookups per command. A row is read
 * once, then served from memory until this service changes it ({@link DeviceDirectory.changed},
 * told to the other replicas through the bus) or {@link DIRECTORY_TTL_MS} passes, which bounds
 * what a lost bus message can leave stale. Concurrent reads of one row share one query. CRUD
 * reads (GetDevice, ListDevices) go to the database, not here.
 */
export function createDeviceDirectory(options: { em: () => EntityManager; bus: Bus; logger: Logger }) {
  const { em, bus, logger } = options;
  const devices = new Map<string, Entry<Device>>();
  const profiles = new Map<string, Entry<Profile>>();
  let subscription: Subscription | undefined;

  function cached<T>(map: Map<string, Entry<T>>, id: string, load: () => Promise<T>): Promise<T> {
    const now = Date.now();
    const entry = map.get(id);
    if (entry !== undefined && entry.expires > now) return entry.row;
    const row = load();
    const fresh = { row, expires: now + DIRECTORY_TTL_MS };
    map.set(id, fresh);
    // A failed read (not found, database down) is not kept.
    row.catch(() => {
      if (map.get(id) === fresh) map.delete(id);
    });
    return row;
  }

  function forget(change: DirectoryChange): void {
    (change.kind === 'device' ? devices : profiles).delete(change.id);
  }

  return {
    /** The device `id`; NOT_FOUND `DEVICE_NOT_FOUND` when it does not exist. */
    device(id: string): Promise<Device> {
      return cached(devices, id, async () => {
        const row = await em().findOne(DeviceSchema, { id });
        if (row === null)
          throw new AppError(Code.NOT_FOUND, DeviceReason.DEVICE_NOT_FOUND, `devices/${id} does not exist`);
        return row;
      });
    },

    /** The profile `id`; FAILED_PRECONDITION `PROFILE_NOT_FOUND` when it does not exist. */
    profile(id: string): Promise<Profile> {
      return cached(profiles, id, async () => {
        const row = await em().findOne(ProfileSchema, { id });
        if (row === null) {
          throw new AppError(
            Code.FAILED_PRECONDITION,
            DeviceReason.PROFILE_NOT_FOUND,
            `deviceProfiles/${id} does not exist`,
          );
        }
        return row;
      });
    },

    /** Forgets a row this service changed, here at once and on the other replicas through the bus. */
    changed(kind: DirectoryChange['kind'], id: string): void {
      forget({ kind, id });
      bus.publish(CHANGES_TOPIC, { kind, id }).catch((error: unknown) => {
        logger.warn({ err: error, kind, id }, 'directory change not told to the other replicas');
      });
    },

    async start(): Promise<void> {
      subscription = await bus.subscribe(CHANGES_TOPIC, forget);
    },

    async close(): Promise<void> {
      await subscription?.unsubscribe();
      devices.clear();
      profiles.clear();
    },
  };
}
