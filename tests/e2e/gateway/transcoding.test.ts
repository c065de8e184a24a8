import { request as httpRequest } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { deviceService } from '../../../src/services/devices/index.ts';
import type { CallContext } from '../../../src/transport/rpc/index.ts';
import { emptyResponse, startTestApp, type TestApp } from '../../helpers/app.ts';
import { fetchAnswer } from '../../helpers/http.ts';

type Json = Record<string, unknown>;
const seen: { cancelled: boolean; ingested: number; produced: number } = {
  cancelled: false,
  ingested: 0,
  produced: 0,
};
let app: TestApp;

test.before(async () => {
  app = await startTestApp({
    // ListJobs left out, as a method not built yet is.
    modules: [
      {
        ...deviceService,
        create(deps) {
          const instance = deviceService.create(deps);
          const { listJobs: _left, ...procedures } = instance.procedures as Record<string, unknown>;
          return { ...instance, procedures: procedures as never };
        },
      },
    ],
    implementations: {
      '/hcs.v1.DeviceService/GetDevice': async (request: { name: string }) => ({
        device: {
          ...(emptyResponse('/hcs.v1.DeviceService/GetDevice') as { device: undefined }),
          ...deviceNamed(request.name),
        },
      }),
      '/hcs.v1.DeviceService/UpdateDevice': async (request: { device: Json; updateMask: string[] }) => ({
        device: {
          ...deviceNamed(String(request.device.name)),
          displayName: request.device.displayName,
          description: request.updateMask.join(','),
        },
      }),
      '/hcs.v1.DeviceService/ListDevices': async (request: Json) => ({
        devices: [],
        nextPageToken: JSON.stringify(request),
      }),
      '/hcs.v1.AuthService/CreateToken': async (request: Json) => ({
        ...(emptyResponse('/hcs.v1.AuthService/CreateToken') as Json),
        accessToken: JSON.stringify(request),
        tokenType: 'bearer',
      }),
      '/hcs.v1.DeviceService/DeleteDevice': async () => {
        throw new Error('disk on fire at /var/lib/hcs');
      },
      '/hcs.v1.DeviceService/StreamDeviceEvents': async function* (
        request: { devices: string[] },
        ctx: CallContext,
      ) {
        for (const device of request.devices) yield { ...emptyStreamEvent(), device };
        if (request.devices.includes('devices/trailed'))
          ctx.responseTrailers.set('x-events-sent', String(request.devices.length));
        if (request.devices.includes('devices/boom')) throw new Error('sensor bus failure');
        if (request.devices.includes('devices/flood')) {
          const big = `devices/${'x'.repeat(16 * 1024)}`;
          for (seen.produced = 0; seen.produced < 20_000 && !ctx.signal.aborted; seen.produced += 1) {
            yield { ...emptyStreamEvent(), device: big };
          }
        }
        if (request.devices.includes('devices/forever')) {
          await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
          seen.cancelled = true;
        }
      },
      '/hcs.v1.AnalyticsService/IngestStream': async (requests: AsyncIterable<{ batches: unknown[] }>) => {
        let messages = 0;
        for await (const request of requests) {
          messages += 1;
          seen.ingested += request.batches.length;
        }
        return { messageCount: String(messages), acceptedCount: '0', rejectedCount: '0', rejections: [] };
      },
    } as never,
  });
});

test.after(async () => {
  await app?.close();
});

function deviceNamed(name: string): Json {
  return {
    ...(emptyResponse('/hcs.v1.DeviceService/GetDevice') as Json),
    name,
    displayName: '',
    description: '',
    profile: '',
    adapter: '',
    address: '',
    protocolProperties: {},
    labels: {},
    adminState: 0,
    operatingState: 0,
    stateReason: '',
  };
}

function emptyStreamEvent(): Json {
  return emptyResponse('/hcs.v1.DeviceService/StreamDeviceEvents') as Json;
}

