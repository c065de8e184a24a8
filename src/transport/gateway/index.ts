export { createHttpServer, type HttpServer, type HttpServerOptions } from './http-server.ts';
export type { ReadinessCheck, ReadinessProbe } from './probes.ts';
