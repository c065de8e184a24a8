import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigError, loadConfig } from '../../../../src/platform/config/index.ts';
import { createAddressGuard, formatCidr, parseCidr } from '../../../../src/platform/net/index.ts';
import { tempDir } from '../../../helpers/process.ts';

const cwd = tempDir();

const parsed: [string, string, 'ipv4' | 'ipv6'][] = [
  ['10.0.0.0/8', '10.0.0.0/8', 'ipv4'],
  [' 192.168.1.0/24 ', '192.168.1.0/24', 'ipv4'],
  ['203.0.113.7', '203.0.113.7/32', 'ipv4'],
  ['0.0.0.0/0', '0.0.0.0/0', 'ipv4'],
  ['fc00::/7', 'fc00::/7', 'ipv6'],
  ['::1', '::1/128', 'ipv6'],
  ['2001:db8::/32', '2001:db8::/32', 'ipv6'],
];
for (const [text, formatted, family] of parsed) {
  test(`parses ${JSON.stringify(text)} as ${formatted}`, () => {
    const cidr = parseCidr(text);
    assert.is(formatCidr(cidr), formatted);
    assert.is(cidr.family, family);
  });
}

const refused: [string, RegExp][] = [
  ['10.0.0.0/33', /prefix is 0-32/],
  ['fc00::/129', /prefix is 0-128/],
  ['10.0.0.0/-1', /prefix length "-1"/],
  ['10.0.0.0/', /prefix length ""/],
  ['10.0.0.0/8/8', /prefix length "8\/8"/],
  ['10.0.0/8', /not an IPv4 or IPv6 address/],
  ['256.0.0.0/8', /not an IPv4 or IPv6 address/],
  ['localhost', /not an IPv4 or IPv6 address/],
  ['fe80::1%eth0/64', /not an IPv4 or IPv6 address/],
  ['10.0.0.0\u0000/8', /not an IPv4 or IPv6 address/],
  ["10.0.0.0/8'; DROP TABLE x", /prefix length/],
];
for (const [text, message] of refused) {
  test(`refuses ${JSON.stringify(text)} saying why`, () => {
    assert.throws(() => parseCidr(text), message);
  });
}

test('a guard admits addresses inside its networks only, IPv4-mapped IPv6 as IPv4', () => {
  const guard = createAddressGuard(['127.0.0.0/8', '10.0.0.0/8', '::1/128', 'fc00::/7'].map(parseCidr));
  const cases: [string, boolean][] = [
    ['127.0.0.1', true],
    ['127.255.0.9', true],
    ['10.1.2.3', true],
    ['11.0.0.1', false],
    ['8.8.8.8', false],
    ['169.254.169.254', false],
    ['::1', true],
    ['::2', false],
    ['fd12:3456::1', true],
    ['fe80::1', false],
    ['2001:4860:4860::8888', false],
    ['::ffff:10.0.0.1', true],
    ['::ffff:8.8.8.8', false],
    ['fd00::1%eth0', false],
    ['localhost', false],
    ['', false],
  ];
  for (const [address, allowed] of cases) assert.is(guard.allows(address), allowed, address);
  assert.equal(guard.networks, ['127.0.0.0/8', '10.0.0.0/8', '::1/128', 'fc00::/7']);
});

test('by default the proxy may reach loopback and private ranges, not link-local or public ones', () => {
  const config = loadConfig({ env: {}, cwd });
  const guard = createAddressGuard(config.proxyAllowedNetworks);
  for (const address of ['127.0.0.1', '10.0.0.1', '172.31.255.255', '192.168.0.10', '::1', 'fd00::5'])
    assert.ok(guard.allows(address), address);
  for (const address of ['172.32.0.1', '169.254.169.254', 'fe80::1', '1.1.1.1', '2606:4700::1111'])
    assert.not.ok(guard.allows(address), address);
  assert.is(config.proxyConnectTimeoutMs, 5000);
  assert.is(config.proxyResponseTimeoutMs, 60_000);
});

test('HCS_PROXY_ALLOWED_NETWORKS is read as a list; every bad entry is a config problem naming it', () => {
  const config = loadConfig({ env: { HCS_PROXY_ALLOWED_NETWORKS: '10.1.0.0/16, fd00::/8' }, cwd });
  assert.equal(config.proxyAllowedNetworks.map(formatCidr), ['10.1.0.0/16', 'fd00::/8']);
  try {
    loadConfig({ env: { HCS_PROXY_ALLOWED_NETWORKS: '10.0.0.0/8,10.0.0.0/40,example.com' }, cwd });
    assert.unreachable('loadConfig should refuse the networks');
  } catch (error) {
    assert.instance(error, ConfigError);
    const problems = (error as ConfigError).problems.filter((p) => p.name === 'HCS_PROXY_ALLOWED_NETWORKS');
    assert.is(problems.length, 2);
    assert.match(problems[0]?.message ?? '', /"10.0.0.0\/40".*0-32/);
    assert.match(problems[1]?.message ?? '', /"example.com" is not an IPv4 or IPv6 address/);
  }
  assert.throws(
    () => loadConfig({ env: { HCS_PROXY_ALLOWED_NETWORKS: ' , ' }, cwd }),
    /HCS_PROXY_ALLOWED_NETWORKS: expected comma-separated networks/,
  );
  assert.throws(
    () => loadConfig({ env: { HCS_PROXY_CONNECT_TIMEOUT_MS: '0' }, cwd }),
    /HCS_PROXY_CONNECT_TIMEOUT_MS: expected a connect timeout/,
  );
});

test.run();
