import { credentials, Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  type ListEnvironmentVariablesResponse,
  SystemServiceClient,
} from '../../../src/gen/hcs/v1/system.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { TEST_CHANNEL_OPTIONS } from '../../helpers/channel-options.ts';
import { fetchAnswer } from '../../helpers/http.ts';

const SIGNING_SECRET = 'a-very-secret-signing-key-of-32-bytes!!';
const DB_PASSWORD = 'pa55-word-in-a-url';
const API_TOKEN = 'token-value-never-shown';
// Variables of this process before the app starts: the app must list them as they were then.
const PROBES = {
  ENVLIST_PLAIN: 'plain-at-start',
  ENVLIST_UPSTREAM: `postgres://svc:${DB_PASSWORD}@db:5432/telemetry`,
  ENVLIST_API_TOKEN: API_TOKEN,
};

let app: TestApp;
let token: string;
let client: SystemServiceClient;

test.before(async () => {
  Object.assign(process.env, PROBES);
  app = await startTestApp({ inheritEnvironment: true, env: { HCS_SECRET_KEY: SIGNING_SECRET } });
  token = await app.adminToken();
  client = new SystemServiceClient(app.grpcTarget, credentials.createInsecure(), TEST_CHANNEL_OPTIONS);
  // After the start: none of this may show.
  process.env.ENVLIST_PLAIN = 'changed-after-start';
  process.env.ENVLIST_ADDED = 'added-after-start';
});

test.after(async () => {
  for (const name of [...Object.keys(PROBES), 'ENVLIST_ADDED']) delete process.env[name];
  client?.close();
  await app?.close();
});

function grpcList(
  request: { namePrefix?: string; pageSize?: number; pageToken?: string },
  headers: Record<string, string> = { authorization: `Bearer ${token}` },
): Promise<ListEnvironmentVariablesResponse> {
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(headers)) metadata.set(key, value);
  return new Promise((resolve, reject) =>
    client.listEnvironmentVariables(
      { namePrefix: '', pageSize: 0, pageToken: '', ...request },
      metadata,
      (error, response) => (error ? reject(error) : resolve(response)),
    ),
  );
}

const restList = (query: string, headers: Record<string, string> = { authorization: `Bearer ${token}` }) =>
  fetchAnswer(`${app.httpBase}/api/v1/environmentVariables${query}`, { headers });

const EXPECTED_PROBES = [
  { name: 'ENVLIST_API_TOKEN', value: '********', masked: true },
  { name: 'ENVLIST_PLAIN', value: 'plain-at-start', masked: false },
  { name: 'ENVLIST_UPSTREAM', value: 'postgres://svc:********@db:5432/telemetry', masked: true },
];

test('gRPC lists the variables hcs started with, by name, secret names and URL passwords masked', async () => {
  const answer = await grpcList({ namePrefix: 'ENVLIST_' });
  assert.equal(answer.environmentVariables, EXPECTED_PROBES);
  assert.is(answer.nextPageToken, '');
  const secretKey = (await grpcList({ namePrefix: 'HCS_SECRET_KEY' })).environmentVariables;
  assert.equal(secretKey, [{ name: 'HCS_SECRET_KEY', value: '********', masked: true }]);
});

test('REST lists the same at GET /api/v1/environmentVariables; no secret appears anywhere in the whole list', async () => {
  const filtered = await restList('?namePrefix=ENVLIST_');
  assert.is(filtered.status, 200, filtered.text);
  assert.equal(filtered.json.environmentVariables, EXPECTED_PROBES);
  const all = await restList('?pageSize=1000');
  assert.is(all.status, 200, all.text);
  for (const secret of [SIGNING_SECRET, DB_PASSWORD, API_TOKEN]) assert.not.match(all.text, secret);
  const names = (all.json.environmentVariables as { name: string }[]).map((variable) => variable.name);
  assert.ok(names.includes('PATH') && names.includes('HCS_DATA_DIR'), 'the whole environment is listed');
});

test('a change to process.env after the start changes nothing in the answer', async () => {
  assert.is(process.env.ENVLIST_PLAIN, 'changed-after-start');
  const all = (await grpcList({ pageSize: 1000 })).environmentVariables;
  assert.is(all.find((variable) => variable.name === 'ENVLIST_PLAIN')?.value, 'plain-at-start');
  assert.is(
    all.find((variable) => variable.name === 'ENVLIST_ADDED'),
    undefined,
  );
  assert.equal((await restList('?namePrefix=ENVLIST_ADDED')).json.environmentVariables, []);
});

