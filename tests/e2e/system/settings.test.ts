import { credentials, Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type Setting, SettingSource, SystemServiceClient } from '../../../src/gen/hcs/v1/system.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { TEST_CHANNEL_OPTIONS } from '../../helpers/channel-options.ts';
import { fetchAnswer, type HttpAnswer } from '../../helpers/http.ts';

const SIGNING_SECRET = 'a-very-secret-signing-key-of-32-bytes!!';
const SERVICE_KEY = 'bootstrap-service-key-0123456789';

let app: TestApp;
let token: string;
let client: SystemServiceClient;
const environmentBefore = JSON.stringify(hcsVariables());

function hcsVariables(): [string, string | undefined][] {
  return Object.entries(process.env)
    .filter(([name]) => name.startsWith('HCS_'))
    .sort();
}

test.before(async () => {
  app = await startTestApp({
    env: {
      HCS_SHUTDOWN_TIMEOUT_MS: '4321',
      HCS_SECRET_KEY: SIGNING_SECRET,
      HCS_SERVICE_API_KEYS: SERVICE_KEY,
    },
    // The environment wins over the file: shutdown_timeout_ms stays 4321.
    dotEnv: 'HCS_PROXY_CONNECT_TIMEOUT_MS=7000\nHCS_SHUTDOWN_TIMEOUT_MS=9999\n',
  });
  token = await app.adminToken();
  client = new SystemServiceClient(app.grpcTarget, credentials.createInsecure(), TEST_CHANNEL_OPTIONS);
});

test.after(async () => {
  client?.close();
  await app?.close();
});

const get = (path: string, bearer = token) =>
  fetchAnswer(`${app.httpBase}/api/v1/${path}`, { headers: { authorization: `Bearer ${bearer}` } });

