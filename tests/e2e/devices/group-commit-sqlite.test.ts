import { runGroupCommitCases } from './group-commit.case.ts';

runGroupCommitCases('sqlite', async () => ({ env: {}, drop: async () => undefined }));
