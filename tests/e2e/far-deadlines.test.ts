import { Metadata } from '@grpc/grpc-js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { emptyResponse, startTestApp, type TestApp } from '../helpers/app.ts';
import { callRaw, rawClient } from '../helpers/grpc-client.ts';

// gRPC allows a timeout of 8 digits of hours; Node's timers wait at most 2^31-1 ms (~24.8 days).
// A call with a deadline further away than that must run, and still end at a near one.

const slowPath = '/hcs.v1.AnalyticsService/ListSeries';
const DAY_MS = 86_400_000;
let server: TestApp;

test.before(async () => {
  server = await startTestApp({
    implementations: {
      [slowPath]: async () => {
        await new Promise((resolve) => setTimeout(resolve, 150));
        return emptyResponse(slowPath);
      },
    },
  });
});

test.after(async () => {
  await server?.close();
});

test('deadlines from a day to 11 000 years away let a call finish', async () => {
  const client = rawClient(server.grpcTarget, await server.adminToken());
  try {
    for (const days of [1, 24, 25, 30, 49, 400, 4_000_000]) {
      const result = await callRaw(client, slowPath, Buffer.alloc(0), new Metadata(), days * DAY_MS);
      assert.is(result.error, undefined, `${days} days: ${result.error?.details}`);
    }
  } finally {
    client.close();
  }
});

test('a near deadline still ends the call with DEADLINE_EXCEEDED', async () => {
  const client = rawClient(server.grpcTarget, await server.adminToken());
  try {
    const result = await callRaw(client, slowPath, Buffer.alloc(0), new Metadata(), 50);
    assert.is(result.error?.code, 4);
  } finally {
    client.close();
  }
});

test.run();
