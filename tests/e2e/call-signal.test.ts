import { type Client, Metadata } from '@grpc/grpc-js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AppError, Code, PlatformReason } from '../../src/platform/errors/index.ts';
import type { CallContext } from '../../src/transport/rpc/index.ts';
import { emptyResponse, startTestApp, type TestApp } from '../helpers/app.ts';
import { rawClient } from '../helpers/grpc-client.ts';
import { waitFor } from '../helpers/redis.ts';

// What a procedure sees of its call through `ctx.signal`: the client's cancellation, the
// deadline (also when the chain answers it first, on both transports), and no abort for a gRPC
// stream that closes after the answer.

const waitingPath = '/hcs.v1.AnalyticsService/GetSeries'; // REST: GET /api/v1/series/{id}
const answeringPath = '/hcs.v1.AnalyticsService/CreateSeries';
const lateReadingPath = '/hcs.v1.AnalyticsService/UpdateSeries';
const slowPath = '/hcs.v1.AnalyticsService/ListSeries'; // REST: GET /api/v1/series
const pastDeadlinePath = '/hcs.v1.AnalyticsService/DeleteSeries';
const streamPath = '/hcs.v1.AnalyticsService/StreamSamples'; // REST: GET /api/v1/series/{id}:streamSamples
const rawStreamPath = '/hcs.v1.SystemService/ReadFile'; // REST: GET /api/v1/files:read, raw bytes

/** What the procedures saw, per test. */
const seen: {
  pastDeadline?: AbortSignal;
  waiting?: boolean;
  abort?: unknown;
  answeredCtx?: CallContext;
  lateCtx?: CallContext;
} = {};
let releaseLateReader: () => void = () => undefined;
let server: TestApp;
let client: Client;

