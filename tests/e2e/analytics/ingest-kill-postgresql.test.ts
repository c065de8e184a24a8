import { createTestPostgresDatabase, postgresSuitesEnabled } from '../../helpers/postgres.ts';
import { runKillCases } from './ingest-kill.case.ts';

if (await postgresSuitesEnabled('analytics ingestion killed mid-stream on postgresql')) {
  runKillCases({
    label: 'postgresql',
    async open() {
      const database = await createTestPostgresDatabase();
      return {
        env: { HCS_DATABASE_URL: database.url, HCS_AUTO_MIGRATE: 'true' },
        cleanup: database.drop,
      };
    },
  });
}
