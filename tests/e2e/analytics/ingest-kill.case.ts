import { once } from 'node:events';
import type { Metadata } from '@grpc/grpc-js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  type AnalyticsServiceClient,
  type IngestStreamWithAcksRequest,
  type IngestStreamWithAcksResponse,
  SampleForm,
  Series,
} from '../../../src/gen/hcs/v1/analytics.ts';
import { removeTempDir, tempDir } from '../../helpers/process.ts';
import { type ServerProcess, startServer } from '../../helpers/server.ts';
import { analyticsClient, unary } from './analytics-client.ts';

/** What a dialect's test file provides to the kill case. */
export interface KillTarget {
  label: string;
  /** Extra server environment (the database) and how to remove it afterwards. */
  open(): Promise<{ env: Record<string, string>; cleanup(): Promise<void> }>;
}

// Samples per stream message: large enough that a commit is usually running when the kill lands.
const PER_MESSAGE = 500;
// Messages the producer has ready; far more than are committed before the kill.
const MESSAGES = 400;
// The kill comes right after this many messages are acknowledged, while more are being sent.
const KILL_AFTER_ACKED = 20;
const SERIES = 'series/killed';

// Message m holds instants base + m*PER_MESSAGE + i, each with the value m, so every stored
// sample names the message it came from.
function messageOf(base: number, m: number): IngestStreamWithAcksRequest {
  const times = Array.from({ length: PER_MESSAGE }, (_, i) => base + m * PER_MESSAGE + i);
  return {
    batches: [{ series: SERIES, unit: '', samples: [], columns: { times, values: times.map(() => m) } }],
  };
}

function connect(server: ServerProcess, token: string) {
  return analyticsClient(server.grpcTarget, token);
}

/**
 * Streams messages until the server dies; resolves the highest acknowledged message count and
 * how many messages were handed to the stream. `onAck` may kill the server.
 */
async function produce(
  client: AnalyticsServiceClient,
  metadata: Metadata,
  base: number,
  messages: number[],
  onAck: (acked: number) => void,
): Promise<{ acked: number; sent: number; error: unknown }> {
  const call = client.ingestStreamWithAcks(metadata);
  let acked = 0;
  let wentBack = false;
  let failed: unknown;
  call.on('data', (ack: IngestStreamWithAcksResponse) => {
    const count = Number(ack.committedMessageCount);
    if (count < acked) wentBack = true;
    acked = Math.max(acked, count);
    onAck(acked);
  });
  const ended = new Promise<void>((resolve) => {
    call.on('error', (error) => {
      failed = error;
      resolve();
    });
    call.on('end', resolve);
  });
  let sent = 0;
  for (const m of messages) {
    if (failed !== undefined) break;
    const more = call.write(messageOf(base, m));
    sent += 1;
    if (!more) await Promise.race([once(call, 'drain'), ended]);
  }
  if (failed === undefined) call.end();
  await ended;
  assert.not.ok(wentBack, 'acknowledgements never go back');
  return { acked, sent, error: failed };
}

async function readAll(client: AnalyticsServiceClient, metadata: Metadata) {
  const times: number[] = [];
  const values: number[] = [];
  const call = client.streamSamples(
    {
      name: SERIES,
      startTime: undefined,
      endTime: undefined,
      pageSize: 10_000,
      form: SampleForm.SAMPLE_FORM_COLUMNS,
    },
    metadata,
  );
  for await (const message of call as AsyncIterable<{ columns?: { times: number[]; values: number[] } }>) {
    times.push(...(message.columns?.times ?? []));
    values.push(...(message.columns?.values ?? []));
  }
  const got = await unary<{ series?: Series }>((cb) => client.getSeries({ name: SERIES }, metadata, cb));
  return { times, values, sampleCount: Number(got.series?.sampleCount) };
}

