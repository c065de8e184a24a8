import { runCredentialCases } from './credentials.case.ts';

runCredentialCases({
  label: 'sqlite',
  async open() {
    return { env: {}, cleanup: async () => undefined };
  },
});
