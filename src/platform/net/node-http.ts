/**
 * `node:http` without what importing it as an ES module costs. Node builds an ES module
 * namespace by reading every export, and reading `http.WebSocket` (a lazy getter since Node 22)
 * loads undici, Node's fetch and WebSocket implementation, which hcs never uses: measured
 * +13.6 MB of RSS (6.4 MB private) in an otherwise empty process. `process.getBuiltinModule`
 * hands back the module object itself, whose lazy exports stay unread. Types still come from
 * `import type … from 'node:http'`.
 */
export const nodeHttp: typeof import('node:http') = process.getBuiltinModule('node:http');
