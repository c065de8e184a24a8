import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { HttpRoute } from './http-route.ts';
import { routeNotFound } from './route-errors.ts';

/** The path of the API documentation page. */
export const DOCS_PATH = '/docs';

// Swagger UI's own files, served by hcs itself: an edge box has no internet. Only these names
// are served (no path from the URL ever reaches the file system).
const ASSETS = new Map<string, string>([
  ['swagger-ui.css', 'text/css; charset=utf-8'],
  ['swagger-ui-bundle.js', 'text/javascript; charset=utf-8'],
  ['swagger-ui-standalone-preset.js', 'text/javascript; charset=utf-8'],
  ['oauth2-redirect.html', 'text/html; charset=utf-8'],
  ['oauth2-redirect.js', 'text/javascript; charset=utf-8'],
  ['favicon-32x32.png', 'image/png'],
  ['favicon-16x16.png', 'image/png'],
]);

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

/**
 * `GET /docs` (also `/docs/` and `/docs/index.html`): Swagger UI over the document at
 * `openApiPath`; `GET /docs/*`: its script and the package's own assets, a fixed list of names
 * (no path from the URL ever reaches the file system; another name is 404). Same-origin only:
 * no CORS.
 */
export function createDocsRoutes(openApiPath: string): HttpRoute[] {
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
  const page: HttpRoute = {
    name: 'API documentation page',
    methods: ['GET'],
    path: DOCS_PATH,
    cors: 'none',
    handle(_request, response) {
      send(response, 'text/html; charset=utf-8', PAGE, 0);
    },
  };
  const assets: HttpRoute = {
    name: 'API documentation assets',
    methods: ['GET'],
    path: `${DOCS_PATH}/*`,
    cors: 'none',
    handle(request, response, ctx) {
      const name = ctx.target.pathname.slice(DOCS_PATH.length + 1);
      if (name === '' || name === 'index.html') return page.handle(request, response, ctx);
      if (name === 'init.js') return send(response, 'text/javascript; charset=utf-8', INIT(openApiPath), 0);
      const type = ASSETS.get(name);
      if (type === undefined) throw routeNotFound(request.method, ctx.target.pathname);
      let body = cache.get(name);
      if (body === undefined) {
        body = readFileSync(join(root, name));
        cache.set(name, body);
      }
      send(response, type, body, 3600);
    },
  };
  return [page, assets];
}
