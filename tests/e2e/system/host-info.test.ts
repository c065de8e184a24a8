import os from 'node:os';
import { credentials, Metadata } from '@grpc/grpc-js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  ComponentState,
  type GetHostInfoResponse,
  SystemServiceClient,
} from '../../../src/gen/hcs/v1/system.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { TEST_CHANNEL_OPTIONS } from '../../helpers/channel-options.ts';
import { fetchAnswer } from '../../helpers/http.ts';

let app: TestApp;

test.before(async () => {
  app = await startTestApp();
});

test.after(async () => {
  await app?.close();
});

test('GET /api/v1/host describes this host, this process and the data directory disk', async () => {
  const answer = await fetchAnswer(`${app.httpBase}/api/v1/host`, {
    headers: { authorization: `Bearer ${await app.adminToken()}` },
  });
  assert.is(answer.status, 200, answer.text);
  const host = answer.json;
  assert.is(host.hostname, os.hostname());
  assert.is(host.arch, process.arch);
  assert.is(host.kernelRelease, os.release());
  assert.is(host.nodeVersion, process.version);
  assert.is(host.cpuCount, os.availableParallelism());
  assert.is(host.memoryTotalBytes, String(os.totalmem()));
  assert.ok(Number(host.memoryAvailableBytes) > 0 && Number(host.memoryAvailableBytes) <= os.totalmem());
  assert.ok(Number(host.processMemoryBytes) > 0);
  const disk = host.dataDisk as Record<string, string>;
  assert.is(disk.path, app.dataDir);
  assert.ok(Number(disk.totalBytes) >= Number(disk.usedBytes), JSON.stringify(disk));
  assert.ok(Number(disk.availableBytes) > 0);
  assert.match(String(host.uptime), /^\d+(\.\d+)?s$/);
  assert.equal(host.database, { kind: 'sqlite', state: 'COMPONENT_STATE_UP', detail: '' });
  assert.equal(host.cache, {
    kind: 'memory',
    state: 'COMPONENT_STATE_UP',
    detail: 'memory (not configured)',
  });
  assert.is(host.adaptersState, 'COMPONENT_STATE_UNKNOWN');
  assert.is(host.processUid, process.getuid?.());
});

test('GetHostInfo over gRPC answers the same host, with a collect time of now', async () => {
  const client = new SystemServiceClient(app.grpcTarget, credentials.createInsecure(), TEST_CHANNEL_OPTIONS);
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${await app.adminToken()}`);
  const before = Date.now();
  const response = await new Promise<GetHostInfoResponse>((resolve, reject) =>
    client.getHostInfo({}, metadata, (error, value) => (error ? reject(error) : resolve(value))),
  );
  client.close();
  const host = response.hostInfo;
  assert.ok(host);
  assert.is(host.hostname, os.hostname());
  assert.is(host.database?.state, ComponentState.COMPONENT_STATE_UP);
  assert.ok(host.collectTime && host.collectTime.getTime() >= before - 1000);
});

test('a viewer is refused GetHostInfo with PERMISSION_DENIED (403), and the refusal is audited', async () => {
  const viewer = app.mintToken({ subject: 'users/viewer-1', roles: ['viewer'], scopes: ['*'] });
  const answer = await fetchAnswer(`${app.httpBase}/api/v1/host`, {
    headers: { authorization: `Bearer ${viewer}` },
  });
  assert.is(answer.status, 403, answer.text);
  const audit = await fetchAnswer(`${app.httpBase}/api/v1/auditEntries?actor=users/viewer-1`, {
    headers: { authorization: `Bearer ${await app.adminToken()}` },
  });
  const entries = audit.json.auditEntries as { action: string; outcome: string }[];
  assert.ok(
    entries.some(
      (entry) =>
        entry.action === 'hcs.v1.SystemService.GetHostInfo' && entry.outcome === 'AUDIT_OUTCOME_DENIED',
    ),
    audit.text,
  );
});

test.run();