test.before(async () => {
  server = await startTestApp({
    implementations: {
      // Waits until its signal aborts, and records why.
      [waitingPath]: (_input: unknown, ctx: CallContext) =>
        new Promise((resolve) => {
          seen.waiting = true;
          ctx.signal.addEventListener('abort', () => {
            seen.abort = ctx.signal.reason;
            resolve(emptyResponse(waitingPath));
          });
        }),
      [answeringPath]: async (_input: unknown, ctx: CallContext) => {
        seen.answeredCtx = ctx;
        return emptyResponse(answeringPath);
      },
      // Works past any short deadline, then looks at its signal for the first time.
      [pastDeadlinePath]: async (_input: unknown, ctx: CallContext) => {
        await new Promise((resolve) => setTimeout(resolve, 700));
        seen.pastDeadline = ctx.signal;
        return emptyResponse(pastDeadlinePath);
      },
      // Ten messages 100 ms apart, unless its signal aborts first.
      [streamPath]: async function* (_input: unknown, ctx: CallContext) {
        for (let index = 0; index < 10 && !ctx.signal.aborted; index += 1) {
          yield emptyResponse(streamPath);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      },
      // Ten chunks of 1 KiB 100 ms apart, unless its signal aborts first.
      [rawStreamPath]: async function* (_input: unknown, ctx: CallContext) {
        for (let index = 0; index < 10 && !ctx.signal.aborted; index += 1) {
          yield {
            offset: String(index * 1024),
            body: { contentType: 'application/octet-stream', data: Buffer.alloc(1024, 97), extensions: [] },
          };
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      },
      [slowPath]: async () => {
        await new Promise((resolve) => setTimeout(resolve, 100));
        return emptyResponse(slowPath);
      },
      // Reads nothing of the call until the test lets it go on.
      [lateReadingPath]: (_input: unknown, ctx: CallContext) => {
        seen.lateCtx = ctx;
        return new Promise((resolve) => {
          releaseLateReader = () => resolve(emptyResponse(lateReadingPath));
        });
      },
    },
  });
  client = rawClient(server.grpcTarget, await server.adminToken());
});

test.after(async () => {
  client?.close();
  await server?.close();
});

const identity = (value: Buffer) => value;

function startCall(path: string, deadlineMs: number) {
  return client.makeUnaryRequest(
    path,
    identity,
    identity,
    Buffer.alloc(0),
    new Metadata(),
    { deadline: Date.now() + deadlineMs },
    () => undefined,
  );
}

test('a client cancelling the call aborts the signal with CANCELLED', async () => {
  seen.abort = undefined;
  seen.waiting = false;
  const call = startCall(waitingPath, 10_000);
  await waitFor(() => seen.waiting === true, 5000, 'the procedure to start');
  call.cancel();
  await waitFor(() => seen.abort !== undefined, 5000, 'the signal to abort');
  assert.instance(seen.abort, AppError);
  assert.is((seen.abort as AppError).code, Code.CANCELLED);
  assert.is((seen.abort as AppError).reason, PlatformReason.CANCELLED);
});

test('a deadline that passes aborts the signal with DEADLINE_EXCEEDED', async () => {
  seen.abort = undefined;
  startCall(waitingPath, 300);
  await waitFor(() => seen.abort !== undefined, 5000, 'the signal to abort');
  assert.instance(seen.abort, AppError);
  assert.is((seen.abort as AppError).code, Code.DEADLINE_EXCEEDED);
  assert.is((seen.abort as AppError).reason, PlatformReason.DEADLINE_EXCEEDED);
});

test('a procedure still at work when the chain answers its deadline finds its signal aborted', async () => {
  seen.pastDeadline = undefined;
  startCall(pastDeadlinePath, 300);
  await waitFor(() => seen.pastDeadline !== undefined, 5000, 'the procedure to read its signal');
  const signal = seen.pastDeadline as AbortSignal | undefined;
  assert.is(signal?.aborted, true);
  assert.is((signal?.reason as AppError | undefined)?.code, Code.DEADLINE_EXCEEDED);
});

test('the stream closing after the answer is no cancellation: a signal read then is not aborted', async () => {
  seen.answeredCtx = undefined;
  await new Promise<void>((resolve, reject) =>
    client.makeUnaryRequest(answeringPath, identity, identity, Buffer.alloc(0), new Metadata(), (error) =>
      error ? reject(error) : resolve(),
    ),
  );
  // grpc-js marks the call cancelled once its stream has closed, answered or not.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const answered = seen.answeredCtx as CallContext | undefined;
  assert.ok(answered, 'the procedure ran');
  assert.is(answered?.signal.aborted, false);
});

test('a signal first read after the client went away is born aborted', async () => {
  seen.lateCtx = undefined;
  const call = startCall(lateReadingPath, 10_000);
  await waitFor(() => seen.lateCtx !== undefined, 5000, 'the procedure to start');
  call.cancel();
  await new Promise((resolve) => setTimeout(resolve, 300));
  const signal = (seen.lateCtx as CallContext | undefined)?.signal;
  releaseLateReader();
  assert.is(signal?.aborted, true);
  assert.is((signal?.reason as AppError | undefined)?.code, Code.CANCELLED);
});

test("over REST, a grpc-timeout that passes is a 504, and the procedure's signal aborts", async () => {
  seen.abort = undefined;
  const response = await fetch(`${server.httpBase}/api/v1/series/waiting`, {
    headers: { authorization: `Bearer ${await server.adminToken()}`, 'grpc-timeout': '300m' },
  });
  assert.is(response.status, 504);
  await waitFor(() => seen.abort !== undefined, 5000, 'the signal to abort');
  assert.is((seen.abort as AppError).code, Code.DEADLINE_EXCEEDED);
});

test('over REST, a stream its deadline ends finishes with a DEADLINE_EXCEEDED error item, not as complete', async () => {
  const response = await fetch(`${server.httpBase}/api/v1/series/streaming:streamSamples`, {
    headers: { authorization: `Bearer ${await server.adminToken()}`, 'grpc-timeout': '350m' },
  });
  assert.is(response.status, 200);
  const lines = (await response.text()).trim().split('\n');
  const items = lines.map((line) => JSON.parse(line) as { result?: unknown; error?: { code: number } });
  assert.ok(items.length >= 2 && items.length < 10, `${items.length} items`);
  assert.ok(items.slice(0, -1).every((item) => item.result !== undefined));
  assert.is(items.at(-1)?.error?.code, Code.DEADLINE_EXCEEDED);
});

test('over REST, a raw download its deadline ends is cut short, never complete-looking', async () => {
  const response = await fetch(`${server.httpBase}/api/v1/files:read?path=slow.bin`, {
    headers: { authorization: `Bearer ${await server.adminToken()}`, 'grpc-timeout': '350m' },
  });
  assert.is(response.status, 200);
  try {
    const body = await response.arrayBuffer();
    assert.unreachable(`the body ended normally after ${body.byteLength} bytes`);
  } catch (error) {
    assert.not.instance(error, assert.Assertion);
  }
});

test('a REST request answered before its deadline leaves no timer behind', async () => {
  const token = await server.adminToken();
  const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
  const before = timers();
  for (let index = 0; index < 30; index += 1) {
    const response = await fetch(`${server.httpBase}/api/v1/series`, {
      headers: { authorization: `Bearer ${token}`, 'grpc-timeout': '1H' },
    });
    assert.is(response.status, 200);
    await response.arrayBuffer();
  }
  assert.ok(timers() - before < 10, `${timers() - before} timers more after 30 requests`);
});

test('a deadline further away than a Node timer can wait is honoured, not fired at once', async () => {
  const token = await server.adminToken();
  // 8 digits of hours: the longest timeout gRPC allows, ~11 400 years.
  const response = await fetch(`${server.httpBase}/api/v1/series`, {
    headers: { authorization: `Bearer ${token}`, 'grpc-timeout': '99999999H' },
  });
  assert.is(response.status, 200, await response.clone().text());
  const month = await fetch(`${server.httpBase}/api/v1/series`, {
    headers: { authorization: `Bearer ${token}`, 'grpc-timeout': '2592000S' },
  });
  assert.is(month.status, 200, await month.clone().text());
});

test.run();
