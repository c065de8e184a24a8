import type { IncomingMessage } from 'node:http';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mayHaveBody } from '../../../../src/transport/gateway/unread-body.ts';

const withHeaders = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

test('a request with a Content-Length above 0 or a Transfer-Encoding may have a body', () => {
  assert.ok(mayHaveBody(withHeaders({ 'content-length': '1' })));
  assert.ok(mayHaveBody(withHeaders({ 'content-length': '1048576' })));
  assert.ok(mayHaveBody(withHeaders({ 'transfer-encoding': 'chunked' })));
  assert.ok(mayHaveBody(withHeaders({ 'transfer-encoding': 'chunked', 'content-length': '0' })));
});

test('a request with neither, or a Content-Length of 0, has none', () => {
  assert.not.ok(mayHaveBody(withHeaders({})));
  assert.not.ok(mayHaveBody(withHeaders({ 'content-length': '0' })));
  assert.not.ok(mayHaveBody(withHeaders({ authorization: 'Bearer x', accept: 'application/json' })));
});

test.run();
