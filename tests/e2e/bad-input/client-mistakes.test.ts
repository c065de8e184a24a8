import { request as httpRequest } from 'node:http';
import { gzipSync } from 'node:zlib';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BadRequest } from '../../../src/gen/google/rpc/error_details.ts';
import { Status } from '../../../src/gen/google/rpc/status.ts';
import {
  CreateApiKeyRequest,
  CreateUserRequest,
  ListSecurityEventsRequest,
  UpdateUserRequest,
} from '../../../src/gen/hcs/v1/auth.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { grpcFrame, type RawGrpc, type RawGrpcOutcome, rawGrpc } from '../../helpers/raw-grpc.ts';
import { varint } from '../../helpers/wire-bytes.ts';

/**
 * Each client mistake the hardening corpus found answered with a 500 or a silent change, as the
 * client sends it, with the answer it must get. The generated suite next to this file throws
 * every kind of bad input at every method; these cases pin the exact answers.
 */

type Json = Record<string, unknown>;
let app: TestApp;
let grpc: RawGrpc;

test.before(async () => {
  app = await startTestApp({
    implementations: {
      // No message at all cannot be written as JSON: a fault after the chain finished.
      '/hcs.v1.SystemService/GetHostInfo': async () => null,
    } as never,
  });
});

test.after(async () => {
  grpc?.close();
  await app?.close();
});

/** Sends raw bytes (fetch cannot send invalid UTF-8 in a URL) and reads the JSON answer. */
async function send(
  method: string,
  path: string,
  body?: string | Buffer,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: Json; headers: Record<string, unknown> }> {
  const token = await app.adminToken();
  const url = new URL(app.httpBase);
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method,
        path,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: Json = {};
          try {
            json = JSON.parse(text) as Json;
          } catch {
            json = { text };
          }
          resolve({ status: response.statusCode ?? 0, json, headers: response.headers });
        });
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

const fieldOf = (json: Json) =>
  (
    (json.details as Json[] | undefined)?.find((detail) => 'fieldViolations' in detail)?.fieldViolations as
      | Json[]
      | undefined
  )?.[0]?.field;

const INVALID_UTF8 = Buffer.concat([
  Buffer.from('{"displayName":"a'),
  Buffer.from([0xff]),
  Buffer.from('b"}'),
]);

const restCases: {
  name: string;
  method: string;
  path: string;
  body?: string | Buffer;
  headers?: Record<string, string>;
  status: number;
  message: RegExp;
  field?: string;
}[] = [
  {
    name: 'JSON nested 4 000 deep, to a public endpoint',
    method: 'POST',
    path: '/api/v1/auth/revoke',
    body: `${'['.repeat(4000)}${']'.repeat(4000)}`,
    status: 400,
    message: /more than 100 deep/,
  },
  {
    name: 'a NUL in a text field that reaches the database',
    method: 'PATCH',
    path: '/api/v1/users/admin',
    body: '{"displayName":"a\\u0000b"}',
    status: 400,
    message: /NUL/,
    field: 'user.display_name',
  },
  {
    name: 'a NUL in a query filter',
    method: 'GET',
    path: '/api/v1/auth/securityEvents?actor=%00',
    status: 400,
    message: /NUL/,
    field: 'actor',
  },
  {
    name: 'an out-of-range timestamp in a query',
    method: 'GET',
    path: '/api/v1/auth/securityEvents?startTime=10000-01-01T00:00:00Z',
    status: 400,
    message: /RFC 3339|range/,
  },
  ...['[]', 'null', '1e999', '"x"'].map((body) => ({
    name: `a body of ${body} bound to the user field`,
    method: 'PATCH',
    path: '/api/v1/users/admin',
    body,
    status: 400,
    message: /must be a JSON object/,
    field: 'user',
  })),
  {
    name: 'a __proto__ key in a body: "*" request',
    method: 'POST',
    path: '/api/v1/users',
    body: '{"__proto__":{"roles":["admin"]},"user":{"username":"mallory","roles":["viewer"]},"password":"correct horse battery"}',
    status: 400,
    message: /unknown field "__proto__"/,
  },
  {
    name: 'invalid UTF-8 in a JSON body',
    method: 'PATCH',
    path: '/api/v1/users/admin',
    body: INVALID_UTF8,
    status: 400,
    message: /not valid UTF-8/,
  },
  {
    name: 'invalid UTF-8 percent-encoded in a query',
    method: 'GET',
    path: '/api/v1/auth/securityEvents?actor=a%FFb',
    status: 400,
    message: /not valid UTF-8/,
  },
  {
    name: 'invalid UTF-8 in a form body',
    method: 'POST',
    path: '/api/v1/auth/token',
    body: 'grant_type=password&username=a%C0%80&password=x',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    status: 400,
    message: /not valid UTF-8/,
  },
  {
    name: 'an undecodable line to a client-streaming method not built yet',
    method: 'POST',
    path: '/api/v1/series:ingestStream',
    body: '{oops\n',
    headers: { 'content-type': 'application/x-ndjson' },
    status: 400,
    message: /line 1/,
  },
  {
    name: 'invalid UTF-8 in a streamed line',
    method: 'POST',
    path: '/api/v1/series:ingestStream',
    body: Buffer.concat([Buffer.from('{"batches":[{"series":"'), Buffer.from([0xfe]), Buffer.from('"}]}\n')]),
    headers: { 'content-type': 'application/x-ndjson' },
    status: 400,
    message: /line 1 of the request body is not valid UTF-8/,
  },
];

