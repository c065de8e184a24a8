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
import { AuthServiceService } from '../dist/gen/hcs/v1/auth.js';
import { startHcs, whoAmI } from './who-am-i.mjs';

const mode = process.argv[2];
if (mode === 'bare') {
  const server = new Server();
  server.addService(AuthServiceService, { whoAmI: (_call, callback) => callback(null, whoAmI()) });
  server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, port) => {
    if (error) throw error;
    process.stdout.write(`${JSON.stringify({ port })}\n`);
  });
} else if (mode === 'hcs') {
  const { grpcPort } = await startHcs();
  process.stdout.write(`${JSON.stringify({ port: grpcPort })}\n`);
} else {
  process.stderr.write('usage: node bench/unary-server.mjs bare|hcs\n');
  process.exit(2);
}
