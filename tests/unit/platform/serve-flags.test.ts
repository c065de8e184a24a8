import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  SERVE_V8_FLAGS,
  type ServeRelaunchFacts,
  serveRelaunch,
} from '../../../src/platform/runtime-flags/index.ts';

const base: ServeRelaunchFacts = {
  argv: ['/usr/bin/node', '/app/dist/main.js', 'serve'],
  execArgv: [],
  nodeOptions: undefined,
  canExecve: true,
};

test('serve is re-executed with the V8 flags before the script, keeping the options it was started with', () => {
  assert.equal(serveRelaunch(base), ['/usr/bin/node', ...SERVE_V8_FLAGS, '/app/dist/main.js', 'serve']);
  assert.equal(serveRelaunch({ ...base, execArgv: ['--import', 'tsx'], argv: [...base.argv, '--x'] }), [
    '/usr/bin/node',
    ...SERVE_V8_FLAGS,
    '--import',
    'tsx',
    '/app/dist/main.js',
    'serve',
    '--x',
  ]);
});

test('nothing is re-executed for another command, a flag the operator gave, or without execve', () => {
  const cases: [string, Partial<ServeRelaunchFacts>][] = [
    ['another command', { argv: ['/usr/bin/node', '/app/dist/main.js', 'migrate'] }],
    ['no command', { argv: ['/usr/bin/node', '/app/dist/main.js'] }],
    ['on the command line', { execArgv: ['--max-semi-space-size=16'] }],
    ['in NODE_OPTIONS', { nodeOptions: '--enable-source-maps --max-semi-space-size=8' }],
    ['no process.execve', { canExecve: false }],
  ];
  for (const [name, facts] of cases) assert.is(serveRelaunch({ ...base, ...facts }), undefined, name);
});

test.run();