function patch(
  id: string,
  body: unknown,
  headers: Record<string, string> = {},
  query = '',
): Promise<HttpAnswer> {
  return fetchAnswer(`${app.httpBase}/api/v1/settings/${id}${query}`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

function reasonOf(answer: HttpAnswer): string {
  const details = (answer.json.details ?? []) as { reason?: string }[];
  return details.find((detail) => detail.reason !== undefined)?.reason ?? '';
}

function grpcUpdate(setting: Partial<Setting>, bearer = token): Promise<Setting> {
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${bearer}`);
  return new Promise((resolve, reject) =>
    client.updateSetting(
      { setting: { ...emptySetting(), ...setting }, updateMask: undefined },
      metadata,
      (error, response) => (error ? reject(error) : resolve(response.setting as Setting)),
    ),
  );
}

function emptySetting(): Setting {
  return {
    name: '',
    value: '',
    defaultValue: '',
    valueType: 0,
    allowedValues: [],
    description: '',
    secret: false,
    restartRequired: false,
    pendingRestart: false,
    source: 0,
    environmentVariable: '',
    updateTime: undefined,
    storedValue: '',
    updatedBy: '',
    changeable: false,
    etag: '',
  };
}

async function settingsByName(filter = ''): Promise<Map<string, Record<string, unknown>>> {
  const answer = await get(`settings?pageSize=1000&filter=${encodeURIComponent(filter)}`);
  assert.is(answer.status, 200, answer.text);
  return new Map(
    ((answer.json.settings ?? []) as Record<string, unknown>[]).map((setting) => [
      setting.name as string,
      setting,
    ]),
  );
}

test('ListSettings shows the running value of every setting, where it came from, its type and whether the API may change it; secrets are masked', async () => {
  const answer = await get('settings?pageSize=1000');
  assert.is(answer.status, 200, answer.text);
  assert.not.match(answer.text, SIGNING_SECRET);
  assert.not.match(answer.text, SERVICE_KEY);
  const byName = await settingsByName();
  assert.equal(byName.get('settings/secret_key'), {
    ...byName.get('settings/secret_key'),
    value: '********',
    secret: true,
    changeable: false,
    source: 'SETTING_SOURCE_ENVIRONMENT',
    environmentVariable: 'HCS_SECRET_KEY',
  });
  assert.is(byName.get('settings/service_api_keys')?.value, '********');
  assert.equal(byName.get('settings/database_url'), {
    ...byName.get('settings/database_url'),
    value: '',
    secret: true,
    changeable: false,
  });
  assert.equal(byName.get('settings/shutdown_timeout_ms'), {
    ...byName.get('settings/shutdown_timeout_ms'),
    value: '4321',
    defaultValue: '10000',
    source: 'SETTING_SOURCE_ENVIRONMENT',
    valueType: 'SCALAR_TYPE_INTEGER',
    changeable: true,
  });
  assert.is(byName.get('settings/proxy_connect_timeout_ms')?.value, '7000');
  assert.is(byName.get('settings/proxy_connect_timeout_ms')?.source, 'SETTING_SOURCE_ENV_FILE');
  const logLevel = byName.get('settings/log_level');
  assert.is(logLevel?.source, 'SETTING_SOURCE_DEFAULT');
  assert.is(logLevel?.value, 'info');
  assert.is(logLevel?.valueType, 'SCALAR_TYPE_ENUM');
  assert.equal(logLevel?.allowedValues, ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);
  assert.match(String(logLevel?.description), 'log level');
  assert.is(byName.get('settings/system_fs_write')?.valueType, 'SCALAR_TYPE_BOOLEAN');
  for (const fixed of [
    'database_url',
    'data_dir',
    'grpc_port',
    'http_port',
    'host',
    'secret_key',
    'redis_url',
  ]) {
    assert.is(byName.get(`settings/${fixed}`)?.changeable, false, `${fixed} is not changeable`);
  }
  const names = [...byName.keys()];
  assert.equal(names, [...names].sort(), 'ordered by name');
  assert.is(JSON.stringify(hcsVariables()), environmentBefore, 'the process environment is untouched');
});

test('GetSetting reads one; an unknown or malformed id is 404 (NOT_FOUND), a name outside settings/ INVALID_ARGUMENT', async () => {
  const one = await get('settings/shutdown_timeout_ms');
  assert.is(one.status, 200, one.text);
  assert.is(one.json.value, '4321');
  assert.is((await get('settings/no_such_setting')).status, 404);
  assert.is((await get('settings/DROP%20TABLE')).status, 404);
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  const error = await new Promise<ServiceError | null>((resolve) =>
    client.getSetting({ name: 'log_level' }, metadata, (failure) => resolve(failure)),
  );
  assert.is(error?.code, status.INVALID_ARGUMENT);
});

test('ListSettings filters by name prefix, source and changeable; an unknown field or value is 400', async () => {
  const registry = await settingsByName('name = "settings/registry_*"');
  assert.equal(
    [...registry.keys()],
    [
      'settings/registry_lease_grace_ms',
      'settings/registry_min_interval_ms',
      'settings/registry_min_lease_ttl_ms',
      'settings/registry_sweep_interval_ms',
      'settings/registry_watch_history',
    ],
  );
  assert.equal(
    [...(await settingsByName('source = SETTING_SOURCE_ENV_FILE')).keys()],
    ['settings/proxy_connect_timeout_ms'],
  );
  const fixed = await settingsByName('changeable = false AND secret = true');
  assert.ok(fixed.has('settings/database_url') && fixed.has('settings/secret_key'));
  assert.ok([...fixed.values()].every((setting) => setting.changeable === false && setting.secret === true));
  for (const filter of [
    'colour = red',
    'secret = maybe',
    'source = SETTING_SOURCE_MOON',
    'secret = true OR x = 1',
  ]) {
    const refused = await get(`settings?filter=${encodeURIComponent(filter)}`);
    assert.is(refused.status, 400, `${filter}: ${refused.text}`);
    assert.is(reasonOf(refused), 'INVALID_LIST_OPTION');
  }
});

test('UpdateSetting over REST stores the value with who and when, keeps the running value and reports pending until a restart; an empty value clears it', async () => {
  const before = Date.now();
  const stored = await patch('registry_watch_history', { value: '20000' }, { 'x-request-id': 'set-watch-1' });
  assert.is(stored.status, 200, stored.text);
  assert.equal(stored.json, {
    ...stored.json,
    name: 'settings/registry_watch_history',
    value: '10000',
    storedValue: '20000',
    pendingRestart: true,
    source: 'SETTING_SOURCE_DEFAULT',
    updatedBy: 'users/admin',
  });
  assert.ok(Date.parse(String(stored.json.updateTime)) >= before - 1000, 'update time is now');
  assert.is.not(stored.json.etag, '0');
  const read = await get('settings/registry_watch_history');
  assert.equal(read.json, stored.json, 'GetSetting shows the same stored value');
  assert.ok((await settingsByName('pending_restart = true')).has('settings/registry_watch_history'));

  const cleared = await patch('registry_watch_history', { value: '' });
  assert.is(cleared.status, 200, cleared.text);
  assert.is(cleared.json.storedValue, '');
  assert.is(cleared.json.updatedBy, '');
  assert.is(cleared.json.pendingRestart, false);
  assert.is(cleared.json.value, '10000');
  assert.not.ok((await settingsByName('pending_restart = true')).has('settings/registry_watch_history'));
  assert.is((await patch('registry_watch_history', { value: '' })).status, 200, 'clearing twice is fine');
});

test('UpdateSetting over gRPC answers the stored setting; an update with a stale etag is ABORTED and changes nothing', async () => {
  const first = await grpcUpdate({ name: 'settings/log_level', value: 'debug' });
  assert.is(first.value, 'info');
  assert.is(first.storedValue, 'debug');
  assert.is(first.pendingRestart, true);
  assert.is(first.source, SettingSource.SETTING_SOURCE_DEFAULT);
  const second = await grpcUpdate({ name: 'settings/log_level', value: 'warn', etag: first.etag });
  assert.is(second.storedValue, 'warn');
  assert.is.not(second.etag, first.etag);
  const stale = await grpcUpdate({ name: 'settings/log_level', value: 'error', etag: first.etag }).then(
    () => undefined,
    (error: ServiceError) => error,
  );
  assert.is(stale?.code, status.ABORTED, stale?.message);
  assert.is((await get('settings/log_level')).json.storedValue, 'warn');
  const cleared = await grpcUpdate({ name: 'settings/log_level', value: '', etag: second.etag });
  assert.is(cleared.pendingRestart, false);
  assert.is(cleared.etag, '0');
});

test('of concurrent updates read with the same etag exactly one applies; the others are ABORTED (409)', async () => {
  for (const round of ['create', 'change', 'clear']) {
    const etag = String((await get('settings/registry_min_interval_ms')).json.etag);
    const values = ['2000', '3000', '4000', '5000', '6000'].map((value) => (round === 'clear' ? '' : value));
    const answers = await Promise.all(
      values.map((value) => patch('registry_min_interval_ms', { value, etag })),
    );
    const statuses = answers.map((answer) => answer.status).sort();
    assert.equal(statuses, [200, 409, 409, 409, 409], `${round}: ${answers.map((a) => a.text).join('\n')}`);
    const refused = answers.find((answer) => answer.status === 409);
    assert.is(refused && reasonOf(refused), 'ETAG_MISMATCH');
    const winner = answers.find((answer) => answer.status === 200);
    assert.is((await get('settings/registry_min_interval_ms')).json.storedValue, winner?.json.storedValue);
  }
});

const REFUSALS: [string, string, unknown, number, string, RegExp][] = [
  [
    'the database URL',
    'database_url',
    'postgres://db/hcs',
    400,
    'SETTING_NOT_CHANGEABLE',
    /HCS_DATABASE_URL/,
  ],
  ['the data directory', 'data_dir', '/tmp/elsewhere', 400, 'SETTING_NOT_CHANGEABLE', /HCS_DATA_DIR/],
  ['a port', 'grpc_port', '50052', 400, 'SETTING_NOT_CHANGEABLE', /HCS_GRPC_PORT/],
  ['a secret', 'secret_key', 'x'.repeat(40), 400, 'SETTING_NOT_CHANGEABLE', /HCS_SECRET_KEY/],
  ['an unknown setting', 'no_such_setting', '1', 404, 'SETTING_NOT_FOUND', /no_such_setting/],
  [
    'a number that is not one',
    'registry_watch_history',
    'lots',
    400,
    'INVALID_SETTING_VALUE',
    /HCS_REGISTRY_WATCH_HISTORY: expected a number of changes \(a positive integer/,
  ],
  [
    'a value out of range',
    'http_body_limit_bytes',
    String(2 * 1024 ** 3),
    400,
    'INVALID_SETTING_VALUE',
    /up to 1073741824/,
  ],
  [
    'an unknown level',
    'log_level',
    'verbose',
    400,
    'INVALID_SETTING_VALUE',
    /HCS_LOG_LEVEL: expected one of fatal/,
  ],
  [
    'a value longer than 4096 characters',
    'cors_origins',
    `https://${'a'.repeat(5000)}.example`,
    400,
    'INVALID_SETTING_VALUE',
    /HCS_CORS_ORIGINS: expected at most 4096 characters/,
  ],
  ['a masked value written back', 'cors_origins', '********', 400, 'MASKED_VALUE', /secret is shown/],
  ['a masked secret written back', 'secret_key', '********', 400, 'MASKED_VALUE', /secret is shown/],
  [
    'a setting the environment sets',
    'shutdown_timeout_ms',
    '5000',
    400,
    'SETTING_SET_BY_ENVIRONMENT',
    /set in the environment/,
  ],
  [
    'a setting the .env file sets',
    'proxy_connect_timeout_ms',
    '5000',
    400,
    'SETTING_SET_BY_ENVIRONMENT',
    /set in the \.env file/,
  ],
];

for (const [what, id, value, code, reason, message] of REFUSALS) {
  test(`UpdateSetting refuses ${what} with ${code} ${reason}, and stores nothing`, async () => {
    const answer = await patch(id, { value }, { 'x-request-id': `refused-${id}` });
    assert.is(answer.status, code, answer.text);
    assert.is(reasonOf(answer), reason);
    assert.match(String(answer.json.message), message);
    if (code !== 404) assert.is((await get(`settings/${id}`)).json.storedValue, '');
  });
}

test('UpdateSetting takes a whole setting read back, with its etag; an update mask must name value and known fields only', async () => {
  const read = await get('settings/log_level');
  const written = await patch('log_level', { ...read.json, value: 'debug' });
  assert.is(written.status, 200, written.text);
  assert.is(written.json.storedValue, 'debug');
  assert.is(written.json.description, read.json.description, 'output-only fields are ignored');
  for (const mask of ['description', 'value,colour']) {
    const answer = await patch('log_level', { value: 'warn' }, {}, `?updateMask=${mask}`);
    assert.is(answer.status, 400, answer.text);
    assert.is(reasonOf(answer), 'INVALID_UPDATE_MASK');
  }
  assert.is((await patch('log_level', { value: '' }, {}, '?updateMask=value')).status, 200);
  assert.is((await get('settings/log_level')).json.storedValue, '');
});

test('non-admin users and API keys without the system:write scope are refused; a key with it may update', async () => {
  const operator = app.mintToken({ subject: 'users/operator-1', roles: ['operator'], scopes: ['*'] });
  const denied = await patch(
    'log_level',
    { value: 'debug' },
    { authorization: `Bearer ${operator}`, 'x-request-id': 'denied-operator' },
  );
  assert.is(denied.status, 403, denied.text);
  const narrowAdmin = app.mintToken({ subject: 'users/admin', roles: ['admin'], scopes: ['system:read'] });
  assert.is(
    (await patch('log_level', { value: 'debug' }, { authorization: `Bearer ${narrowAdmin}` })).status,
    403,
  );

  const keyOf = (id: string, scopes: string[]) => app.createApiKey(id, { roles: ['admin'], scopes });
  const registryKey = await keyOf('registry-only', ['registry:read', 'registry:write']);
  const refused = await fetchAnswer(`${app.httpBase}/api/v1/settings/log_level`, {
    method: 'PATCH',
    headers: { 'x-api-key': registryKey, 'content-type': 'application/json' },
    body: JSON.stringify({ value: 'debug' }),
  });
  assert.is(refused.status, 403, refused.text);
  const metadata = new Metadata();
  metadata.set('x-api-key', registryKey);
  const grpcRefusal = await new Promise<ServiceError | null>((resolve) =>
    client.updateSetting(
      { setting: { ...emptySetting(), name: 'settings/log_level', value: 'debug' }, updateMask: undefined },
      metadata,
      (error) => resolve(error),
    ),
  );
  assert.is(grpcRefusal?.code, status.PERMISSION_DENIED);
  assert.is((await get('settings/log_level')).json.storedValue, '', 'the refusals stored nothing');

  const systemKey = await keyOf('settings-writer', ['system:write']);
  const allowed = await fetchAnswer(`${app.httpBase}/api/v1/settings/log_level`, {
    method: 'PATCH',
    headers: { 'x-api-key': systemKey, 'content-type': 'application/json' },
    body: JSON.stringify({ value: 'debug' }),
  });
  assert.is(allowed.status, 200, allowed.text);
  assert.is(allowed.json.updatedBy, 'apiKeys/settings-writer');
  assert.is((await patch('log_level', { value: '' })).status, 200);
});

test('every UpdateSetting call, refusals included, is audited with who, what, arguments, outcome and request id; secrets never', async () => {
  const secretTry = await patch('secret_key', { value: 'y'.repeat(40) }, { 'x-request-id': 'secret-try' });
  assert.is(secretTry.status, 400);
  const answer = await get('auditEntries?action=hcs.v1.SystemService.UpdateSetting&pageSize=1000');
  assert.is(answer.status, 200, answer.text);
  assert.not.match(answer.text, 'y'.repeat(40));
  type Entry = {
    requestId: string;
    actor: string;
    category: string;
    outcome: string;
    target: string;
    details: Record<string, string>;
    status?: { code?: number };
  };
  const entries = answer.json.auditEntries as Entry[];
  const byRequest = (id: string) => entries.find((entry) => entry.requestId === id);
  assert.equal(byRequest('set-watch-1'), {
    ...byRequest('set-watch-1'),
    actor: 'users/admin',
    category: 'AUDIT_CATEGORY_SYSTEM',
    outcome: 'AUDIT_OUTCOME_SUCCESS',
    target: 'settings/registry_watch_history',
  });
  assert.is(byRequest('set-watch-1')?.details.value, '20000');
  const invalid = byRequest('refused-registry_watch_history');
  assert.is(invalid?.outcome, 'AUDIT_OUTCOME_FAILURE');
  assert.is(invalid?.details.reason, 'INVALID_SETTING_VALUE');
  assert.is(invalid?.details.value, 'lots');
  assert.is(invalid?.status?.code, 3);
  assert.is(byRequest('refused-database_url')?.details.reason, 'SETTING_NOT_CHANGEABLE');
  assert.is(byRequest('refused-database_url')?.details.value, '********', 'a secret setting is masked');
  assert.is(byRequest('secret-try')?.details.value, '********');
  assert.is(byRequest('refused-cors_origins')?.details.reason, 'MASKED_VALUE');
  const denied = byRequest('denied-operator');
  assert.is(denied?.actor, 'users/operator-1');
  assert.is(denied?.outcome, 'AUDIT_OUTCOME_DENIED');
  assert.ok(
    entries.some(
      (entry) => entry.actor === 'apiKeys/registry-only' && entry.outcome === 'AUDIT_OUTCOME_DENIED',
    ),
    'the refused API key is audited',
  );
  assert.ok(
    entries.some(
      (entry) => entry.actor === 'apiKeys/settings-writer' && entry.outcome === 'AUDIT_OUTCOME_SUCCESS',
    ),
  );
});

test.run();
