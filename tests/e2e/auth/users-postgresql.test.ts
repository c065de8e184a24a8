import { createTestPostgresDatabase, postgresSuitesEnabled } from '../../helpers/postgres.ts';
import { runUserCases } from './users.case.ts';

if (await postgresSuitesEnabled('users on postgresql')) {
  runUserCases({
    label: 'postgresql',
    async open() {
      const database = await createTestPostgresDatabase();
      return { config: { databaseUrl: database.url, dataDir: '/nonexistent' }, cleanup: database.drop };
    },
  });
}