async function call(
  method: string,
  path: string,
  init: { body?: string; headers?: Record<string, string> } = {},
) {
  const headers = { authorization: `Bearer ${await app.adminToken()}`, ...init.headers };
  return fetchAnswer(`${app.httpBase}${path}`, { method, body: init.body, headers });
}

const reasonOf = (json: Json) => (json.details as Json[] | undefined)?.[0]?.reason;

test('GET with a path variable returns the bare resource (response_body)', async () => {
  const { status, json, headers } = await call('GET', '/api/v1/devices/press-1');
  assert.is(status, 200);
  assert.is(json.name, 'devices/press-1');
  assert.is(json.displayName, '', 'defaults are present');
  assert.ok(headers.get('x-request-id'));
});

test('a percent-encoded variable is decoded, except an encoded slash', async () => {
  const { json } = await call('GET', '/api/v1/devices/press%201');
  assert.is(json.name, 'devices/press 1');
});

test('PATCH with a body field fills update_mask from the fields sent', async () => {
  const { status, json } = await call('PATCH', '/api/v1/devices/press-1', {
    body: JSON.stringify({ displayName: 'Press One', labels: { line: 'a' } }),
    headers: { 'content-type': 'application/json' },
  });
  assert.is(status, 200, JSON.stringify(json));
  assert.is(json.name, 'devices/press-1');
  assert.is(json.displayName, 'Press One');
  assert.is(json.description, 'display_name,labels');
});

test('a path variable wins over the same field in the body', async () => {
  const { status, json } = await call('PATCH', '/api/v1/devices/press-1?updateMask=displayName', {
    body: JSON.stringify({ name: 'devices/other-press', displayName: 'Press One' }),
    headers: { 'content-type': 'application/json' },
  });
  assert.is(status, 200, JSON.stringify(json));
  assert.is(json.name, 'devices/press-1');
  assert.is(json.displayName, 'Press One');
});

test('PATCH keeps an update_mask the client sent', async () => {
  const { json } = await call('PATCH', '/api/v1/devices/press-1?updateMask=labels', {
    body: JSON.stringify({ displayName: 'X', labels: {} }),
    headers: { 'content-type': 'application/json' },
  });
  assert.is(json.description, 'labels');
});

test('query parameters fill the request: numbers, strings, both spellings', async () => {
  const { status, json } = await call(
    'GET',
    '/api/v1/devices?page_size=5&orderBy=name&filter=labels.line%3D%22a%22',
  );
  assert.is(status, 200);
  assert.equal(JSON.parse(String(json.nextPageToken)), {
    pageSize: 5,
    pageToken: '',
    filter: 'labels.line="a"',
    orderBy: 'name',
  });
});

