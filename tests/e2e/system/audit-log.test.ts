import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { fetchAnswer, type HttpAnswer } from '../../helpers/http.ts';

interface Entry {
  name: string;
  eventTime: string;
  actor: string;
  action: string;
  category: string;
  outcome: string;
  requestId: string;
}

let app: TestApp;
let token: string;

async function get(path: string, bearer = token): Promise<HttpAnswer> {
  return fetchAnswer(`${app.httpBase}${path}`, { headers: { authorization: `Bearer ${bearer}` } });
}

async function listAll(query: string, pageSize: number): Promise<Entry[]> {
  const entries: Entry[] = [];
  let pageToken = '';
  for (let page = 0; page < 100; page++) {
    const answer = await get(`/api/v1/auditEntries?${query}&pageSize=${pageSize}&pageToken=${pageToken}`);
    assert.is(answer.status, 200, answer.text);
    const batch = (answer.json.auditEntries ?? []) as Entry[];
    assert.ok(batch.length <= pageSize);
    entries.push(...batch);
    pageToken = String(answer.json.nextPageToken ?? '');
    if (pageToken === '') return entries;
  }
  throw new Error('the listing never ended');
}

test.before(async () => {
  app = await startTestApp();
  token = await app.adminToken();
  // Seven successful system calls, each with its own request id, and two refused ones.
  for (let index = 0; index < 7; index++) {
    const answer = await fetchAnswer(`${app.httpBase}/api/v1/host`, {
      headers: { authorization: `Bearer ${token}`, 'x-request-id': `host-${index}` },
    });
    assert.is(answer.status, 200, answer.text);
  }
  const viewer = app.mintToken({ subject: 'users/watcher', roles: ['viewer'], scopes: ['*'] });
  for (let index = 0; index < 2; index++) assert.is((await get('/api/v1/host', viewer)).status, 403);
});

test.after(async () => {
  await app?.close();
});

test('pages of 2 walk every SYSTEM success newest first, each entry once, with who, what and request id', async () => {
  const entries = await listAll('category=AUDIT_CATEGORY_SYSTEM&outcome=AUDIT_OUTCOME_SUCCESS', 2);
  const hostCalls = entries.filter((entry) => entry.action === 'hcs.v1.SystemService.GetHostInfo');
  assert.equal(
    hostCalls.map((entry) => entry.requestId),
    ['host-6', 'host-5', 'host-4', 'host-3', 'host-2', 'host-1', 'host-0'],
  );
  assert.is(new Set(entries.map((entry) => entry.name)).size, entries.length, 'no entry twice');
  for (const entry of entries) {
    assert.is(entry.category, 'AUDIT_CATEGORY_SYSTEM');
    assert.is(entry.outcome, 'AUDIT_OUTCOME_SUCCESS');
  }
  assert.is(hostCalls[0]?.actor, 'users/admin');
  const times = entries.map((entry) => Date.parse(entry.eventTime));
  assert.equal(
    times,
    [...times].sort((a, b) => b - a),
    'newest first',
  );
});

test('actor, outcome and action-prefix filters combine', async () => {
  const denied = await listAll('actor=users/watcher&outcome=AUDIT_OUTCOME_DENIED&action=hcs.v1.System', 10);
  assert.is(denied.length, 2);
  for (const entry of denied) assert.is(entry.action, 'hcs.v1.SystemService.GetHostInfo');
  assert.is((await listAll('actor=users/watcher&outcome=AUDIT_OUTCOME_SUCCESS', 10)).length, 0);
  assert.is((await listAll('action=hcs.v1.AuthService.&actor=users/watcher', 10)).length, 0);
});

test('a time range keeps entries at or after start_time and strictly before end_time', async () => {
  const all = await listAll('category=AUDIT_CATEGORY_SYSTEM', 1000);
  const middle = all[3];
  assert.ok(middle);
  const from = await listAll(`category=AUDIT_CATEGORY_SYSTEM&startTime=${middle.eventTime}`, 1000);
  assert.ok(
    from.some((entry) => entry.name === middle.name),
    'start_time is inclusive',
  );
  for (const entry of from) assert.ok(Date.parse(entry.eventTime) >= Date.parse(middle.eventTime));
  const until = await listAll(`category=AUDIT_CATEGORY_SYSTEM&endTime=${middle.eventTime}`, 1000);
  assert.not.ok(
    until.some((entry) => entry.name === middle.name),
    'end_time is exclusive',
  );
  const future = new Date(Date.now() + 3_600_000).toISOString();
  assert.is((await listAll(`startTime=${future}`, 10)).length, 0);
});

test('bad filters are 400 naming the field; text that looks like SQL is only text', async () => {
  const cases: { query: string; field: string | RegExp }[] = [
    { query: 'startTime=2026-01-02T00:00:00Z&endTime=2026-01-01T00:00:00Z', field: 'end_time' },
    { query: `actor=${'a'.repeat(256)}`, field: 'actor' },
    { query: 'category=42', field: 'category' },
    { query: 'outcome=7', field: 'outcome' },
    { query: 'pageToken=not-a-token', field: 'page_token' },
    { query: 'pageSize=-1', field: 'page_size' },
    { query: 'startTime=yesterday', field: /start_?[tT]ime/ },
  ];
  for (const { query, field } of cases) {
    const answer = await get(`/api/v1/auditEntries?${query}`);
    assert.is(answer.status, 400, `${query}: ${answer.text}`);
    assert.match(answer.text, field, query);
  }
  for (const injection of ["' OR '1'='1", 'users/admin%', 'users/%25', '") OR 1=1 --']) {
    const answer = await get(`/api/v1/auditEntries?actor=${encodeURIComponent(injection)}`);
    assert.is(answer.status, 200, answer.text);
    assert.equal(answer.json.auditEntries ?? [], [], injection);
  }
});

test.run();