test('pages of 2 walk the whole sorted list once; a foreign page token or a negative page size is 400', async () => {
  const whole = (await grpcList({ pageSize: 1000 })).environmentVariables.map((variable) => variable.name);
  assert.equal(whole, [...whole].sort(), 'ordered by name');
  const seen: string[] = [];
  let pageToken = '';
  do {
    const page = await restList(`?pageSize=2&pageToken=${pageToken}`);
    assert.is(page.status, 200, page.text);
    const names = (page.json.environmentVariables as { name: string }[]).map((variable) => variable.name);
    assert.ok(names.length <= 2);
    seen.push(...names);
    pageToken = String(page.json.nextPageToken ?? '');
  } while (pageToken !== '');
  assert.equal(seen, whole);
  const foreign = Buffer.from('s1:log_level').toString('base64url');
  const badToken = await restList(`?pageToken=${foreign}`);
  assert.is(badToken.status, 400, badToken.text);
  assert.match(badToken.text, 'INVALID_PAGE_TOKEN');
  assert.is((await restList('?pageSize=-1')).status, 400);
});

test('non-admin users and credentials without the system:read scope are refused on both transports', async () => {
  const operator = app.mintToken({ subject: 'users/operator-1', roles: ['operator'], scopes: ['*'] });
  const asOperator = { authorization: `Bearer ${operator}`, 'x-request-id': 'env-denied-operator' };
  assert.is((await restList('', asOperator)).status, 403);
  const grpcError = await grpcList({}, asOperator).then(
    () => undefined,
    (error: ServiceError) => error,
  );
  assert.is(grpcError?.code, status.PERMISSION_DENIED);
  const narrowAdmin = app.mintToken({ subject: 'users/admin', roles: ['admin'], scopes: ['registry:read'] });
  assert.is((await restList('', { authorization: `Bearer ${narrowAdmin}` })).status, 403);

  const keyOf = (id: string, scopes: string[]) => app.createApiKey(id, { roles: ['admin'], scopes });
  const registryKey = await keyOf('env-registry-only', ['registry:read', 'registry:write']);
  assert.is((await restList('', { 'x-api-key': registryKey })).status, 403);
  const keyError = await grpcList({}, { 'x-api-key': registryKey }).then(
    () => undefined,
    (error: ServiceError) => error,
  );
  assert.is(keyError?.code, status.PERMISSION_DENIED);
  const readerKey = await keyOf('env-reader', ['system:read']);
  const allowed = await restList('?namePrefix=ENVLIST_', { 'x-api-key': readerKey });
  assert.is(allowed.status, 200, allowed.text);
  assert.equal(allowed.json.environmentVariables, EXPECTED_PROBES);
});

test('every call is audited with who, the prefix asked for and the outcome, refusals included', async () => {
  const listed = await restList('?namePrefix=ENVLIST_', {
    authorization: `Bearer ${token}`,
    'x-request-id': 'env-list-1',
  });
  assert.is(listed.status, 200);
  const answer = await fetchAnswer(
    `${app.httpBase}/api/v1/auditEntries?action=hcs.v1.SystemService.ListEnvironmentVariables&pageSize=1000`,
    { headers: { authorization: `Bearer ${token}` } },
  );
  assert.is(answer.status, 200, answer.text);
  type Entry = { requestId: string; actor: string; outcome: string; details: Record<string, string> };
  const entries = answer.json.auditEntries as Entry[];
  const success = entries.find((entry) => entry.requestId === 'env-list-1');
  assert.is(success?.actor, 'users/admin');
  assert.is(success?.outcome, 'AUDIT_OUTCOME_SUCCESS');
  assert.is(success?.details.namePrefix, 'ENVLIST_');
  const denied = entries.find((entry) => entry.requestId === 'env-denied-operator');
  assert.is(denied?.actor, 'users/operator-1');
  assert.is(denied?.outcome, 'AUDIT_OUTCOME_DENIED');
  assert.ok(
    entries.some(
      (entry) => entry.actor === 'apiKeys/env-registry-only' && entry.outcome === 'AUDIT_OUTCOME_DENIED',
    ),
    'the refused API key is audited',
  );
});

test.run();
