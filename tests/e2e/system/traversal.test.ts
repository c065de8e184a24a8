import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Code } from '../../../src/platform/errors/index.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { type FilesClient, filesClient, type Outcome } from './files-client.ts';

let app: TestApp;
let files: FilesClient;
let root: string;
let token: string;
let dataDirBefore: string[];

/** What the server must answer for an input: refused as a bad path, or as a link leading out. */
type Expect = 'invalid' | 'escapes' | 'refused';

// The corpus: each string exactly as the server receives it (REST sends it percent-encoded once).
const CORPUS: [string, Expect][] = [
  ['..', 'invalid'],
  ['../', 'invalid'],
  ['../etc/passwd', 'invalid'],
  ['../../../../../../etc/passwd', 'invalid'],
  ['a/../../etc/passwd', 'invalid'],
  ['a/..', 'invalid'],
  ['real/..', 'invalid'],
  ['real/../../', 'invalid'],
  ['.', 'invalid'],
  ['./real', 'invalid'],
  ['real/./file.txt', 'invalid'],
  ['/etc/passwd', 'invalid'],
  ['/', 'invalid'],
  ['//etc/passwd', 'invalid'],
  ['/real/file.txt', 'invalid'],
  ['C:\\Windows\\win.ini', 'invalid'],
  ['C:/Windows', 'invalid'],
  ['\\etc\\passwd', 'invalid'],
  ['..\\..\\etc\\passwd', 'invalid'],
  ['real\\..\\..\\etc', 'invalid'],
  ['..%2fetc%2fpasswd', 'invalid'],
  ['..%2Fetc', 'invalid'],
  ['%2e%2e/etc/passwd', 'invalid'],
  ['%2e%2e%2fetc%2fpasswd', 'invalid'],
  ['%2E%2E%2F', 'invalid'],
  ['%252e%252e%252fetc', 'invalid'],
  ['..%5c..%5cetc', 'invalid'],
  ['real%2f..%2f..', 'invalid'],
  ['a%00b', 'invalid'],
  ['a\u0000b', 'invalid'],
  ['real/file.txt\u0000.png', 'invalid'],
  ['\u0000', 'invalid'],
  ['\u0000/../../etc/passwd', 'invalid'],
  ['a\n/../etc', 'invalid'],
  ['real\r\n', 'invalid'],
  ['\t', 'invalid'],
  ['a\u007f', 'invalid'],
  ['a//b', 'invalid'],
  ['real/', 'invalid'],
  ['real//file.txt', 'invalid'],
  ['x'.repeat(4097), 'invalid'],
  ['y'.repeat(256), 'invalid'],
  [`${'z/'.repeat(2100)}z`, 'invalid'],
  [`${'d/'.repeat(200)}d`, 'invalid'],
  ['etc-link/passwd', 'escapes'],
  ['etc-link/shadow', 'escapes'],
  ['up-link/outside.txt', 'escapes'],
  ['up-link/files/real/file.txt', 'escapes'],
  ['nested/deep-up-link/outside.txt', 'escapes'],
  ['abs-root-link/etc/passwd', 'escapes'],
  ['tmp-link/anything', 'escapes'],
  ['loop-link/x', 'refused'],
  ['dangling-link/x', 'refused'],
];

// Links a read follows (reads follow a last-segment link inside the sandbox, never one leading out).
const LEAF_LINKS: [string, Expect][] = [
  ['passwd-link', 'escapes'],
  ['etc-link', 'escapes'],
  ['up-link', 'escapes'],
  ['outside-file-link', 'escapes'],
];

test.before(async () => {
  app = await startTestApp({ env: { HCS_SYSTEM_FS_WRITE: 'true' } });
  token = await app.adminToken();
  files = filesClient(app.grpcTarget, token);
  root = join(app.dataDir, 'files');
  mkdirSync(join(root, 'real'), { recursive: true });
  mkdirSync(join(root, 'nested'), { recursive: true });
  writeFileSync(join(root, 'real', 'file.txt'), 'inside\n');
  writeFileSync(join(app.dataDir, 'outside.txt'), 'OUTSIDE-SECRET\n');
  symlinkSync('/etc', join(root, 'etc-link'));
  symlinkSync('/etc/passwd', join(root, 'passwd-link'));
  symlinkSync('..', join(root, 'up-link'));
  symlinkSync('../..', join(root, 'nested', 'deep-up-link'));
  symlinkSync('/', join(root, 'abs-root-link'));
  symlinkSync('/tmp', join(root, 'tmp-link'));
  symlinkSync('loop-link', join(root, 'loop-link'));
  symlinkSync('missing-target', join(root, 'dangling-link'));
  symlinkSync(join(app.dataDir, 'outside.txt'), join(root, 'outside-file-link'));
  symlinkSync('real', join(root, 'inside-link'));
  dataDirBefore = readdirSync(app.dataDir);
});