for (const { name, method, path, body, headers, status, message, field } of restCases) {
  test(`REST: ${name} is ${status}`, async () => {
    const response = await send(method, path, body, headers);
    assert.is(response.status, status, JSON.stringify(response.json));
    assert.match(String(response.json.message ?? response.json.error_description), message);
    if (field !== undefined) assert.is(fieldOf(response.json), field);
  });
}

test('REST: a valid display name with quotes still saves (the NUL check refuses only NUL)', async () => {
  const response = await send(
    'PATCH',
    '/api/v1/users/admin',
    JSON.stringify({ displayName: `O'Brien "ops"` }),
  );
  assert.is(response.status, 200, JSON.stringify(response.json));
  assert.is(response.json.displayName, `O'Brien "ops"`);
});

test('REST: a 500 raised after the chain finished is logged with the request id the client saw', async () => {
  const response = await send('GET', '/api/v1/host', undefined, { 'x-request-id': 'late-fault-1' });
  assert.is(response.status, 500);
  assert.is(response.headers['x-request-id'], 'late-fault-1');
  await new Promise((resolve) => setTimeout(resolve, 50));
  const line = app.logs.find((entry) => entry.requestId === 'late-fault-1' && entry.level === 'error');
  assert.ok(line, 'an error line under the request id');
  assert.match(JSON.stringify(line), 'stack');
});

// --- gRPC ---------------------------------------------------------------------------------

const INVALID_ARGUMENT = 3;
const GARBAGE = Buffer.from('ffffffff', 'hex');

async function grpcCall(path: string, options: Parameters<RawGrpc['call']>[1] = {}): Promise<RawGrpcOutcome> {
  grpc ??= rawGrpc(app.grpcTarget);
  const headers = { authorization: `Bearer ${await app.adminToken()}`, ...options.headers };
  return grpc.call(path, { ...options, headers });
}

function violatedField(outcome: RawGrpcOutcome): string | undefined {
  const encoded = outcome.headers['grpc-status-details-bin'];
  if (encoded === undefined) return undefined;
  const status = Status.decode(Buffer.from(encoded, 'base64'));
  const detail = status.details.find((item) => item.typeUrl.endsWith('google.rpc.BadRequest'));
  return detail === undefined ? undefined : BadRequest.decode(detail.value).fieldViolations[0]?.field;
}

