import { createTestPostgresDatabase, postgresSuitesEnabled } from '../../helpers/postgres.ts';
import { runGroupCommitCases } from './group-commit.case.ts';

if (await postgresSuitesEnabled('device group commit')) {
  runGroupCommitCases('postgresql', async () => {
    const database = await createTestPostgresDatabase();
    return {
      env: { HCS_DATABASE_URL: database.url, HCS_AUTO_MIGRATE: 'true' },
      drop: () => database.drop(),
    };
  });
}
