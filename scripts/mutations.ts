/**
 * Hand-written mutation testing of the security paths (see tests/MUTATIONS.md): each mutation
 * changes one thing in one file, the test files that guard it are run, and the file is put
 * back. A mutation is killed when one of its test files fails (or hangs past the timeout).
 *
 *   node --import tsx scripts/mutations.ts            every mutation
 *   node --import tsx scripts/mutations.ts M07 M12    only these
 *   node --import tsx scripts/mutations.ts --dry      only check that each still applies
 *
 * Exits 1 when a mutation survives (unless it is marked equivalent, with the reason) or no longer applies (its `from` text is not in the file
 * exactly once: the code moved on and the list needs updating).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';

interface Mutation {
  id: string;
  file: string;
  what: string;
  /** Text found exactly once in `file`, replaced by `to`. */
  from: string;
  to: string;
  /** Test files run, in order, until one fails. */
  tests: string[];
  /** Why no test can kill it: a survivor with a reason does not fail the run. */
  equivalent?: string;
}

const T = {
  accessToken: 'tests/unit/services/auth/access-token.test.ts',
  opaqueSecret: 'tests/unit/services/auth/opaque-secret.test.ts',
  credentials: 'tests/e2e/auth/credentials-sqlite.test.ts',
  apiKeyState: 'tests/unit/services/auth/api-key-state.test.ts',
  scopes: 'tests/unit/services/auth/scopes.test.ts',
  refreshState: 'tests/e2e/auth/refresh-stored-state.test.ts',
  policy: 'tests/unit/transport/rpc/policy.test.ts',
  transcoding: 'tests/e2e/gateway/transcoding.test.ts',
  clientMistakes: 'tests/e2e/bad-input/client-mistakes.test.ts',
  unreadBody: 'tests/e2e/gateway/unread-body.test.ts',
  httpBody: 'tests/unit/transport/gateway-http/http-body.test.ts',
  sandboxPath: 'tests/unit/services/system/path-and-range.test.ts',
  traversal: 'tests/e2e/system/traversal.test.ts',
  commands: 'tests/unit/services/system/allowed-commands.test.ts',
  addressGuard: 'tests/unit/platform/net/address-guard.test.ts',
  proxyParts: 'tests/unit/services/registry/http-proxy-parts.test.ts',
  proxyFailures: 'tests/e2e/registry/http-proxy-failures.test.ts',
} as const;

const AUTH = 'src/services/auth';
const GATEWAY = 'src/transport/gateway';
const SANDBOX = 'src/services/system/file-sandbox';
const PROXY = 'src/services/registry/http-proxy';