const many = (prefix: string) => Array.from({ length: 100_000 }, (_, i) => `${prefix}${i}`);
const displayNameBytes = Buffer.from([0x61, 0xff, 0x62]);

const grpcCases: {
  name: string;
  path: string;
  options: Parameters<RawGrpc['call']>[1];
  field?: string;
}[] = [
  ...[
    '/grpc.health.v1.Health/Check',
    '/grpc.health.v1.Health/Watch',
    '/grpc.reflection.v1.ServerReflection/ServerReflectionInfo',
    '/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo',
    '/hcs.v1.AuthService/WhoAmI',
  ].map((path) => ({ name: `undecodable bytes to ${path}`, path, options: { messages: [GARBAGE] } })),
  // (A 9-digit timeout is out of reach: grpc-js's pattern is not anchored and reads 8 of them, as it reads -5S as 5S.)
  ...['abc', '1h', 'S5'].flatMap((timeout) =>
    ['/grpc.health.v1.Health/Check', '/hcs.v1.AuthService/WhoAmI'].map((path) => ({
      name: `grpc-timeout: ${timeout} to ${path}`,
      path,
      options: { headers: { 'grpc-timeout': timeout }, messages: [Buffer.alloc(0)] },
    })),
  ),
  ...['/grpc.health.v1.Health/Check', '/hcs.v1.AuthService/WhoAmI'].map((path) => ({
    name: `grpc-encoding: gzip with garbage to ${path}`,
    path,
    options: { headers: { 'grpc-encoding': 'gzip' }, frames: grpcFrame(GARBAGE, true) },
  })),
  {
    name: 'ListSecurityEvents with start_time.seconds = 2^62',
    path: '/hcs.v1.AuthService/ListSecurityEvents',
    options: { messages: [Buffer.from([0x3a, 10, 0x08, ...varint(2n ** 62n)])] },
    field: 'start_time',
  },
  {
    name: 'UpdateUser with invalid UTF-8 in display_name',
    path: '/hcs.v1.AuthService/UpdateUser',
    options: {
      messages: [
        Buffer.concat([
          Buffer.from(
            UpdateUserRequest.encode(
              UpdateUserRequest.fromPartial({ user: { name: 'users/admin' } }),
            ).finish(),
          ),
          // user (field 1) again, holding display_name (field 3): messages merge.
          Buffer.from([0x0a, displayNameBytes.length + 2, 0x1a, displayNameBytes.length]),
          displayNameBytes,
        ]),
      ],
    },
    field: 'user.display_name',
  },
  {
    name: 'undecodable bytes to a client-streaming method not built yet',
    path: '/hcs.v1.AnalyticsService/IngestStream',
    options: { messages: [GARBAGE] },
  },
  {
    name: 'CreateUser with 100 000 unknown roles',
    path: '/hcs.v1.AuthService/CreateUser',
    options: {
      messages: [
        Buffer.from(
          CreateUserRequest.encode(
            CreateUserRequest.fromPartial({
              user: { username: 'bob', roles: many('r') },
              password: 'correct horse battery',
            }),
          ).finish(),
        ),
      ],
    },
    field: 'user.roles',
  },
  {
    name: 'CreateApiKey with 100 000 scopes',
    path: '/hcs.v1.AuthService/CreateApiKey',
    options: {
      messages: [
        Buffer.from(
          CreateApiKeyRequest.encode(
            CreateApiKeyRequest.fromPartial({
              apiKey: { displayName: 'k', roles: ['service'], scopes: many('s') },
            }),
          ).finish(),
        ),
      ],
    },
  },
  {
    name: 'UpdateUser with an update mask of 100 000 paths',
    path: '/hcs.v1.AuthService/UpdateUser',
    options: {
      messages: [
        Buffer.from(
          UpdateUserRequest.encode(
            UpdateUserRequest.fromPartial({ user: { name: 'users/admin' }, updateMask: many('p') }),
          ).finish(),
        ),
      ],
    },
    field: 'update_mask',
  },
];

