/**
 * One server of the REST benchmark, as its own process, from the compiled build (dist/). Every
 * mode answers AuthService.WhoAmI with the same principal, as JSON:
 *   node-http — a bare node:http handler: JSON.stringify of a fixed object, nothing else;
 *   gateway   — hcs: GET /api/v1/auth/whoami through the transcoder, the interceptor chain (the
 *               bearer JWT verified) and the procedure, in process (and gRPC on the same app);
 *   gateway-open — the same app with no authenticator, to separate the guard's cost;
 *   connect   — @connectrpc/connect-node serving the same method with the Connect JSON protocol
 *               (POST /hcs.v1.AuthService/WhoAmI), schemas from hcs's own descriptor set.
 * Prints `{"http": N, "grpc": N}` once listening.
 *
 * Usage: node bench/gateway-server.mjs node-http|gateway|gateway-open|connect   (after npm run build)
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { create, createFileRegistry, fromBinary } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema, timestampFromDate } from '@bufbuild/protobuf/wkt';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import { CredentialKind } from '../dist/gen/hcs/v1/auth.js';
import { EXPIRES, ISSUED, PRINCIPAL, startHcs } from './who-am-i.mjs';

const print = (ports) => process.stdout.write(`${JSON.stringify(ports)}\n`);
const listen = (server) =>
  new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));

const mode = process.argv[2];
if (mode === 'node-http') {
  const server = createServer((_request, response) => {
    const body = JSON.stringify({
      ...PRINCIPAL,
      credentialKind: 'CREDENTIAL_KIND_ACCESS_TOKEN',
      issueTime: ISSUED.toISOString(),
      expireTime: EXPIRES.toISOString(),
    });
    response.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    });
    response.end(body);
  });
  print({ http: await listen(server) });
} else if (mode === 'gateway' || mode === 'gateway-open') {
  const { httpPort, grpcPort } = await startHcs({ auth: mode === 'gateway' });
  print({ http: httpPort, grpc: grpcPort });
} else if (mode === 'connect') {
  const set = fromBinary(
    FileDescriptorSetSchema,
    readFileSync(new URL('../dist/gen/hcs.binpb', import.meta.url)),
  );
  const registry = createFileRegistry(set);
  const service = registry.getService('hcs.v1.AuthService');
  const response = registry.getMessage('hcs.v1.WhoAmIResponse');
  const routes = (router) =>
    router.service(service, {
      whoAmI: () =>
        create(response, {
          principal: {
            ...PRINCIPAL,
            credentialKind: CredentialKind.CREDENTIAL_KIND_ACCESS_TOKEN,
            issueTime: timestampFromDate(ISSUED),
            expireTime: timestampFromDate(EXPIRES),
          },
        }),
    });
  const server = createServer(connectNodeAdapter({ routes }));
  print({ http: await listen(server) });
} else {
  process.stderr.write('usage: node bench/gateway-server.mjs node-http|gateway|connect\n');
  process.exit(2);
}
