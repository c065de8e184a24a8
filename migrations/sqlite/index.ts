import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261126083504_initial } from './Migration20261126083504_initial.ts';
import { Migration20261126092154_users } from './Migration20261126092154_users.ts';
import { Migration20261126095858_auth_credentials } from './Migration20261126095858_auth_credentials.ts';

/** Every migration of this dialect, oldest first. Maintained by `migrations/create.ts`. */
export const migrations: MigrationObject[] = [
  { name: 'Migration20261126083504_initial', class: Migration20261126083504_initial },
  { name: 'Migration20261126092154_users', class: Migration20261126092154_users },
  { name: 'Migration20261126095858_auth_credentials', class: Migration20261126095858_auth_credentials },
];
