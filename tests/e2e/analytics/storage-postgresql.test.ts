import { createTestPostgresDatabase, postgresSuitesEnabled } from '../../helpers/postgres.ts';
import { runStorageCases } from './storage.case.ts';

if (await postgresSuitesEnabled('analytics storage on postgresql')) {
  runStorageCases({
    label: 'postgresql',
    async open() {
      const database = await createTestPostgresDatabase();
      return { config: { databaseUrl: database.url, dataDir: '/nonexistent' }, cleanup: database.drop };
    },
  });
}