export const MUTATIONS: Mutation[] = [
  {
    id: 'M01',
    file: `${AUTH}/api-keys.ts`,
    what: 'an API key is accepted without comparing its secret',
    from: 'if (!verifySecret(value, row.secretHash) || apiKeyStateOf(row, at)',
    to: 'if (apiKeyStateOf(row, at)',
    tests: [T.credentials],
  },
  {
    id: 'M02',
    file: `${AUTH}/api-keys.ts`,
    what: 'an API key stays valid at the instant it expires (<= becomes <)',
    from: 'row.expireTime.getTime() <= at',
    to: 'row.expireTime.getTime() < at',
    tests: [T.apiKeyState, T.credentials],
  },
  {
    id: 'M03',
    file: `${AUTH}/api-keys.ts`,
    what: 'an expired API key still authenticates',
    from: "row.expireTime.getTime() <= at) return 'expired'",
    to: "row.expireTime.getTime() <= 0) return 'expired'",
    tests: [T.credentials],
  },
  {
    id: 'M04',
    file: `${AUTH}/api-keys.ts`,
    what: 'a revoked API key still authenticates',
    from: "if (row.revokeTime != null) return 'revoked';",
    to: '',
    tests: [T.credentials],
  },
  {
    id: 'M05',
    file: `${AUTH}/api-keys.ts`,
    what: 'a narrowed caller may create an API key wider than itself',
    from: 'if (caller !== undefined) assertNotWider(roles, scopes, caller);',
    to: '',
    tests: [T.credentials],
  },
  {
    id: 'M06',
    file: `${AUTH}/opaque-secret.ts`,
    what: 'a stored hash verifies any secret of the right length (no byte comparison)',
    from: 'expected.length === actual.length && timingSafeEqual(actual, expected)',
    to: 'expected.length === actual.length',
    tests: [T.opaqueSecret, T.credentials],
  },
  {
    id: 'M07',
    file: `${AUTH}/opaque-secret.ts`,
    what: 'a refresh token is accepted where an API key is expected (kind not checked)',
    from: '(expected !== undefined && kind !== expected)',
    to: '(expected !== undefined && false)',
    tests: [T.opaqueSecret, T.credentials],
  },
  {
    id: 'M08',
    file: `${AUTH}/access-token.ts`,
    what: 'a token issued in the future (iat past now + skew) is accepted',
    from: 'isTime(exp) && iat <= latest && iat < exp',
    to: 'isTime(exp) && iat < exp',
    tests: [T.accessToken],
  },
  {
    id: 'M09',
    file: `${AUTH}/access-token.ts`,
    what: 'a token whose exp equals its iat is accepted (< becomes <=)',
    from: 'iat <= latest && iat < exp',
    to: 'iat <= latest && iat <= exp',
    tests: [T.accessToken],
  },
  {
    id: 'M10',
    file: `${AUTH}/access-token.ts`,
    what: 'a token not valid before a future nbf is accepted',
    from: '(isTime(nbf) && nbf <= latest)',
    to: 'isTime(nbf)',
    tests: [T.accessToken],
    equivalent:
      'jsonwebtoken refuses nbf > now + clockTolerance itself (NotBeforeError → TOKEN_INVALID), with the same skew; the check here only repeats it',
  },
  {
    id: 'M11',
    file: `${AUTH}/access-token.ts`,
    what: 'token times past the year 9999 are accepted',
    from: '(value as number) <= MAX_TOKEN_TIME',
    to: 'true',
    tests: [T.accessToken],
  },
  {
    id: 'M12',
    file: `${AUTH}/access-token.ts`,
    what: 'the clock skew is read as seconds instead of milliseconds (1000x tolerance)',
    from: 'clockTolerance: clockSkewMs / 1000',
    to: 'clockTolerance: clockSkewMs',
    tests: [T.accessToken],
  },
  {
    id: 'M13',
    file: `${AUTH}/access-token.ts`,
    what: 'the issuer is not checked',
    from: '    algorithms: [algorithm],\n    issuer,\n',
    to: '    algorithms: [algorithm],\n',
    tests: [T.accessToken],
  },
  {
    id: 'M14',
    file: `${AUTH}/access-token.ts`,
    what: 'the audience is not checked',
    from: '    issuer,\n    audience,\n    clockTolerance',
    to: '    issuer,\n    clockTolerance',
    tests: [T.accessToken],
  },
  {
    id: 'M15',
    file: `${AUTH}/access-token.ts`,
    what: 'an over-long token is parsed and verified',
    from: 'if (token.length > MAX_TOKEN_LENGTH) throw tokenInvalid();',
    to: '',
    tests: [T.accessToken],
  },
  {
    id: 'M16',
    file: `${AUTH}/access-token.ts`,
    what: 'a short HS256 secret is accepted',
    from: 'secret.symmetricKeySize < MIN_HMAC_SECRET_BYTES',
    to: 'secret.symmetricKeySize < 1',
    tests: [T.accessToken],
  },
  {
    id: 'M17',
    file: `${AUTH}/access-token.ts`,
    what: 'the algorithm is not pinned (any the key type allows)',
    from: '    algorithms: [algorithm],\n',
    to: '',
    tests: [T.accessToken],
  },
  {
    id: 'M18',
    file: `${AUTH}/scopes.ts`,
    what: 'a refresh may ask for "*" from a narrower grant',
    from: 'requested.every((item) => item !== ALL_SCOPES && granted.includes(item))',
    to: 'requested.every((item) => granted.includes(item) || item === ALL_SCOPES)',
    tests: [T.scopes, T.credentials],
  },
  {
    id: 'M19',
    file: `${AUTH}/scopes.ts`,
    what: '"*" mixed with other scopes is accepted in a scope list',
    from: 'sorted.includes(ALL_SCOPES) && sorted.length > 1',
    to: 'sorted.includes(ALL_SCOPES) && sorted.length > 2',
    tests: [T.scopes, T.credentials],
  },
  {
    id: 'M20',
    file: `${AUTH}/scopes.ts`,
    what: 'unknown scopes are accepted',
    from: 'if (unknown.length > 0) {',
    to: 'if (unknown.length > 99) {',
    tests: [T.credentials],
  },
  {
    id: 'M21',
    file: `${AUTH}/grants.ts`,
    what: 'a refresh may widen the scopes of the original grant',
    from: 'if (!isScopeSubset(requested, granted)) {',
    to: 'if (false) {',
    tests: [T.credentials],
  },
  {
    id: 'M22',
    file: `${AUTH}/grants.ts`,
    what: 'an expired refresh token still refreshes',
    from: "if (row.expireTime.getTime() <= now()) throw await denied('expired');",
    to: '',
    tests: [T.refreshState, T.credentials],
  },
  {
    id: 'M23',
    file: `${AUTH}/grants.ts`,
    what: 'a replayed (used) refresh token is not detected',
    from: 'if (marked === 0) {',
    to: 'if (marked === -1) {',
    tests: [T.credentials],
  },
  {
    id: 'M24',
    file: `${AUTH}/grants.ts`,
    what: 'a disabled user signs in with the right password',
    from: 'if (found === null || !verified || found.disabled) {',
    to: 'if (found === null || !verified) {',
    tests: [T.credentials],
  },
  {
    id: 'M25',
    file: `${AUTH}/grants.ts`,
    what: "a disabled user's refresh token still refreshes",
    from: 'if (user === null || user.disabled) throw',
    to: 'if (user === null) throw',
    tests: [T.refreshState, T.credentials],
  },
  {
    id: 'M26',
    file: `${AUTH}/grants.ts`,
    what: 'a refresh token is accepted without comparing its secret',
    from: 'if (row === null || !verifySecret(request.refreshToken, row.tokenHash)) {',
    to: 'if (row === null) {',
    tests: [T.credentials],
  },
  {
    id: 'M27',
    file: 'src/transport/rpc/policy.ts',
    what: 'an unauthenticated caller passes a non-public policy without roles',
    from: "if (principal.credential === 'none') return { kind: 'unauthenticated' };",
    to: '',
    tests: [T.policy],
  },
  {
    id: 'M28',
    file: 'src/transport/rpc/policy.ts',
    what: 'every role of the policy is needed instead of one (some becomes every)',
    from: 'policy.roles.some((role)',
    to: 'policy.roles.every((role)',
    tests: [T.policy],
  },
  {
    id: 'M29',
    file: 'src/transport/rpc/policy.ts',
    what: 'a caller without the role passes',
    from: 'if (policy.roles.length > 0 && !policy.roles.some',
    to: 'if (policy.roles.length > 99 && !policy.roles.some',
    tests: [T.policy],
  },
  {
    id: 'M30',
    file: 'src/transport/rpc/policy.ts',
    what: 'one of the required scopes is enough (filter finds none missing when one is held)',
    from: 'const missing = policy.scopes.filter((scope) => !principal.scopes.includes(scope));',
    to: 'const missing = policy.scopes.some((scope) => principal.scopes.includes(scope)) ? [] : [...policy.scopes];',
    tests: [T.policy],
  },
  {
    id: 'M31',
    file: 'src/transport/rpc/policy.ts',
    what: 'the "*" scope no longer grants every scope',
    from: "if (!principal.scopes.includes('*')) {",
    to: 'if (true) {',
    tests: [T.policy],
  },
  {
    id: 'M32',
    file: `${GATEWAY}/request-json.ts`,
    what: 'a body field wins over the path variable bound to the same field',
    from: '    target[head] = value;\n    return;',
    to: '    target[head] ??= value;\n    return;',
    tests: [T.transcoding, T.clientMistakes],
  },
  {
    id: 'M33',
    file: `${GATEWAY}/request-json.ts`,
    what: 'path variables are written before the body and query (the body overwrites them)',
    from: "  const request: JsonObject = route.body === '*' ? { ...(body as JsonObject) } : {};\n",
    to: "  const request: JsonObject = {};\n  for (const [fieldPath, value] of Object.entries(bindings)) setPath(request, fieldPath.split('.'), value);\n  if (route.body === '*') Object.assign(request, body as JsonObject);\n",
    tests: [T.transcoding, T.clientMistakes],
  },
  {
    id: 'M34',
    file: `${GATEWAY}/read-body.ts`,
    what: 'a JSON body may run to twice the limit while it streams',
    from: 'if (size > limitBytes) throw tooLarge(limitBytes);',
    to: 'if (size > 2 * limitBytes) throw tooLarge(limitBytes);',
    tests: [T.unreadBody, T.transcoding, T.clientMistakes],
  },
  {
    id: 'M35',
    file: `${GATEWAY}/read-body.ts`,
    what: 'a declared Content-Length over the limit is not refused up front',
    from: '  if (declared > limitBytes) throw tooLarge(limitBytes);\n  const chunks',
    to: '  const chunks',
    tests: [T.unreadBody, T.transcoding, T.clientMistakes],
  },
  {
    id: 'M36',
    file: `${GATEWAY}/http-body.ts`,
    what: 'a raw body may run past the raw body limit while it streams',
    from: 'if (total > limitBytes) throw tooLarge(limitBytes);',
    to: 'if (total > 2 * limitBytes) throw tooLarge(limitBytes);',
    tests: [T.httpBody],
  },
  {
    id: 'M37',
    file: `${GATEWAY}/unread-body.ts`,
    what: 'an unread body is dropped without bound',
    from: 'if (dropped > limitBytes) {',
    to: 'if (dropped > limitBytes * 1000) {',
    tests: [T.unreadBody],
  },
  {
    id: 'M38',
    file: `${SANDBOX}/sandbox-path.ts`,
    what: 'a ".." segment is accepted',
    from: "if (segment === '.' || segment === '..')",
    to: "if (segment === '.')",
    tests: [T.sandboxPath, T.traversal],
  },
  {
    id: 'M39',
    file: `${SANDBOX}/sandbox-path.ts`,
    what: 'an absolute path is accepted',
    from: "if (path.startsWith('/') || DRIVE.test(path))",
    to: 'if (DRIVE.test(path))',
    tests: [T.sandboxPath, T.traversal],
  },
  {
    id: 'M40',
    file: `${SANDBOX}/sandbox-path.ts`,
    what: 'percent-encoded separators and dots are accepted',
    from: "if (ENCODED.test(path)) throw refuse('contains a percent-encoded",
    to: "if (false) throw refuse('contains a percent-encoded",
    tests: [T.sandboxPath, T.traversal],
  },
  {
    id: 'M41',
    file: `${SANDBOX}/sandbox-path.ts`,
    what: 'a backslash is accepted',
    from: "if (path.includes('\\\\')) throw",
    to: 'if (false) throw',
    tests: [T.sandboxPath, T.traversal],
  },
  {
    id: 'M42',
    file: `${SANDBOX}/sandbox-resolver.ts`,
    what: 'a sibling of the root sharing its name as a prefix counts as inside (no separator)',
    from: 'hostPath.startsWith(rootPath + sep)',
    to: 'hostPath.startsWith(rootPath)',
    tests: [T.sandboxPath, T.traversal],
  },
  {
    id: 'M43',
    file: `${SANDBOX}/sandbox-resolver.ts`,
    what: 'a directory link on the way is followed out of the sandbox',
    from: '        path = await realpath(path);\n        assertInside(rootPath, path, relative);\n',
    to: '        path = await realpath(path);\n',
    tests: [T.traversal],
  },
  {
    id: 'M44',
    file: `${SANDBOX}/sandbox-resolver.ts`,
    what: 'a followed link at the end of the path may point out of the sandbox',
    from: '      const target = await realpath(hostPath);\n      assertInside(rootPath, target, relative);\n',
    to: '      const target = await realpath(hostPath);\n',
    tests: [T.traversal],
  },
  {
    id: 'M45',
    file: 'src/services/system/command-arguments.ts',
    what: 'a value starting with "-" is accepted where the parameter does not allow it',
    from: "if (value.startsWith('-') && !spec.allowLeadingDash)",
    to: "if (value.startsWith('-') && false)",
    tests: [T.commands],
  },
  {
    id: 'M46',
    file: 'src/services/system/command-arguments.ts',
    what: 'a NUL in a value is accepted',
    from: "if (value.includes('\\u0000')) return 'contains NUL';",
    to: '',
    tests: [T.commands],
  },
  {
    id: 'M47',
    file: 'src/services/system/command-arguments.ts',
    what: 'an integer above its maximum is accepted',
    from: 'number > BigInt(spec.max)',
    to: 'number > BigInt(spec.max) + 1n',
    tests: [T.commands],
  },
  {
    id: 'M48',
    file: 'src/services/system/command-arguments.ts',
    what: 'a string that does not match its pattern is accepted',
    from: 'return parameter.pattern?.test(value) ? undefined',
    to: 'return true ? undefined',
    tests: [T.commands],
  },
  {
    id: 'M49',
    file: 'src/services/system/command-arguments.ts',
    what: 'an argument naming no parameter is ignored instead of refused',
    from: '    if (!byName.has(name)) {',
    to: '    if (false) {',
    tests: [T.commands],
  },
  {
    id: 'M50',
    file: 'src/services/system/command-arguments.ts',
    what: 'an enum value outside its values is accepted',
    from: 'return spec.values.includes(value) ? undefined',
    to: 'return true ? undefined',
    tests: [T.commands],
  },
  {
    id: 'M51',
    file: 'src/platform/net/address-guard.ts',
    what: 'an address with a zone id is checked as an address',
    from: "if (address.includes('%')) return false;",
    to: '',
    tests: [T.addressGuard, T.proxyParts],
  },
  {
    id: 'M52',
    file: `${PROXY}/guarded-lookup.ts`,
    what: 'a host name resolving outside the allowed networks is connected to',
    from: 'addresses.filter((entry) => guard.allows(entry.address))',
    to: 'addresses',
    tests: [T.proxyParts, T.proxyFailures],
  },
  {
    id: 'M53',
    file: `${PROXY}/forward-attempt.ts`,
    what: 'an IP literal outside the allowed networks is connected to',
    from: 'if (isIP(host) !== 0 && !attempt.guard.allows(host)) {',
    to: 'if (false) {',
    tests: [T.proxyParts, T.proxyFailures],
  },
  {
    id: 'M54',
    file: `${PROXY}/guarded-lookup.ts`,
    what: 'with all: true every resolved address is handed back, allowed or not',
    from: 'if (options.all === true) callback(null, allowed);',
    to: 'if (options.all === true) callback(null, addresses);',
    tests: [T.proxyParts, T.proxyFailures],
  },
];

