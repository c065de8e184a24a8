/**
 * One side of the unary benchmark, as its own process, run from the compiled build (dist/),
 * as production runs: `bare` is a plain grpc-js server with the generated definition and
 * nothing else; `hcs` is hcs's whole gRPC stack (procedure table, interceptor chain, status
 * mapping, health, reflection) built by createApp. Both answer AuthService.WhoAmI with the
 * same small, realistic message. Prints `{"port": N}` once listening.
 *
 * Usage: node bench/unary-server.mjs bare|hcs   (after npm run build)
 */
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { createApp } from '../dist/app.js';
import { AuthServiceService, CredentialKind } from '../dist/gen/hcs/v1/auth.js';
import { loadConfig } from '../dist/platform/config/index.js';
import { createLogger } from '../dist/platform/log/index.js';
import { createServiceRegistrations } from '../dist/services/index.js';

const issued = new Date('2026-01-01T00:00:00Z');
const whoAmI = () => ({
  principal: {
    subject: 'users/bench',
    displayName: 'Benchmark user',
    roles: ['operator', 'viewer'],
    scopes: ['devices:read', 'devices:write', 'registry:read'],
    credentialKind: CredentialKind.CREDENTIAL_KIND_ACCESS_TOKEN,
    issueTime: issued,
    expireTime: new Date(issued.getTime() + 15 * 60_000),
  },
});

const mode = process.argv[2];
if (mode === 'bare') {
  const server = new Server();
  server.addService(AuthServiceService, { whoAmI: (_call, callback) => callback(null, whoAmI()) });
  server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, port) => {
    if (error) throw error;
    process.stdout.write(`${JSON.stringify({ port })}\n`);
  });
} else if (mode === 'hcs') {
  const config = loadConfig({
    env: {
      HCS_HOST: '127.0.0.1',
      HCS_GRPC_PORT: '0',
      HCS_HTTP_PORT: '0',
      HCS_DATA_DIR: '/tmp/hcs-bench-data',
    },
  });
  const logger = createLogger({ level: 'error' });
  const services = createServiceRegistrations().map((registration) =>
    registration.definition === AuthServiceService
      ? {
          definition: registration.definition,
          implementation: { ...registration.implementation, whoAmI: async () => whoAmI() },
        }
      : registration,
  );
  const { grpcPort } = await createApp({ config, logger, services }).start();
  process.stdout.write(`${JSON.stringify({ port: grpcPort })}\n`);
} else {
  process.stderr.write('usage: node bench/unary-server.mjs bare|hcs\n');
  process.exit(2);
}
