import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { maskedValueOf } from '../../../../src/services/system/secret-masking.ts';

const M = '********';

const cases: [name: string, value: string, shown: string][] = [
  ['AWS_SECRET_ACCESS_KEY', 'wJalrXUtnFEMI', M],
  ['GITHUB_TOKEN', 'ghp_x', M],
  ['PGPASSWORD', 'hunter2', M],
  ['MYSQL_PASSWD', 'hunter2', M],
  ['GOOGLE_APPLICATION_CREDENTIALS', '/etc/gcp.json', M],
  ['SSH_PRIVATE_FILE', '/root/.ssh/id', M],
  ['proxy_auth', 'user:pw', M],
  ['SESSION_COOKIE', 'abc', M],
  ['SENTRY_DSN', 'https://k@o1.ingest.sentry.io/1', M],
  ['api_key', 'lower-case names too', M],
  ['EMPTY_TOKEN', '', ''],
  ['PATH', '/usr/bin:/bin', '/usr/bin:/bin'],
  ['DATABASE_URL', 'postgres://hcs:s3cr3t@db:5432/hcs', `postgres://hcs:${M}@db:5432/hcs`],
  ['CACHE', 'redis://:pw@cache:6379/0', `redis://:${M}@cache:6379/0`],
  ['UPSTREAMS', 'http://a:1@x,http://b:2@y', `http://a:${M}@x,http://b:${M}@y`],
  ['MIRROR', 'https://user@example.com/repo', 'https://user@example.com/repo'],
  ['HOME_PAGE', 'https://example.com:8443/x', 'https://example.com:8443/x'],
];

for (const [name, value, shown] of cases) {
  test(`${name}=${JSON.stringify(value)} is shown as ${JSON.stringify(shown)}`, () => {
    const masked = maskedValueOf(name, value);
    assert.is(masked.value, shown);
    assert.is(masked.masked, shown !== value);
  });
}

test.run();
