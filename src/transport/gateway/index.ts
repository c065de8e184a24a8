export { DOCS_PATH } from './docs.ts';
export {
  API_PREFIX,
  createHttpServer,
  type HttpServer,
  type HttpServerOptions,
  OPENAPI_PATH,
  type WellKnownDocuments,
} from './http-server.ts';
export { createOpenApiDocument } from './openapi/index.ts';
export type { ReadinessCheck, ReadinessProbe } from './probes.ts';
export { createTranscoder, type Transcoder, type TranscoderOptions } from './transcoder.ts';
