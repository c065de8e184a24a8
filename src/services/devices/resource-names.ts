import { invalidField } from '../../platform/errors/index.ts';
import { PROFILE_ID } from './profile-schema.ts';
import { DeviceReason } from './reasons.ts';

/** What device and profile ids must look like: an RFC 1123 label starting with a letter. */
export const RESOURCE_ID = PROFILE_ID;
const EXECUTION_ID = /^[0-9A-Z]{26}$/;

/** The id of `collection/{id}` in `field`; INVALID_ARGUMENT `INVALID_NAME` naming the field otherwise. */
export function idOfName(
  name: string,
  collection: 'devices' | 'deviceProfiles' | 'adapters' | 'jobs',
  field: string,
): string {
  const prefix = `${collection}/`;
  const id = name.startsWith(prefix) ? name.slice(prefix.length) : '';
  const pattern = collection === 'adapters' ? /^[a-z][a-z0-9-]{0,62}$/ : RESOURCE_ID;
  if (!pattern.test(id)) {
    throw invalidField(
      DeviceReason.INVALID_NAME,
      field,
      `${field} must be ${collection}/{id} with an RFC 1123 label id`,
    );
  }
  return id;
}

/** Checks a new resource's id (`device_id`, `device_profile_id`). */
export function assertResourceId(id: string, field: string): void {
  if (!RESOURCE_ID.test(id)) {
    throw invalidField(
      DeviceReason.INVALID_NAME,
      field,
      `${field} must be 1 to 63 lowercase letters, digits and "-", starting with a letter and not ending with "-"`,
    );
  }
}

/** The device id and execution id of `devices/{device}/commandExecutions/{id}`. */
export function executionIdsOfName(name: string, field = 'name'): { device: string; id: string } {
  const match = /^devices\/([^/]+)\/commandExecutions\/([^/]+)$/.exec(name);
  if (match === null || !RESOURCE_ID.test(match[1] ?? '') || !EXECUTION_ID.test(match[2] ?? '')) {
    throw invalidField(
      DeviceReason.INVALID_NAME,
      field,
      `${field} must be devices/{device}/commandExecutions/{command_execution}`,
    );
  }
  return { device: match[1] as string, id: match[2] as string };
}

/** The etag of a revision. */
export function etagOf(revision: number): string {
  return `W/"${revision}"`;
}
