import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GetHostInfoResponse, SystemServiceService } from '../../../src/gen/hcs/v1/system.ts';
import { ulidPrimaryKey } from '../../../src/platform/db/index.ts';
import {
  defineServiceModule,
  ENTITIES,
  entitiesOf,
  SERVICE_MODULES,
  type ServiceModule,
} from '../../../src/services/index.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { callRaw, rawClient } from '../../helpers/grpc-client.ts';

// A table only this test's service maps; its start() creates it, as a migration would.
const VisitSchema = defineEntity({
  name: 'TestHostVisit',
  tableName: 'test_host_visit',
  properties: (p) => ({ id: ulidPrimaryKey(), caller: p.string() }),
});
type Visit = InferEntity<typeof VisitSchema>;

const lifecycle: string[] = [];

/**
 * A service written only through the module contract: SystemService.GetHostInfo counts its
 * callers in its own table. Nothing else in hcs is told about it.
 */
const testSystemService: ServiceModule = defineServiceModule({
  name: 'system',
  definition: SystemServiceService,
  entities: [VisitSchema],
  create: ({ em }) => ({
    procedures: {
      async getHostInfo(_request, ctx) {
        const manager = em();
        manager.create(VisitSchema, { caller: ctx.principal.subject } as Visit);
        await manager.flush();
        const visits = await em().count(VisitSchema, {});
        return GetHostInfoResponse.fromPartial({ hostInfo: { hostname: `visited-${visits}` } });
      },
    },
    async start() {
      await em()
        .getConnection()
        .execute('create table test_host_visit (id varchar(26) primary key, caller varchar(255) not null)');
      lifecycle.push('start');
    },
    async close() {
      lifecycle.push('close');
    },
  }),
});

let app: TestApp;
let adminToken: string;
let viewerToken: string;

test.before(async () => {
  app = await startTestApp({ modules: [testSystemService] });
  adminToken = await app.adminToken();
  viewerToken = app.mintToken({ subject: 'users/viewer', roles: ['viewer'], scopes: ['*'] });
});

test.after(async () => {
  await app.close();
});

test('a module started before serving gets its procedure called over gRPC, with its table mapped', async () => {
  assert.equal(lifecycle, ['start']);
  const { error, response } = await callRaw(
    rawClient(app.grpcTarget, adminToken),
    SystemServiceService.getHostInfo.path,
  );
  assert.not.ok(error, JSON.stringify(app.logs.filter((line) => line.level === 'error')));
  assert.is(GetHostInfoResponse.decode(response ?? Buffer.alloc(0)).hostInfo?.hostname, 'visited-1');
});

test('its REST route from the proto annotation calls the same procedure', async () => {
  const response = await fetch(`${app.httpBase}/api/v1/host`, {
    headers: { authorization: `Bearer ${adminToken}` },
  });
  assert.is(response.status, 200);
  assert.is(((await response.json()) as { hostname: string }).hostname, 'visited-2');
});

test('its policy from the proto is enforced on both transports', async () => {
  const denied = await callRaw(rawClient(app.grpcTarget, viewerToken), SystemServiceService.getHostInfo.path);
  assert.is(denied.error?.code, 7); // PERMISSION_DENIED: the method is admin only
  const anonymous = await fetch(`${app.httpBase}/api/v1/host`);
  assert.is(anonymous.status, 401);
  const forbidden = await fetch(`${app.httpBase}/api/v1/host`, {
    headers: { authorization: `Bearer ${viewerToken}` },
  });
  assert.is(forbidden.status, 403);
});

test('its route is in the OpenAPI document, with the admin-only security of its policy', async () => {
  const document = (await (await fetch(`${app.httpBase}/api/v1/openapi.json`)).json()) as {
    paths: Record<string, Record<string, { operationId?: string; security?: unknown[] }>>;
  };
  const operation = document.paths['/api/v1/host']?.get;
  assert.ok(operation, 'GET /api/v1/host is documented');
  assert.ok((operation.security ?? []).length > 0, 'it requires credentials');
});

test('its entities reach the ORM and the migration list through the module list', () => {
  assert.ok(entitiesOf([testSystemService]).includes(VisitSchema));
  assert.equal(ENTITIES, entitiesOf(SERVICE_MODULES));
});

test('its close() runs when the app closes', async () => {
  await app.close();
  assert.equal(lifecycle, ['start', 'close']);
  // test.after closes again: closing twice must be harmless.
});

test.run();
