import { runKillCases } from './ingest-kill.case.ts';

runKillCases({
  label: 'sqlite',
  async open() {
    return { env: {}, cleanup: async () => undefined };
  },
});