/**
 * What was stored, per message: asserts every sample sits where its message put it, no instant
 * is stored twice, the series' own count agrees, and each message is there whole or not at all.
 * Resolves the indexes of the messages that are there.
 */
function committedMessages(stored: Awaited<ReturnType<typeof readAll>>, base: number): number[] {
  assert.is(new Set(stored.times).size, stored.times.length, 'no instant is stored twice');
  assert.is(stored.sampleCount, stored.times.length, "the series' sample count matches its samples");
  const perMessage = new Map<number, number>();
  for (const [i, time] of stored.times.entries()) {
    const m = Math.floor((time - base) / PER_MESSAGE);
    assert.is(stored.values[i], m, `the sample at ${time} holds the value of message ${m}`);
    perMessage.set(m, (perMessage.get(m) ?? 0) + 1);
  }
  for (const [m, count] of perMessage) {
    assert.is(count, PER_MESSAGE, `message ${m} is stored whole, not ${count} of ${PER_MESSAGE} samples`);
  }
  return [...perMessage.keys()].sort((a, b) => a - b);
}

/** SIGKILL during an acknowledged stream, then a restart on the same data. */
export function runKillCases(target: KillTarget): void {
  const test = suite(`analytics ingestion killed mid-stream on ${target.label}`);
  let dataDir: string;
  let cleanup: (() => Promise<void>) | undefined;
  let env: Record<string, string>;
  let server: ServerProcess | undefined;

  test.before(async () => {
    dataDir = tempDir('hcs-data-');
    const opened = await target.open();
    cleanup = opened.cleanup;
    env = { HCS_DATA_DIR: dataDir, ...opened.env };
  });
  test.after(async () => {
    await server?.stop('SIGKILL');
    await cleanup?.();
    removeTempDir(dataDir);
  });

  test('every acknowledged message survives a SIGKILL whole, none twice, and resending the rest is harmless', async () => {
    server = await startServer({ env, readyTimeoutMs: 120_000 });
    const first = connect(server, await server.adminToken());
    await unary((cb) =>
      first.client.createSeries(
        { seriesId: 'killed', series: Series.fromPartial({ metric: 'killed', labels: {} }) },
        first.metadata,
        cb,
      ),
    );
    const base = Date.now() - 86_400_000;
    const killed = server;
    let kill: Promise<number> | undefined;
    const all = Array.from({ length: MESSAGES }, (_, m) => m);
    const run = await produce(first.client, first.metadata, base, all, (acked) => {
      if (acked >= KILL_AFTER_ACKED) kill ??= killed.stop('SIGKILL');
    });
    first.client.close();
    assert.ok(kill !== undefined, `the stream was acknowledged up to ${KILL_AFTER_ACKED} (got ${run.acked})`);
    assert.is(await kill, 137);
    assert.ok(run.error !== undefined, 'the stream failed with the server');
    assert.ok(run.sent < MESSAGES, 'the producer was still sending when the server died');

    server = await startServer({ env, readyTimeoutMs: 120_000 });
    const second = connect(server, await server.adminToken());
    const committed = committedMessages(await readAll(second.client, second.metadata), base);
    // Messages commit in order, so what is there is a prefix, at least as long as what was acked.
    assert.ok(committed.length >= run.acked, `${committed.length} messages kept, ${run.acked} acknowledged`);
    assert.equal(
      committed,
      all.slice(0, committed.length),
      'the committed messages are the first ones, without gaps',
    );

    // An at-least-once producer resends everything not acknowledged; instants that were
    // committed without an ack are replaced, not added.
    const resend = all.slice(run.acked, run.sent);
    const again = await produce(second.client, second.metadata, base, resend, () => undefined);
    assert.is(again.error, undefined);
    assert.is(again.acked, resend.length);
    const final = committedMessages(await readAll(second.client, second.metadata), base);
    assert.equal(final, all.slice(0, run.sent));
    second.client.close();
    await server.stop();
    server = undefined;
  });

  test.run();
}
