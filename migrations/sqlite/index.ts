import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261126083504_initial } from './Migration20261126083504_initial.ts';
import { Migration20261126092154_users } from './Migration20261126092154_users.ts';
import { Migration20261126095858_auth_credentials } from './Migration20261126095858_auth_credentials.ts';
import { Migration20261202050453_analytics_series_chunks } from './Migration20261202050453_analytics_series_chunks.ts';
import { Migration20261202050943_command_runs } from './Migration20261202050943_command_runs.ts';
import { Migration20261202051227_registry_instances_and_changes } from './Migration20261202051227_registry_instances_and_changes.ts';
import { Migration20261202080040_stored_settings } from './Migration20261202080040_stored_settings.ts';
import { Migration20261202081353_devices } from './Migration20261202081353_devices.ts';
import { Migration20261202090834_device_jobs } from './Migration20261202090834_device_jobs.ts';
import { Migration20261202091951_device_jobs_interrupted_request_id } from './Migration20261202091951_device_jobs_interrupted_request_id.ts';

/** Every migration of this dialect, oldest first. Maintained by `migrations/create.ts`. */
export const migrations: MigrationObject[] = [
  { name: 'Migration20261126083504_initial', class: Migration20261126083504_initial },
  { name: 'Migration20261126092154_users', class: Migration20261126092154_users },
  { name: 'Migration20261126095858_auth_credentials', class: Migration20261126095858_auth_credentials },
  {
    name: 'Migration20261202050453_analytics_series_chunks',
    class: Migration20261202050453_analytics_series_chunks,
  },
  { name: 'Migration20261202050943_command_runs', class: Migration20261202050943_command_runs },
  {
    name: 'Migration20261202051227_registry_instances_and_changes',
    class: Migration20261202051227_registry_instances_and_changes,
  },
  { name: 'Migration20261202080040_stored_settings', class: Migration20261202080040_stored_settings },
  { name: 'Migration20261202081353_devices', class: Migration20261202081353_devices },
  { name: 'Migration20261202090834_device_jobs', class: Migration20261202090834_device_jobs },
  {
    name: 'Migration20261202091951_device_jobs_interrupted_request_id',
    class: Migration20261202091951_device_jobs_interrupted_request_id,
  },
];
