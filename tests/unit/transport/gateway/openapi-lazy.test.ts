import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fromBinary } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createOpenApiDocument } from '../../../../src/transport/gateway/index.ts';
import { createOpenApiRoute } from '../../../../src/transport/gateway/openapi-route.ts';
import { createRouteTable } from '../../../../src/transport/gateway/routing/index.ts';
import { loadContract } from '../../../../src/transport/rpc/index.ts';

const contract = loadContract();

test('the loaded contract keeps no comments in memory', () => {
  for (const file of contract.registry.files) assert.is(file.proto.sourceCodeInfo, undefined, file.name);
});

test('every operation has the leading comment of its method, read again from the descriptor set', () => {
  // Method paths and their comments, straight from the bytes (source path [6, service, 2, method]).
  const comments = new Map<string, string>();
  for (const file of fromBinary(FileDescriptorSetSchema, contract.descriptorSet).file) {
    for (const location of file.sourceCodeInfo?.location ?? []) {
      const [kind, service, member, method] = location.path;
      if (kind !== 6 || member !== 2 || location.path.length !== 4 || !location.leadingComments) continue;
      const serviceProto = file.service[service ?? -1];
      const name = serviceProto?.method[method ?? -1]?.name;
      comments.set(`/${file.package}.${serviceProto?.name}/${name}`, location.leadingComments);
    }
  }
  const routes = createRouteTable(contract);
  const document = createOpenApiDocument({ contract, routes, version: 't' }) as {
    paths: Record<string, Record<string, { operationId: string; description: string }>>;
  };
  const descriptions = Object.values(document.paths).flatMap((operations) =>
    Object.values(operations).map((operation) => operation.description),
  );
  let checked = 0;
  for (const route of routes.routes) {
    const comment = comments.get(route.method.path);
    if (comment === undefined) continue;
    const firstWords = comment.trim().split(/\s+/).slice(0, 4).join(' ');
    assert.ok(
      descriptions.some((description) => description.replace(/\s+/g, ' ').startsWith(firstWords)),
      `${route.method.path}: "${firstWords}"`,
    );
    checked += 1;
  }
  assert.ok(checked > 20, `only ${checked} commented methods`);
});

test('the OpenAPI route builds the document on its first request only, then serves the same bytes', async () => {
  let builds = 0;
  const route = createOpenApiRoute(() => {
    builds += 1;
    return { openapi: '3.1.0', built: builds };
  });
  const server = createServer((request, response) => {
    void route.handle(request, response, undefined as never);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  try {
    assert.is(builds, 0, 'nothing is built before the first request');
    const bodies = [];
    for (const encoding of ['identity', 'gzip', 'identity']) {
      const response = await fetch(url, { headers: { 'accept-encoding': encoding } });
      bodies.push(await response.json());
    }
    assert.is(builds, 1);
    for (const body of bodies) assert.equal(body, { openapi: '3.1.0', built: 1 });
  } finally {
    server.close();
  }
});

test.run();
