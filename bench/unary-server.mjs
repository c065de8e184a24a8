/**
 * One side of the unary benchmark, as its own process, run from the compiled build (dist/),
 * as production runs:
 *   bare      — a plain grpc-js server with the generated definition and nothing else;
 *   bare-in-app — bare grpc-js in a process that also runs the hcs app (database, services, their
 *               background work) on other ports, unused by the load: what the app's weight alone
 *               costs a call served beside it;
 *   bare-auth — the same as bare with the least an authenticated server does: the bearer token read from
 *               the metadata and looked up among the tokens already verified (verified with the
 *               secret on first sight, its `exp` checked on every call) and WhoAmI's roles checked;
 *   hcs-open  — the same app with no authenticator (database, services and their background
 *               work included), so the difference to hcs-auth is the guard alone;
 *   hcs-auth  — the real app from createApp: every call's bearer JWT verified and checked
 *               against the method's policy.
 * All answer AuthService.WhoAmI with the same small, realistic message. Prints `{"port": N}`.
 *
 * Usage: node bench/unary-server.mjs bare|bare-in-app|bare-auth|hcs-open|hcs-auth   (after npm run build)
 */
import { Server, ServerCredentials, status } from '@grpc/grpc-js';
import jwt from 'jsonwebtoken';
import { AuthServiceService } from '../dist/gen/hcs/v1/auth.js';
import { startHcs, whoAmI } from './who-am-i.mjs';

const mode = process.argv[2];
function serveBare() {
  const server = new Server();
  server.addService(AuthServiceService, { whoAmI: (_call, callback) => callback(null, whoAmI()) });
  server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, port) => {
    if (error) throw error;
    process.stdout.write(`${JSON.stringify({ port })}\n`);
  });
}

if (mode === 'bare') {
  serveBare();
} else if (mode === 'bare-auth') {
  const roles = new Set(['admin', 'operator', 'viewer', 'service']);
  const verified = new Map();
  const claimsOf = (header) => {
    if (typeof header !== 'string' || !header.startsWith('Bearer ')) return undefined;
    const token = header.slice('Bearer '.length);
    let claims = verified.get(token);
    if (claims === undefined) {
      try {
        claims = jwt.verify(token, process.env.HCS_SECRET_KEY ?? '', { algorithms: ['HS256'] });
      } catch {
        return undefined;
      }
      verified.set(token, claims);
    }
    return claims.exp * 1000 > Date.now() ? claims : undefined;
  };
  const server = new Server();
  server.addService(AuthServiceService, {
    whoAmI: (call, callback) => {
      const claims = claimsOf(call.metadata.get('authorization')[0]);
      if (claims === undefined) return callback({ code: status.UNAUTHENTICATED, details: 'no valid token' });
      if (!claims.roles.some((role) => roles.has(role))) {
        return callback({ code: status.PERMISSION_DENIED, details: 'no role' });
      }
      callback(null, whoAmI());
    },
  });
  server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, port) => {
    if (error) throw error;
    process.stdout.write(`${JSON.stringify({ port })}\n`);
  });
} else if (mode === 'bare-in-app') {
  // The hcs app runs beside it, unused by the load: its heap, code, database and background work.
  await startHcs({ auth: true });
  serveBare();
} else if (mode === 'hcs-open' || mode === 'hcs-auth') {
  const { grpcPort } = await startHcs({ auth: mode === 'hcs-auth' });
  process.stdout.write(`${JSON.stringify({ port: grpcPort })}\n`);
} else {
  process.stderr.write('usage: node bench/unary-server.mjs bare|bare-in-app|bare-auth|hcs-open|hcs-auth\n');
  process.exit(2);
}