const clientErrors: [
  string,
  string,
  string,
  { body?: string; headers?: Record<string, string> },
  number,
  RegExp,
][] = [
  ['an unknown query parameter', 'GET', '/api/v1/devices?pageSise=5', {}, 400, /pageSise/],
  ['a query value of the wrong type', 'GET', '/api/v1/devices?page_size=many', {}, 400, /page_size|pageSize/],
  [
    'an unknown body field',
    'PATCH',
    '/api/v1/devices/a',
    { body: '{"nmae":"x"}', headers: { 'content-type': 'application/json' } },
    400,
    /unknown field "nmae"/,
  ],
  [
    'malformed JSON, with the position',
    'PATCH',
    '/api/v1/devices/a',
    { body: '{"displayName": }', headers: { 'content-type': 'application/json' } },
    400,
    /not valid JSON.*position|column/,
  ],
  [
    'a body that is not JSON',
    'PATCH',
    '/api/v1/devices/a',
    { body: 'displayName=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
    415,
    /unsupported content type/,
  ],
  ['an unknown route', 'GET', '/api/v1/nothing-here', {}, 404, /no route for GET/],
  ['a path outside the API', 'GET', '/etc/passwd', {}, 404, /no route/],
  // {name=devices/*} spans two segments, so %2F stays encoded (http.proto): the id stays one segment.
  [
    'a traversal attempt in a resource name',
    'GET',
    '/api/v1/devices/..%2F..%2Fetc%2Fpasswd',
    {},
    200,
    /^devices\/\.\.%2F\.\.%2Fetc%2Fpasswd$/,
  ],
];

for (const [name, method, path, init, status, message] of clientErrors) {
  test(`${name}: HTTP ${status}`, async () => {
    const response = await call(method, path, init);
    assert.is(response.status, status, response.text);
    assert.match(
      String(response.json.message ?? response.json.name ?? response.text),
      message,
      response.text,
    );
    if (status >= 400) {
      assert.is(response.headers.get('content-type'), 'application/json; charset=utf-8');
      assert.type(response.json.code, 'number');
    }
  });
}

test('a request target no URL parser can read is a 400, not a server error', async () => {
  const response = await rawGet('//%', { 'x-request-id': 'bad-target-1' });
  assert.is(response.status, 400, response.body.toString());
  assert.match(response.body.toString(), /not a valid URL path/);
  assert.is(response.headers['x-request-id'], 'bad-target-1');
});

// node:http, not fetch: fetch would negotiate and decompress by itself, and normalise the path
// (sent here exactly as written).
async function rawGet(path: string, headers: Record<string, string>) {
  const authorization = `Bearer ${await app.adminToken()}`;
  return new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>(
    (resolve, reject) => {
      const request = httpRequest(
        app.httpBase,
        { path, headers: { authorization, ...headers } },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              headers: response.headers,
              body: Buffer.concat(chunks),
            }),
          );
        },
      );
      request.on('error', reject);
      request.end();
    },
  );
}

const LARGE_LIST = `/api/v1/devices?filter=${'x'.repeat(9000)}`;
const compressionCases: [acceptEncoding: string | undefined, encoding: string | undefined][] = [
  ['gzip', 'gzip'],
  ['br', 'br'],
  ['gzip, deflate, br', 'br'],
  ['br;q=0, gzip;q=0.5', 'gzip'],
  ['identity', undefined],
  [undefined, undefined],
];

for (const [acceptEncoding, encoding] of compressionCases) {
  test(`a large answer with Accept-Encoding ${JSON.stringify(acceptEncoding)} is sent ${encoding ?? 'uncompressed'}`, async () => {
    const response = await rawGet(
      LARGE_LIST,
      acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding },
    );
    assert.is(response.status, 200, response.body.toString());
    assert.is(response.headers['content-encoding'], encoding);
    assert.match(String(response.headers.vary), /Accept-Encoding/);
    assert.is(Number(response.headers['content-length']), response.body.length);
    const text = (
      encoding === 'gzip'
        ? gunzipSync(response.body)
        : encoding === 'br'
          ? brotliDecompressSync(response.body)
          : response.body
    ).toString('utf8');
    const json = JSON.parse(text) as Json;
    assert.match(String(json.nextPageToken), 'x'.repeat(9000));
    if (encoding !== undefined) assert.ok(response.body.length < text.length / 10, 'compressed');
  });
}

test('a small answer is not compressed, whatever the client accepts', async () => {
  const response = await rawGet('/api/v1/devices?filter=small', { 'accept-encoding': 'gzip, br' });
  assert.is(response.status, 200);
  assert.is(response.headers['content-encoding'], undefined);
  assert.ok(JSON.parse(response.body.toString('utf8')));
});

