import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  SUPPORTED_NODE,
  satisfiesNodeRange,
  unsupportedNodeMessage,
} from '../../../src/platform/node-version/index.ts';

const supported: [version: string, range: string, ok: boolean][] = [
  ['20.19.2', '>=22.17', false],
  ['v20.20.2', '>=22.17', false],
  ['22.16.0', '>=22.17', false],
  ['22.16.99', '>=22.17', false],
  ['22.17.0', '>=22.17', true],
  ['22.17.1', '>=22.17', true],
  ['22.18.0', '>=22.17', true],
  ['23.0.0', '>=22.17', true],
  ['24.21.0', '>=22.17', true],
  ['100.0.0', '>=22.17', true],
  // A prerelease comes before its release and after the releases before it; a partial
  // version starts at its first prerelease (22.17 at 22.17.0-0), as npm reads engines.
  ['22.17.0-rc.1', '>=22.17', true],
  ['22.17.0-rc.1', '>=22.17.0', false],
  ['22.16.1-rc.1', '>=22.17', false],
  ['v22.17.0-rc.10', '>=22.17.0-rc.9', true],
  ['22.17.0-rc.9', '>=22.17.0-rc.10', false],
  ['22.17.0-alpha', '>=22.17.0-1', true],
  ['v24.0.0-nightly20250101abcdef', '>=22.17', true],
  ['23.0.0-pre', '>=22.17', true],
  ['22.17.1-pre', '>=22.17', true],
  // Other comparators, several in one alternative, and alternatives.
  ['22.17.0', '>22.17.0', false],
  ['22.17.1', '>22.17.0', true],
  // A partial version means all it leaves out, as semver (and so npm) reads it.
  ['22.17.1', '>22.17', false],
  ['22.18.0', '>22.17', true],
  ['22.99.0', '<=22', true],
  ['23.0.0-pre', '<=22', false],
  ['22.17.5', '22.17', true],
  ['22.18.0', '22.17', false],
  ['20.19.0', '>=20.19 <21 || >=22.12', true],
  ['21.0.0', '>=20.19 <21 || >=22.12', false],
  ['22.12.0', '>=20.19 <21 || >=22.12', true],
  ['22.11.0', '>= 20.19 < 21 || >= 22.12', false],
  ['18.0.0', '<=18.0.0', true],
  ['18.0.1', '<=18.0.0', false],
  ['22.17.0', '22.17.0', true],
  ['22.17.0', '=22.17.1', false],
];

for (const [version, range, ok] of supported) {
  test(`Node ${version} ${ok ? 'satisfies' : 'does not satisfy'} "${range}"`, () => {
    assert.is(satisfiesNodeRange(version, range), ok);
  });
}

for (const range of ['^22.17', '~22.17', '22.x', '22 - 24', '*']) {
  test(`a range it cannot read ("${range}") throws instead of guessing`, () => {
    assert.throws(() => satisfiesNodeRange('24.0.0', range), /unsupported Node\.js range/);
  });
}

test('a version that is not one throws', () => {
  assert.throws(() => satisfiesNodeRange('twenty', '>=22.17'), /not a Node\.js version/);
});

test('the supported range is package.json engines.node, and this Node satisfies it', () => {
  const packageJson = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'));
  assert.is(SUPPORTED_NODE, packageJson.engines.node);
  assert.is(unsupportedNodeMessage(), undefined);
});

test('an older Node is told which version hcs needs and which it is', () => {
  assert.is(
    unsupportedNodeMessage('v20.19.2', '>=22.17'),
    'hcs needs Node.js >= 22.17 (package.json engines); this is Node 20.19.2',
  );
  assert.is(unsupportedNodeMessage('22.17.0', '>=22.17'), undefined);
});

test.run();
