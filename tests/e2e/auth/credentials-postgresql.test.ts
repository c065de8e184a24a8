import { createTestPostgresDatabase, postgresSuitesEnabled } from '../../helpers/postgres.ts';
import { runCredentialCases } from './credentials.case.ts';

if (await postgresSuitesEnabled('credentials on postgresql')) {
  runCredentialCases({
    label: 'postgresql',
    async open() {
      const database = await createTestPostgresDatabase();
      return { env: { HCS_DATABASE_URL: database.url, HCS_AUTO_MIGRATE: 'true' }, cleanup: database.drop };
    },
  });
}
