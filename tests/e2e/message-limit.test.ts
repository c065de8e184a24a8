import { status as GrpcStatus } from '@grpc/grpc-js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Device, UpdateDeviceRequest, UpdateDeviceResponse } from '../../src/gen/hcs/v1/devices.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { callRaw, rawClient } from '../helpers/grpc-client.ts';

/**
 * HCS_HTTP_BODY_LIMIT_BYTES bounds a request on both transports: a REST body over it is 413,
 * a gRPC message over it RESOURCE_EXHAUSTED naming the limit, and so is an answer over it.
 */

const LIMIT = 4096;
const UPDATE_DEVICE = '/hcs.v1.DeviceService/UpdateDevice';
/** A display name of this length makes the device's name echoed back too large. */
const HUGE = 'huge';

let app: TestApp;

test.before(async () => {
  app = await startTestApp({
    env: { HCS_HTTP_BODY_LIMIT_BYTES: String(LIMIT) },
    implementations: {
      [UPDATE_DEVICE]: async (request: UpdateDeviceRequest) =>
        UpdateDeviceResponse.fromPartial({
          device: {
            name: request.device?.name ?? '',
            displayName: request.device?.displayName === HUGE ? 'x'.repeat(LIMIT) : '',
          },
        }),
    },
  });
});

test.after(async () => {
  await app?.close();
});

/** An UpdateDeviceRequest whose encoding is exactly `bytes` long. */
function requestOfSize(bytes: number): Buffer {
  const encode = (length: number) =>
    Buffer.from(
      UpdateDeviceRequest.encode({
        device: Device.fromPartial({ name: 'devices/a', displayName: 'x'.repeat(length) }),
        updateMask: undefined,
      }).finish(),
    );
  // The length prefixes grow with the name, so search for the name length that lands exactly.
  for (let length = Math.max(0, bytes - 32); length <= bytes; length++) {
    const encoded = encode(length);
    if (encoded.length === bytes) return encoded;
  }
  throw new Error(`no UpdateDeviceRequest of exactly ${bytes} bytes`);
}

test('a gRPC request of the limit passes; one byte more is RESOURCE_EXHAUSTED naming the limit', async () => {
  const client = rawClient(app.grpcTarget, await app.adminToken());
  try {
    const under = await callRaw(client, UPDATE_DEVICE, requestOfSize(LIMIT));
    assert.is(under.error, undefined, under.error?.message);
    const over = await callRaw(client, UPDATE_DEVICE, requestOfSize(LIMIT + 1));
    assert.is(over.error?.code, GrpcStatus.RESOURCE_EXHAUSTED, over.error?.message);
    assert.match(over.error?.details ?? '', new RegExp(`\\(${LIMIT + 1} vs\\.? ${LIMIT}\\)`));
  } finally {
    client.close();
  }
});

test('a gRPC answer over the limit is RESOURCE_EXHAUSTED naming the limit, not sent', async () => {
  const client = rawClient(app.grpcTarget, await app.adminToken());
  try {
    const request = Buffer.from(
      UpdateDeviceRequest.encode({
        device: Device.fromPartial({ name: 'devices/a', displayName: HUGE }),
        updateMask: undefined,
      }).finish(),
    );
    const outcome = await callRaw(client, UPDATE_DEVICE, request);
    assert.is(outcome.error?.code, GrpcStatus.RESOURCE_EXHAUSTED, outcome.error?.message);
    assert.match(
      outcome.error?.details ?? '',
      new RegExp(`^Sent message larger than max \\(\\d+ vs\\.? ${LIMIT}\\)`),
    );
  } finally {
    client.close();
  }
});

test('the REST body limit is the same: a body of the limit passes, one byte more is 413', async () => {
  const patch = async (bytes: number) => {
    const padding = 'x'.repeat(bytes - JSON.stringify({ displayName: '' }).length);
    const body = JSON.stringify({ displayName: padding });
    assert.is(Buffer.byteLength(body), bytes);
    return fetch(`${app.httpBase}/api/v1/devices/a`, {
      method: 'PATCH',
      body,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await app.adminToken()}` },
    });
  };
  const under = await patch(LIMIT);
  assert.is(under.status, 200, await under.text());
  const over = await patch(LIMIT + 1);
  assert.is(over.status, 413);
  assert.match(String(((await over.json()) as { message?: string }).message), `${LIMIT} bytes`);
});

test.run();
