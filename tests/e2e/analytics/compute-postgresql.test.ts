import { createTestPostgresDatabase, postgresSuitesEnabled } from '../../helpers/postgres.ts';
import { runComputeCases } from './compute.case.ts';

if (await postgresSuitesEnabled('analytics computations on postgresql')) {
  runComputeCases({
    label: 'postgresql',
    async open() {
      const database = await createTestPostgresDatabase();
      return { env: { HCS_DATABASE_URL: database.url, HCS_AUTO_MIGRATE: 'true' }, cleanup: database.drop };
    },
  });
}
