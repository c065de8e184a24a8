import { Server, ServerCredentials, type ServiceDefinition } from '@grpc/grpc-js';
import type { Logger } from '../../platform/log/index.ts';
import type { Contract, ProcedureTable } from '../rpc/index.ts';
import { bindProcedure } from './bind-procedure.ts';
import { clientMistakeInterceptor } from './client-mistake-statuses.ts';
import { honourFarDeadlines } from './far-deadlines.ts';
import { routeGrpcJsLogs } from './grpc-js-log.ts';
import { addHealth, type HealthReporter } from './health.ts';
import { addReflection } from './reflection.ts';

/** Options of {@link createGrpcServer}. */
export interface GrpcServerOptions {
  contract: Contract;
  procedures: ProcedureTable;
  logger: Logger;
  /**
   * Largest message received or sent, in bytes; a larger one fails the call with
   * RESOURCE_EXHAUSTED naming both sizes (grpc-js's "Received/Sent message larger than max
   * (N vs limit)"). hcs passes `HCS_HTTP_BODY_LIMIT_BYTES`, so both transports take requests of
   * the same size. Default 4 MiB: grpc-js's receive limit, and what its clients accept by default
   * (grpc-js itself sends messages of any size).
   */
  maxMessageBytes?: number;
}

/** A gRPC server serving every procedure, health and reflection. */
export interface GrpcServer {
  readonly health: HealthReporter;
  /** Binds and starts serving; resolves to the bound port (useful with port 0). */
  listen(host: string, port: number): Promise<number>;
  /**
   * Stops accepting calls and waits for in-flight ones; after `timeoutMs` the rest are
   * cancelled. Resolves with whether the drain finished in time.
   */
  close(timeoutMs: number): Promise<boolean>;
}

/**
 * Creates the gRPC server; nothing listens until {@link GrpcServer.listen}. grpc-js's own log
 * lines go to `options.logger` from now on (`routeGrpcJsLogs`), what grpc-js would answer
 * INTERNAL for a client's mistake is INVALID_ARGUMENT (`clientMistakeInterceptor`), and
 * deadlines 24.8 days away or more are kept (`honourFarDeadlines`).
 */
export function createGrpcServer(options: GrpcServerOptions): GrpcServer {
  const maxMessageBytes = options.maxMessageBytes ?? 4 * 1024 * 1024;
  routeGrpcJsLogs(options.logger);
  honourFarDeadlines();
  const server = new Server({
    'grpc.max_receive_message_length': maxMessageBytes,
    'grpc.max_send_message_length': maxMessageBytes,
    interceptors: [clientMistakeInterceptor()],
  });
  for (const service of options.contract.services) {
    const definition: Record<string, ServiceDefinition[string]> = {};
    const implementation: Record<string, ReturnType<typeof bindProcedure>> = {};
    for (const method of service.methods) {
      const procedure = options.procedures.get(`/${service.typeName}/${method.name}`);
      if (procedure === undefined) throw new Error(`no procedure for /${service.typeName}/${method.name}`);
      definition[method.name] = {
        path: procedure.path,
        requestStream: procedure.kind === 'client_streaming' || procedure.kind === 'bidi_streaming',
        responseStream: procedure.kind === 'server_streaming' || procedure.kind === 'bidi_streaming',
        originalName: method.localName,
        requestSerialize: (value: Buffer) => value,
        requestDeserialize: (bytes: Buffer) => bytes,
        responseSerialize: (value: Buffer) => value,
        responseDeserialize: (bytes: Buffer) => bytes,
      };
      implementation[method.name] = bindProcedure(procedure, { logger: options.logger });
    }
    server.addService(definition, implementation);
  }
  const health = addHealth(
    server,
    options.contract.services.map((service) => service.typeName),
  );
  addReflection(server, options.contract.descriptorSet);

  return {
    health,
    listen(host, port) {
      return new Promise((resolve, reject) => {
        server.bindAsync(
          `${host.includes(':') ? `[${host}]` : host}:${port}`,
          ServerCredentials.createInsecure(),
          (error, bound) => (error ? reject(error) : resolve(bound)),
        );
      });
    },
    close(timeoutMs) {
      health.setAll('NOT_SERVING');
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          options.logger.warn({ timeoutMs }, 'drain time over: cancelling the calls still in flight');
          server.forceShutdown();
          resolve(false);
        }, timeoutMs);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve(true);
        });
      });
    },
  };
}