const TIMEOUT_MS = 240_000;

function runTest(file: string): 'pass' | 'fail' | 'timeout' {
  const pattern = `^${basename(file).replace(/[.]/g, '\\.')}$`;
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'node_modules/uvu/bin.js', dirname(file), pattern],
    { encoding: 'utf8', timeout: TIMEOUT_MS, killSignal: 'SIGKILL' },
  );
  if (result.error !== undefined || result.signal !== null) return 'timeout';
  // uvu hides an error thrown in test.before: "(0 / N)" with no FAIL is a failed setup.
  return result.status === 0 && /Passed:\s+\d+/.test(result.stdout) ? 'pass' : 'fail';
}

function applyOnce(text: string, mutation: Mutation): string | undefined {
  const at = text.indexOf(mutation.from);
  if (at < 0 || text.indexOf(mutation.from, at + 1) >= 0) return undefined;
  return text.slice(0, at) + mutation.to + text.slice(at + mutation.from.length);
}

const dry = process.argv.includes('--dry');
const only = new Set(process.argv.slice(2).filter((arg) => arg !== '--dry'));
const chosen = MUTATIONS.filter((mutation) => only.size === 0 || only.has(mutation.id));
let bad = 0;
for (const mutation of chosen) {
  const original = readFileSync(mutation.file, 'utf8');
  const mutated = applyOnce(original, mutation);
  if (mutated === undefined) {
    console.log(`${mutation.id} NOT APPLIED  ${mutation.file}: its text is not there exactly once`);
    bad += 1;
    continue;
  }
  if (dry) continue;
  const restore = () => writeFileSync(mutation.file, original);
  process.once('SIGINT', () => {
    restore();
    process.exit(130);
  });
  let verdict = 'SURVIVED';
  try {
    writeFileSync(mutation.file, mutated);
    for (const test of mutation.tests) {
      const outcome = runTest(test);
      if (outcome !== 'pass') {
        verdict = `killed by ${basename(test)}${outcome === 'timeout' ? ' (timeout)' : ''}`;
        break;
      }
    }
  } finally {
    restore();
    process.removeAllListeners('SIGINT');
  }
  if (verdict === 'SURVIVED' && mutation.equivalent !== undefined) verdict = 'survived (equivalent)';
  if (verdict === 'SURVIVED') bad += 1;
  console.log(`${mutation.id} ${verdict.padEnd(40)} ${mutation.file}: ${mutation.what}`);
}
process.exitCode = bad === 0 ? 0 : 1;
