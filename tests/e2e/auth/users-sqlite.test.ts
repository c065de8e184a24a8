import { join } from 'node:path';
import { tempDir } from '../../helpers/process.ts';
import { runUserCases } from './users.case.ts';

const scratch = tempDir('hcs-users-test-');

runUserCases({
  label: 'sqlite',
  async open() {
    return { config: { databaseUrl: undefined, dataDir: join(scratch, 'data') }, cleanup: async () => {} };
  },
});