for (const { name, path, options, field } of grpcCases) {
  test(`gRPC: ${name} is INVALID_ARGUMENT, with a small answer`, async () => {
    const outcome = await grpcCall(path, options);
    assert.is(outcome.code, INVALID_ARGUMENT, `${outcome.code} ${outcome.message} ${outcome.failure ?? ''}`);
    assert.ok(outcome.headerBytes < 4096, `${outcome.headerBytes} bytes of headers`);
    if (field !== undefined) assert.is(violatedField(outcome), field);
  });
}

test('gRPC: a valid gzip-compressed request is still served', async () => {
  const outcome = await grpcCall('/grpc.health.v1.Health/Check', {
    headers: { 'grpc-encoding': 'gzip' },
    frames: grpcFrame(gzipSync(Buffer.alloc(0)), true),
  });
  assert.is(outcome.code, 0, outcome.message);
});

test('gRPC: ListSecurityEvents with a Timestamp in range is served', async () => {
  const request = ListSecurityEventsRequest.fromPartial({ startTime: new Date('2020-01-01T00:00:00Z') });
  const outcome = await grpcCall('/hcs.v1.AuthService/ListSecurityEvents', {
    messages: [Buffer.from(ListSecurityEventsRequest.encode(request).finish())],
  });
  assert.is(outcome.code, 0, outcome.message);
});

test('gRPC: a client stream grpc-js ends itself (a message over the limit) is no server fault', async () => {
  const outcome = await grpcCall('/hcs.v1.AnalyticsService/IngestStream', {
    headers: { 'x-request-id': 'stream-over-limit' },
    frames: Buffer.from([0, 0, 0x50, 0, 0, 1, 2, 3]),
  });
  assert.is(outcome.code, 8, outcome.message);
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(
    app.logs.filter(
      (line) => line.level === 'error' && line.method === '/hcs.v1.AnalyticsService/IngestStream',
    ),
    [],
  );
});

test('a token signed with the real key but with impossible times is UNAUTHENTICATED on both transports', async () => {
  const grantOf = { subject: 'users/admin', roles: ['admin'], scopes: ['*'] };
  const tokens = [
    app.mintToken(grantOf, { now: (2 ** 53 - 1 - 900) * 1000 }),
    app.mintToken(grantOf, { now: Date.now() + 3_600_000 }),
  ];
  for (const token of tokens) {
    grpc ??= rawGrpc(app.grpcTarget);
    const outcome = await grpc.call('/hcs.v1.AuthService/WhoAmI', {
      headers: { authorization: `Bearer ${token}` },
      messages: [Buffer.alloc(0)],
    });
    assert.is(outcome.code, 16, `${outcome.code} ${outcome.message} ${outcome.failure ?? ''}`);
    const response = await fetch(`${app.httpBase}/api/v1/auth/whoami`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.is(response.status, 401);
  }
});

test("gRPC: grpc-js's own log lines go to the JSON log, credentials dropped, not to stderr", async () => {
  const written: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    written.push(String(chunk));
    return write(chunk, ...rest);
  }) as typeof process.stderr.write;
  try {
    // A value grpc-js cannot hold as text metadata (not printable ASCII): it logs and drops it.
    await grpcCall('/grpc.health.v1.Health/Check', {
      headers: { 'x-note': 'caf\u00e9', 'x-api-key': 'hcs_ak_0123456789abcdef.s\u00e9cret' },
      messages: [Buffer.alloc(0)],
    });
  } finally {
    process.stderr.write = write;
  }
  const lines = app.logs.filter((line) => line.component === 'grpc-js');
  assert.ok(
    lines.some((line) => String(line.msg).includes('x-note')),
    JSON.stringify(lines),
  );
  assert.not.match(JSON.stringify(lines), 'cret');
  assert.not.ok(
    written.some((text) => text.includes('x-note')),
    written.join(''),
  );
});

test.run();
