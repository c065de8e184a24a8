/**
 * hcs's transports without the authenticator: the same contract, procedure table, interceptor
 * chain (with its auth step admitting everyone), gRPC server and REST gateway as createApp
 * builds, minus credentials. The baseline the authenticated app is compared with, so the
 * difference is the cost of the guard alone. Benchmark code only: the product always
 * authenticates.
 */
import {
  createHttpServer,
  createOpenApiDocument,
  createTranscoder,
} from '../dist/transport/gateway/index.js';
import { createGrpcServer } from '../dist/transport/grpc/index.js';
import { createChain, createProcedureTable, loadContract } from '../dist/transport/rpc/index.js';

/** Starts both transports on free loopback ports; resolves to `{ grpcPort, httpPort }`. */
export async function createTransport({ logger, services }) {
  const contract = loadContract();
  const procedures = createProcedureTable({ contract, services, interceptors: createChain({ logger }) });
  const grpc = createGrpcServer({ contract, procedures, logger });
  const transcoder = createTranscoder({ contract, procedures, logger });
  const http = createHttpServer({
    logger,
    transcoder,
    openApi: () => createOpenApiDocument({ contract, routes: transcoder.routes, version: 'bench' }),
    readiness: async () => [],
  });
  const grpcPort = await grpc.listen('127.0.0.1', 0);
  const httpPort = await http.listen('127.0.0.1', 0);
  grpc.health.setAll('SERVING');
  return { grpcPort, httpPort };
}
