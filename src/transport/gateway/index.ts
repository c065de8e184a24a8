export { API_PREFIX, createHttpServer, type HttpServer, type HttpServerOptions } from './http-server.ts';
export type { ReadinessCheck, ReadinessProbe } from './probes.ts';
export { createTranscoder, type Transcoder, type TranscoderOptions } from './transcoder.ts';
