import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The path of the API documentation page. */
export const DOCS_PATH = '/docs';

// Swagger UI's own files, served by hcs itself: an edge box has no internet. Only these names
// are served (no path from the URL ever reaches the file system).
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
  'oauth2-redirect.html': 'text/html; charset=utf-8',
  'oauth2-redirect.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
};

// Everything the page needs comes from hcs; inline script is not needed and not allowed.
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>hcs API</title>
  <link rel="stylesheet" href="${DOCS_PATH}/swagger-ui.css">
  <link rel="icon" type="image/png" href="${DOCS_PATH}/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="${DOCS_PATH}/swagger-ui-bundle.js"></script>
  <script src="${DOCS_PATH}/swagger-ui-standalone-preset.js"></script>
  <script src="${DOCS_PATH}/init.js"></script>
</body>
</html>
`;

/** Swagger UI over the live document; "Authorize" uses the password flow and is remembered. */
const INIT = (openApiPath: string) => `window.ui = SwaggerUIBundle({
  url: ${JSON.stringify(openApiPath)},
  dom_id: '#swagger-ui',
  deepLinking: true,
  persistAuthorization: true,
  displayRequestDuration: true,
  tryItOutEnabled: true,
  oauth2RedirectUrl: window.location.origin + '${DOCS_PATH}/oauth2-redirect.html',
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  layout: 'StandaloneLayout',
});
`;

/** Serves `/docs` and its assets; returns false for a path it does not own. */
export function createDocs(openApiPath: string): (path: string, response: ServerResponse) => boolean {
  const require = createRequire(import.meta.url);
  const root = dirname(require.resolve('swagger-ui-dist/package.json'));
  const cache = new Map<string, Buffer>();
  const send = (response: ServerResponse, type: string, body: Buffer | string, maxAge: number) => {
    response.writeHead(200, {
      'content-type': type,
      'content-length': Buffer.byteLength(body),
      'content-security-policy': CSP,
      'x-content-type-options': 'nosniff',
      'cache-control': maxAge > 0 ? `public, max-age=${maxAge}` : 'no-cache',
    });
    response.end(body);
  };
  return function serveDocs(path, response) {
    if (path === DOCS_PATH || path === `${DOCS_PATH}/` || path === `${DOCS_PATH}/index.html`) {
      send(response, 'text/html; charset=utf-8', PAGE, 0);
      return true;
    }
    if (path === `${DOCS_PATH}/init.js`) {
      send(response, 'text/javascript; charset=utf-8', INIT(openApiPath), 0);
      return true;
    }
    const name = path.startsWith(`${DOCS_PATH}/`) ? path.slice(DOCS_PATH.length + 1) : '';
    const type = ASSETS[name];
    if (type === undefined) return false;
    let body = cache.get(name);
    if (body === undefined) {
      body = readFileSync(join(root, name));
      cache.set(name, body);
    }
    send(response, type, body, 3600);
    return true;
  };
}
