import { runComputeCases } from './compute.case.ts';

runComputeCases({
  label: 'sqlite',
  async open() {
    return { env: {}, cleanup: async () => {} };
  },
});
