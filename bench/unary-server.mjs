/**
 * One side of the unary benchmark, as its own process, run from the compiled build (dist/),
 * as production runs:
 *   bare      — a plain grpc-js server with the generated definition and nothing else;
 *   hcs-open  — the same app with no authenticator (database, services and their background
 *               work included), so the difference to hcs-auth is the guard alone;
 *   hcs-auth  — the real app from createApp: every call's bearer JWT verified and checked
 *               against the method's policy.
 * All answer AuthService.WhoAmI with the same small, realistic message. Prints `{"port": N}`.
 *
 * Usage: node bench/unary-server.mjs bare|hcs-open|hcs-auth   (after npm run build)
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
} else if (mode === 'hcs-open' || mode === 'hcs-auth') {
  const { grpcPort } = await startHcs({ auth: mode === 'hcs-auth' });
  process.stdout.write(`${JSON.stringify({ port: grpcPort })}\n`);
} else {
  process.stderr.write('usage: node bench/unary-server.mjs bare|hcs-open|hcs-auth\n');
  process.exit(2);
}
