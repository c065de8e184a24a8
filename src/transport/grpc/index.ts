export { createGrpcServer, type GrpcServer, type GrpcServerOptions } from './grpc-server.ts';
export type { HealthReporter } from './health.ts';
export { type HealthProbeOptions, probeHealth } from './health-probe.ts';
export { appErrorToServiceError, STATUS_DETAILS_KEY } from './status-details.ts';
