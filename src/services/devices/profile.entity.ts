import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import type { ProfileBody } from './profile-schema.ts';

/** Where a profile came from: shipped with the server, provisioned from a folder, or made through the API. */
export const PROFILE_SOURCES = ['built-in', 'file', 'api'] as const;
/** One of {@link PROFILE_SOURCES}. */
export type ProfileSource = (typeof PROFILE_SOURCES)[number];

/**
 * One device profile (`device_profiles`), resource name `deviceProfiles/{id}`. The resources
 * and commands are one validated document (`body`), read and replaced whole; `revision` is
 * the etag and counts every change.
 */
export const ProfileSchema = defineEntity({
  name: 'DeviceProfile',
  tableName: 'device_profiles',
  properties: {
    id: p.string().length(63).primary(),
    displayName: p.string().length(128).default(''),
    manufacturer: p.string().length(128).default(''),
    model: p.string().length(128).default(''),
    description: p.string().length(4096).default(''),
    labels: p.json<Record<string, string>>(),
    body: p.json<ProfileBody>(),
    source: p.enum(PROFILE_SOURCES),
    revision: p.integer(),
    createTime: p.datetime(3),
    updateTime: p.datetime(3),
  },
});

/** A device profile row. */
export type Profile = InferEntity<typeof ProfileSchema>;
