import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/** Operator permission to command a device (proto `hcs.v1.AdminState`, lower case). */
export const ADMIN_STATES = ['locked', 'unlocked'] as const;
/** One of {@link ADMIN_STATES}. */
export type AdminStateName = (typeof ADMIN_STATES)[number];

/**
 * One registered device (`devices`), resource name `devices/{id}`: hardware at `address` on
 * `adapter`, described by `profile`. Connectivity (operating state, presence) is observed live
 * by each node and not stored; the times record what this or another node last saw.
 * `revision` is the etag and counts changes of user-settable fields.
 */
export const DeviceSchema = defineEntity({
  name: 'Device',
  tableName: 'devices',
  properties: {
    id: p.string().length(63).primary(),
    displayName: p.string().length(128).default(''),
    description: p.string().length(4096).default(''),
    profile: p.string().length(63).index('devices_profile_index'),
    adapter: p.string().length(16),
    address: p.string().length(255),
    protocolProperties: p.json<Record<string, string>>(),
    labels: p.json<Record<string, string>>(),
    adminState: p.enum(ADMIN_STATES),
    revision: p.integer(),
    createTime: p.datetime(3),
    updateTime: p.datetime(3),
    lastSeenTime: p.datetime(3).nullable(),
    lastConnectedTime: p.datetime(3).nullable(),
    lastCommandTime: p.datetime(3).nullable(),
    /** The node that last opened the device; `''` until one has. */
    node: p.string().length(255).default(''),
  },
  uniques: [{ name: 'devices_adapter_address_unique', properties: ['adapter', 'address'] }],
});

/** A device row. */
export type Device = InferEntity<typeof DeviceSchema>;