test.after(async () => {
  files?.close();
  await app?.close();
});

const CODES: Record<Expect, number[]> = {
  invalid: [Code.INVALID_ARGUMENT],
  escapes: [Code.PERMISSION_DENIED],
  // A link loop or a dangling link on the way: never followed anywhere, whatever the code says.
  refused: [Code.NOT_FOUND, Code.ABORTED, Code.PERMISSION_DENIED, Code.FAILED_PRECONDITION],
};

function assertRefused(outcome: Outcome<unknown>, expect: Expect, what: string): void {
  assert.ok(!outcome.ok, `${what} must be refused`);
  if (outcome.ok) return;
  assert.ok(
    CODES[expect].includes(outcome.error.code),
    `${what}: code ${outcome.error.code} ${outcome.error.message}`,
  );
  assert.not.match(outcome.error.message, 'OUTSIDE-SECRET');
  assert.not.match(outcome.error.message, app.dataDir, `${what}: the host path never reaches the client`);
}

test(`none of ${CORPUS.length} traversal inputs escapes over gRPC (stat, list, read, write, mkdir, move, delete)`, async () => {
  assert.ok(CORPUS.length + LEAF_LINKS.length >= 50);
  for (const [path, expect] of CORPUS) {
    const what = JSON.stringify(path.slice(0, 40));
    assertRefused(await files.stat(path), expect, `stat ${what}`);
    assertRefused(await files.list({ directory: path }), expect, `list ${what}`);
    assertRefused(await files.read({ path }), expect, `read ${what}`);
    assertRefused(
      await files.write({ path, overwrite: true }, [Buffer.from('pwned')]),
      expect,
      `write ${what}`,
    );
    assertRefused(await files.mkdir({ path, parents: true }), expect, `mkdir ${what}`);
    assertRefused(
      await files.move({ sourcePath: 'real/file.txt', destinationPath: path }),
      expect,
      `move to ${what}`,
    );
    assertRefused(await files.remove({ path, recursive: true }), expect, `delete ${what}`);
  }
  for (const [path, expect] of LEAF_LINKS) {
    assertRefused(await files.read({ path }), expect, `read ${path}`);
    assertRefused(await files.list({ directory: path }), expect, `list ${path}`);
  }
});

async function rest(method: string, path: string, body?: Buffer) {
  const response = await fetch(`${app.httpBase}/api/v1/${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
    ...(body === undefined ? {} : { body }),
  });
  return { status: response.status, text: await response.text() };
}

const STATUS: Record<Expect, number[]> = { invalid: [400], escapes: [403], refused: [400, 403, 404, 409] };

test(`none of ${CORPUS.length} traversal inputs escapes over REST (stat, read, raw write, delete)`, async () => {
  for (const [path, expect] of [...CORPUS, ...LEAF_LINKS]) {
    const query = `path=${encodeURIComponent(path)}`;
    for (const [method, url, body] of [
      ['GET', `files:stat?${query}`],
      ['GET', `files:read?${query}`],
      ['POST', `files:write?${query}&overwrite=true`, Buffer.from('pwned')],
      ['DELETE', `files?${query}`],
    ] as const) {
      // A link itself may be described and deleted; only following it is refused.
      const isLink = LEAF_LINKS.some(([link]) => link === path);
      if (isLink && (method !== 'GET' || url.startsWith('files:stat'))) continue;
      const answer = await rest(method, url, body);
      const what = `${method} ${url.slice(0, 60)}`;
      assert.ok(
        STATUS[expect].includes(answer.status),
        `${what}: ${answer.status} ${answer.text.slice(0, 200)}`,
      );
      assert.not.match(answer.text, 'OUTSIDE-SECRET');
      assert.not.match(answer.text, 'root:');
    }
  }
});

test('links inside the sandbox still work, and nothing was written outside it', async () => {
  const read = await files.read({ path: 'inside-link/file.txt' });
  assert.ok(read.ok, JSON.stringify(read));
  if (read.ok) assert.is(read.value.data.toString(), 'inside\n');
  const linkStat = await files.stat('etc-link');
  assert.ok(linkStat.ok, 'a link is described, not followed');
  if (linkStat.ok) assert.is(linkStat.value.symlinkTarget, '/etc');
  assert.is(readFileSync(join(app.dataDir, 'outside.txt'), 'utf8'), 'OUTSIDE-SECRET\n');
  const added = readdirSync(app.dataDir).filter(
    (name) => !dataDirBefore.includes(name) && !name.includes('sqlite'),
  );
  assert.equal(added, [], 'no entry appeared next to the sandbox');
  assert.equal(readdirSync(join(root, 'real')), ['file.txt']);
});

test.run();
