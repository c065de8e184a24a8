import { type ContentCoding, compress, negotiateEncoding } from './compress.ts';
import type { HttpRoute } from './http-route.ts';
import { appendVary } from './vary.ts';

/** Where the OpenAPI document is served. */
export const OPENAPI_PATH = '/api/v1/openapi.json';

/**
 * `GET /api/v1/openapi.json`: the OpenAPI document, compressed as the client prefers (br or
 * gzip). The document never changes while the server runs, so it is built and serialised on the
 * first request, not at start (a process nobody asks for it never holds it), and each coding
 * compressed once, on first demand. Readable from the configured CORS origins, like the API it
 * describes.
 */
export function createOpenApiRoute(document: () => Record<string, unknown>): HttpRoute {
  let json: string | undefined;
  const compressedByCoding = new Map<ContentCoding, Promise<Buffer>>();
  const compressed = (text: string, encoding: ContentCoding) => {
    let body = compressedByCoding.get(encoding);
    if (body === undefined) {
      body = compress(text, encoding);
      compressedByCoding.set(encoding, body);
    }
    return body;
  };
  return {
    name: 'OpenAPI document',
    methods: ['GET'],
    path: OPENAPI_PATH,
    async handle(request, response) {
      const encoding = negotiateEncoding(request);
      json ??= JSON.stringify(document());
      const body = encoding === undefined ? json : await compressed(json, encoding);
      appendVary(response, 'Accept-Encoding');
      response.writeHead(200, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(body),
        'x-content-type-options': 'nosniff',
        'cache-control': 'no-cache',
        ...(encoding ? { 'content-encoding': encoding } : {}),
      });
      response.end(body);
    },
  };
}
