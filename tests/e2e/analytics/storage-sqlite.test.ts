import { join } from 'node:path';
import { tempDir } from '../../helpers/process.ts';
import { runStorageCases } from './storage.case.ts';

const scratch = tempDir('hcs-analytics-storage-');

runStorageCases({
  label: 'sqlite',
  async open() {
    return { config: { databaseUrl: undefined, dataDir: join(scratch, 'data') }, cleanup: async () => {} };
  },
});
