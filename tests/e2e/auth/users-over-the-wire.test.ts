import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type ServerProcess, startServer } from '../../helpers/server.ts';

let server: ServerProcess;
let base: string;

test.before(async () => {
  server = await startServer();
  base = `http://127.0.0.1:${server.httpPort}/api/v1`;
});

test.after(async () => {
  await server?.stop();
});

async function call(method: string, path: string, body?: unknown) {
  const response = await fetch(`${base}${path}`, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: {
      authorization: `Bearer ${await server.adminToken()}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
  });
  const text = await response.text();
  return { status: response.status, text, json: JSON.parse(text) as Record<string, unknown> };
}

test('a user created over REST on a real hcs serve is stored and read back, without its password hash', async () => {
  const created = await call('POST', '/users', {
    user: { username: 'ada', displayName: 'Ada', roles: ['operator'] },
    password: 'correct horse battery staple',
  });
  assert.is(created.status, 200, created.text);
  assert.is(created.json.name, 'users/ada');
  const read = await call('GET', '/users/ada');
  assert.is(read.status, 200, read.text);
  assert.equal(read.json.roles, ['operator']);
  const list = await call('GET', '/users?pageSize=10');
  assert.ok((list.json.users as { name: string }[]).some((user) => user.name === 'users/ada'));
  for (const response of [created, read, list]) assert.not.match(response.text, 'scrypt$');
});

test('the same username twice is 409 ALREADY_EXISTS; an unknown user is 404; a short password is 400', async () => {
  const again = await call('POST', '/users', {
    user: { username: 'ada', roles: ['viewer'] },
    password: 'another long password',
  });
  assert.is(again.status, 409, again.text);
  const missing = await call('GET', '/users/nobody');
  assert.is(missing.status, 404, missing.text);
  const short = await call('POST', '/users', {
    user: { username: 'bob', roles: ['viewer'] },
    password: 'short',
  });
  assert.is(short.status, 400, short.text);
  assert.match(short.text, 'password');
});

test('PATCH changes the user the path names; a "name" in the body cannot redirect it to another user', async () => {
  const created = await call('POST', '/users', {
    user: { username: 'alice', roles: ['viewer'] },
    password: 'alice has a long password',
  });
  assert.is(created.status, 200, created.text);
  const adminBefore = await call('GET', '/users/admin');
  const patched = await call('PATCH', '/users/alice?updateMask=displayName', {
    name: 'users/admin',
    displayName: 'Mallory',
  });
  assert.is(patched.status, 200, patched.text);
  assert.is(patched.json.name, 'users/alice');
  const admin = await call('GET', '/users/admin');
  assert.is(admin.json.displayName, adminBefore.json.displayName, 'admin is untouched');
  assert.is(admin.json.updateTime, adminBefore.json.updateTime);
  const alice = await call('GET', '/users/alice');
  assert.is(alice.json.displayName, 'Mallory', 'the user of the path got the change');
});

test.run();
