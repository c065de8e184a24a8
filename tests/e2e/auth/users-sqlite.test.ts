import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runUserCases } from './users.case.ts';

const scratch = mkdtempSync(join(tmpdir(), 'hcs-users-test-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

runUserCases({
  label: 'sqlite',
  async open() {
    return { config: { databaseUrl: undefined, dataDir: join(scratch, 'data') }, cleanup: async () => {} };
  },
});
