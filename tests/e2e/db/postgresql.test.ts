import { createTestPostgresDatabase, postgresSuitesEnabled } from '../../helpers/postgres.ts';
import { runDatabaseCases } from './database.case.ts';

if (await postgresSuitesEnabled('database on postgresql')) {
  runDatabaseCases({
    label: 'postgresql',
    sharedByReplicas: true,
    async open() {
      const database = await createTestPostgresDatabase();
      return { config: { databaseUrl: database.url, dataDir: '/nonexistent' }, cleanup: database.drop };
    },
    unreachable: () => ({ databaseUrl: 'postgres://postgres@127.0.0.1:1/hcs', dataDir: '/nonexistent' }),
  });
}