test('a body: "*" route also takes an HTML form / OAuth2 token request (form-urlencoded), ignoring unknown fields', async () => {
  const { status, json } = await call('POST', '/api/v1/auth/token', {
    body: 'grant_type=password&username=ada&password=s%26cret&scope=devices%3Aread',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  assert.is(status, 200, JSON.stringify(json));
  const request = JSON.parse(String(json.access_token)) as Json;
  assert.equal(
    [request.grantType, request.username, request.password, request.scope],
    ['password', 'ada', 's&cret', 'devices:read'],
  );
  // RFC 6749 §3.2: a token endpoint ignores parameters it does not know (resource, audience, …).
  const extra = await call('POST', '/api/v1/auth/token', {
    body: 'grant_type=password&username=ada&resource=https%3A%2F%2Fapi.example&submit=Sign+in',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  assert.is(extra.status, 200, JSON.stringify(extra.json));
  assert.equal((JSON.parse(String(extra.json.access_token)) as Json).username, 'ada');
  const twice = await call('POST', '/api/v1/auth/token', {
    body: 'grant_type=password&username=ada&username=bob',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  assert.is(twice.status, 400, 'a parameter sent twice is refused (RFC 6749 §3.2)');
  assert.is(twice.json.error, 'invalid_request', 'in the RFC error form, as every token endpoint failure');
  assert.match(String(twice.json.error_description), 'username');
});

test('a request refused before it reaches the procedure still gets a request id', async () => {
  const refused = await call('PATCH', '/api/v1/devices/a', {
    body: '{',
    headers: { 'content-type': 'application/json', 'x-request-id': 'bad-body-1' },
  });
  assert.is(refused.status, 400);
  assert.is(refused.headers.get('x-request-id'), 'bad-body-1');
  const unrouted = await call('GET', '/api/v1/nowhere');
  assert.match(unrouted.headers.get('x-request-id') ?? '', /^[0-9a-f]{12}-[0-9a-z]+$/);
});

test('a wrong HTTP method is 405 with Allow', async () => {
  const { status, headers, json } = await call('DELETE', '/api/v1/devices');
  assert.is(status, 405);
  assert.match(headers.get('allow') ?? '', 'GET');
  assert.is(reasonOf(json), 'METHOD_NOT_ALLOWED');
});

test('a body over the limit is 413 without being read whole', async () => {
  const { status, json } = await call('PATCH', '/api/v1/devices/a', {
    body: JSON.stringify({ displayName: 'x'.repeat(5 * 1024 * 1024) }),
    headers: { 'content-type': 'application/json' },
  });
  assert.is(status, 413);
  assert.is(reasonOf(json), 'BODY_TOO_LARGE');
});

test('HCS_HTTP_BODY_LIMIT_BYTES sets the limit: a body over it is 413 naming it, one under it passes', async () => {
  const small = await startTestApp({
    env: { HCS_HTTP_BODY_LIMIT_BYTES: '2048' },
    implementations: {
      '/hcs.v1.DeviceService/UpdateDevice': async (request: { device: Json }) => ({
        device: deviceNamed(String(request.device.name)),
      }),
    },
  });
  try {
    const patch = async (displayName: string) =>
      fetch(`${small.httpBase}/api/v1/devices/a`, {
        method: 'PATCH',
        body: JSON.stringify({ displayName }),
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await small.adminToken()}` },
      });
    const over = await patch('x'.repeat(3000));
    assert.is(over.status, 413);
    assert.match(String(((await over.json()) as Json).message), '2048 bytes');
    const under = await patch('x'.repeat(1000));
    assert.is(under.status, 200, await under.text());
  } finally {
    await small.close();
  }
});

test('a method not built yet is 501 with its name', async () => {
  const { status, json } = await call('GET', '/api/v1/jobs');
  assert.is(status, 501);
  assert.match(String(json.message), '/hcs.v1.DeviceService/ListJobs');
  assert.is(reasonOf(json), 'METHOD_NOT_IMPLEMENTED');
});

test('an unexpected failure is 500 with a generic message and the request id', async () => {
  const { status, json, text, headers } = await call('DELETE', '/api/v1/devices/a', {
    headers: { 'x-request-id': 'rest-500' },
  });
  assert.is(status, 500);
  assert.is(json.message, 'internal error');
  assert.not.match(text, 'disk on fire');
  assert.is(headers.get('x-request-id'), 'rest-500');
});

test('server streaming is NDJSON by default, one {"result"} per line', async () => {
  const { status, headers, text } = await call(
    'GET',
    '/api/v1/devices:streamEvents?devices=devices/a&devices=devices/b',
  );
  assert.is(status, 200);
  assert.match(headers.get('content-type') ?? '', 'application/x-ndjson');
  const lines = text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { result: Json });
  assert.equal(
    lines.map((line) => line.result.device),
    ['devices/a', 'devices/b'],
  );
});

test('HEAD on a streaming route answers the stream’s headers and does not run the stream', async () => {
  seen.produced = -1;
  const { status, headers, text } = await call(
    'HEAD',
    '/api/v1/devices:streamEvents?devices=devices/a&devices=devices/flood',
    { headers: { 'x-request-id': 'head-stream-1' } },
  );
  assert.is(status, 200);
  assert.match(headers.get('content-type') ?? '', 'application/x-ndjson');
  assert.is(headers.get('x-request-id'), 'head-stream-1');
  assert.is(text, '');
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.is(seen.produced, -1, 'the procedure produced nothing');
});

test('server streaming ends with an {"error"} line when the procedure fails midway', async () => {
  const { text } = await call('GET', '/api/v1/devices:streamEvents?devices=devices/boom');
  const lines = text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Json);
  const [first, last] = lines as [{ result: Json }, { error: Json }];
  assert.is(first.result.device, 'devices/boom');
  assert.is(last.error.code, 13);
  assert.not.match(text, 'sensor bus failure');
});

test('server streaming speaks Server-Sent Events when asked', async () => {
  const { headers, text } = await call('GET', '/api/v1/devices:streamEvents?devices=devices/a', {
    headers: { accept: 'text/event-stream' },
  });
  assert.match(headers.get('content-type') ?? '', 'text/event-stream');
  assert.match(text, /^data: \{"result":\{/);
});

test('trailers set while streaming arrive as Grpc-Trailer-* HTTP trailers after the body', async () => {
  const token = await app.adminToken();
  const { trailers, body } = await new Promise<{ trailers: NodeJS.Dict<string>; body: string }>(
    (resolve, reject) => {
      const request = httpRequest(
        `${app.httpBase}/api/v1/devices:streamEvents?devices=devices/a&devices=devices/trailed`,
        { headers: { authorization: `Bearer ${token}`, te: 'trailers' } },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            text += chunk;
          });
          response.on('end', () => resolve({ trailers: response.trailers, body: text }));
        },
      );
      request.on('error', reject);
      request.end();
    },
  );
  assert.is(body.trim().split('\n').length, 2);
  assert.is(trailers['grpc-trailer-x-events-sent'], '2');
});

test('a client that disconnects from a stream cancels the procedure', async () => {
  seen.cancelled = false;
  const token = await app.adminToken();
  await new Promise<void>((resolve, reject) => {
    const request = httpRequest(
      `${app.httpBase}/api/v1/devices:streamEvents?devices=devices/forever`,
      { headers: { authorization: `Bearer ${token}` } },
      (response) => {
        response.once('data', () => {
          request.destroy();
          resolve();
        });
      },
    );
    request.on('error', () => undefined);
    request.end();
    setTimeout(() => reject(new Error('no first event')), 20_000).unref();
  });
  const started = Date.now();
  while (!seen.cancelled && Date.now() - started < 20_000)
    await new Promise((resolve) => setTimeout(resolve, 20));
  assert.ok(seen.cancelled, 'the procedure saw ctx.signal abort');
});

test('a slow reader slows the producer instead of growing memory', async () => {
  const token = await app.adminToken();
  seen.produced = 0;
  await new Promise<void>((resolve, reject) => {
    const request = httpRequest(
      `${app.httpBase}/api/v1/devices:streamEvents?devices=devices/flood`,
      { headers: { authorization: `Bearer ${token}` } },
      (response) => {
        response.once('data', () => {
          response.pause();
          // 20 000 messages of 16 KiB would be 320 MiB; a paused reader must hold the producer back.
          setTimeout(() => {
            request.destroy();
            resolve();
          }, 700);
        });
      },
    );
    request.on('error', () => undefined);
    request.end();
    setTimeout(() => reject(new Error('no first event')), 20_000).unref();
  });
  assert.ok(seen.produced > 0, 'the stream started');
  assert.ok(seen.produced < 2_000, `the producer ran ahead by ${seen.produced} messages`);
});

test('client streaming reads an NDJSON body message by message', async () => {
  seen.ingested = 0;
  const line = JSON.stringify({
    batches: [{ series: 'series/t1', samples: [{ sampleTime: '2026-01-01T00:00:00Z', value: 1 }] }],
  });
  const { status, json } = await call('POST', '/api/v1/series:ingestStream', {
    body: `${line}\n${line}\n\n${line}\n`,
    headers: { 'content-type': 'application/x-ndjson' },
  });
  assert.is(status, 200, JSON.stringify(json));
  assert.is(json.messageCount, '3');
  assert.is(seen.ingested, 3);
});

test('client streaming names the bad line', async () => {
  const { status, json } = await call('POST', '/api/v1/series:ingestStream', {
    body: '{"batches": []}\n{oops\n',
    headers: { 'content-type': 'application/x-ndjson' },
  });
  assert.is(status, 400);
  assert.match(String(json.message), 'line 2');
});

test('CORS preflight answers with the methods of the path and the allowed headers', async () => {
  const response = await fetch(`${app.httpBase}/api/v1/devices/a`, {
    method: 'OPTIONS',
    headers: {
      origin: 'https://ui.example',
      'access-control-request-method': 'PATCH',
      'access-control-request-headers': 'authorization',
    },
  });
  assert.is(response.status, 204);
  assert.is(response.headers.get('access-control-allow-origin'), '*');
  assert.match(response.headers.get('access-control-allow-methods') ?? '', 'PATCH');
  assert.match(response.headers.get('access-control-allow-headers') ?? '', 'authorization');
  const actual = await fetch(`${app.httpBase}/api/v1/devices/a`, {
    headers: { origin: 'https://ui.example' },
  });
  assert.is(actual.headers.get('access-control-allow-origin'), '*');
  assert.match(actual.headers.get('access-control-expose-headers') ?? '', 'x-request-id');
});

test('with HCS_CORS_ORIGINS listed, only those origins are let in, and answers vary by Origin', async () => {
  const listed = await startTestApp({
    env: { HCS_CORS_ORIGINS: 'https://ui.example' },
    implementations: {
      '/hcs.v1.DeviceService/ListDevices': async (request: Json) => ({
        devices: [],
        nextPageToken: JSON.stringify(request),
      }),
    },
  });
  try {
    const get = async (origin: string, path = '/api/v1/devices', extra: Record<string, string> = {}) =>
      fetch(`${listed.httpBase}${path}`, {
        headers: { origin, authorization: `Bearer ${await listed.adminToken()}`, ...extra },
      });
    const allowed = await get('https://ui.example');
    assert.is(allowed.status, 200);
    assert.is(allowed.headers.get('access-control-allow-origin'), 'https://ui.example');
    assert.match(allowed.headers.get('vary') ?? '', /Origin/);
    const other = await get('https://evil.example');
    assert.is(other.headers.get('access-control-allow-origin'), null, 'no CORS grant for an unlisted origin');
    assert.match(other.headers.get('vary') ?? '', /Origin/);
    const preflight = await fetch(`${listed.httpBase}/api/v1/devices`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
    });
    assert.is(preflight.headers.get('access-control-allow-origin'), null);
    const large = await get('https://ui.example', `/api/v1/devices?filter=${'x'.repeat(9000)}`, {
      'accept-encoding': 'gzip',
    });
    assert.is(large.headers.get('content-encoding'), 'gzip');
    assert.is(large.headers.get('vary'), 'Origin, Accept-Encoding');
    const openApi = await fetch(`${listed.httpBase}/api/v1/openapi.json`, {
      headers: { origin: 'https://ui.example', 'accept-encoding': 'gzip' },
    });
    assert.is(openApi.headers.get('vary'), 'Origin, Accept-Encoding', 'the OpenAPI document too');
  } finally {
    await listed.close();
  }
});

test.run();
