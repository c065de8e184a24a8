import type { Metadata } from '@grpc/grpc-js';

/**
 * HTTP/2 headers that describe the HTTP body itself. A method may set them for its REST answer
 * (a raw download's `content-length`), but on gRPC the body is length-prefixed messages, and a
 * `content-length` that does not count those bytes makes the client reset the stream.
 */
const HTTP_ONLY_HEADERS: ReadonlySet<string> = new Set([
  'content-length',
  'content-range',
  'transfer-encoding',
]);

/** Copies response headers set on the call context into grpc-js metadata, HTTP-only ones left out. */
export function headersToMetadata(headers: ReadonlyMap<string, string>, metadata: Metadata): Metadata {
  for (const [key, value] of headers) if (!HTTP_ONLY_HEADERS.has(key)) metadata.set(key, value);
  return metadata;
}
