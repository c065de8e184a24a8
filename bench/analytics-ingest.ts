/**
 * Ingestion benchmark: `--samples` samples (default 10,000,000) of one series sent through
 * IngestStreamWithAcks in columnar messages of `--batch` samples, over real gRPC on 127.0.0.1
 * to the real app started in this process (client and server share one process), timed from
 * the first message to the acknowledgement of the last (so every counted sample is durably
 * committed). Runs on SQLite, then on PostgreSQL when it answers on 127.0.0.1:5432 (a scratch
 * database, dropped afterwards); `--database sqlite` or `postgresql` runs one. Prints the median
 * of `--rounds` runs per database. The app logs at `info`, the product's default.
 *
 * The producer encodes each message itself, both columns packed as the wire format allows (the
 * values generated once before timing), as a producer in any language would: what is timed is
 * the server's work plus the transport, not the making of test data. (The generated TypeScript
 * encoder writes `repeated int64` unpacked, a tag per instant.)
 *
 * Usage: node --import tsx bench/analytics-ingest.ts [--samples 10000000] [--batch 10000]
 *   [--rounds 3] [--database sqlite|postgresql|both]
 */
import { parseArgs } from 'node:util';
import { credentials, Metadata } from '@grpc/grpc-js';
import { AnalyticsServiceClient, IngestStreamWithAcksResponse, Series } from '../src/gen/hcs/v1/analytics.ts';
import { startTestApp } from '../tests/helpers/app.ts';
import { createTestPostgresDatabase, pingPostgres } from '../tests/helpers/postgres.ts';

const { values: args } = parseArgs({
  options: {
    samples: { type: 'string', default: '10000000' },
    batch: { type: 'string', default: '10000' },
    rounds: { type: 'string', default: '3' },
    database: { type: 'string', default: 'both' },
  },
});
const SAMPLES = Number(args.samples);
const BATCH = Number(args.batch);
const ROUNDS = Number(args.rounds);
const T0 = Date.UTC(2025, 0, 1);
const VALUES = new Float64Array(SAMPLES);
for (let i = 0; i < SAMPLES; i++) VALUES[i] = Math.sin(i);

// One IngestStreamWithAcksRequest { batches: [{ series, columns: { times, values } }] }, both
// columns packed: instants (10 ms apart) as varints, values as little-endian doubles.
function encodeMessage(series: string, from: number, to: number): Buffer {
  const timeBytes = Buffer.allocUnsafe((to - from) * 8);
  let t = 0;
  for (let i = from; i < to; i++) {
    let rest = T0 + i * 10;
    while (rest >= 0x80) {
      timeBytes[t++] = (rest % 0x80) | 0x80;
      rest = Math.floor(rest / 0x80);
    }
    timeBytes[t++] = rest;
  }
  const valueBytes = Buffer.from(VALUES.buffer, from * 8, (to - from) * 8);
  const columns = Buffer.concat([field(1, timeBytes.subarray(0, t)), field(2, valueBytes)]);
  return field(1, Buffer.concat([field(1, Buffer.from(series)), field(5, columns)]));
}

function field(number: number, bytes: Buffer): Buffer {
  return Buffer.concat([varint((number << 3) | 2), varint(bytes.length), bytes]);
}

function varint(value: number): Buffer {
  const out: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  out.push(rest);
  return Buffer.from(out);
}

let token = '';

// Streams SAMPLES samples; resolves the seconds from the first write to the last ack, and the
// process's CPU seconds (user + system) meanwhile, which a loaded machine disturbs far less.
async function ingestOnce(target: string, seriesId: string): Promise<{ seconds: number; cpu: number }> {
  const client = new AnalyticsServiceClient(target, credentials.createInsecure(), {
    'grpc.max_send_message_length': 64 * 1024 * 1024,
  });
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  await new Promise<void>((resolve, reject) =>
    client.createSeries(
      { seriesId, series: Series.fromPartial({ metric: 'bench', labels: { run: seriesId } }) },
      metadata,
      (error) => (error ? reject(error) : resolve()),
    ),
  );
  const messages = Math.ceil(SAMPLES / BATCH);
  const started = process.hrtime.bigint();
  const cpuBefore = process.cpuUsage();
  const call = client.makeBidiStreamRequest(
    '/hcs.v1.AnalyticsService/IngestStreamWithAcks',
    (bytes: Buffer) => bytes,
    (bytes: Buffer) => IngestStreamWithAcksResponse.decode(bytes),
    metadata,
  );
  const done = new Promise<void>((resolve, reject) => {
    call.on('data', (ack: { committedMessageCount: string }) => {
      if (Number(ack.committedMessageCount) === messages) resolve();
    });
    call.on('error', reject);
  });
  for (let m = 0; m < messages; m++) {
    const message = encodeMessage(`series/${seriesId}`, m * BATCH, Math.min(SAMPLES, (m + 1) * BATCH));
    if (!call.write(message)) await new Promise((resolve) => call.once('drain', resolve));
  }
  call.end();
  await done;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpuUsed = process.cpuUsage(cpuBefore);
  client.close();
  return { seconds, cpu: (cpuUsed.user + cpuUsed.system) / 1e6 };
}

async function benchDatabase(label: string, env: Record<string, string>): Promise<void> {
  const app = await startTestApp({ env, logLevel: 'info' });
  token = await app.adminToken();
  const target = app.grpcTarget;
  const rates: number[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const { seconds, cpu } = await ingestOnce(target, `bench-${label}-${round}`);
      rates.push(SAMPLES / seconds);
      console.log(
        `${label} round ${round + 1}: ${SAMPLES} samples in ${seconds.toFixed(2)} s = ${Math.round(SAMPLES / seconds).toLocaleString('en')} samples/s, CPU ${cpu.toFixed(2)} s = ${((cpu / SAMPLES) * 1e9).toFixed(0)} ns a sample`,
      );
    }
  } finally {
    await app.close();
  }
  rates.sort((a, b) => a - b);
  console.log(
    `${label} median: ${Math.round(rates[Math.floor(rates.length / 2)] ?? 0).toLocaleString('en')} samples/s`,
  );
}

if (args.database !== 'postgresql') await benchDatabase('sqlite', {});
if (args.database !== 'sqlite' && (await pingPostgres())) {
  const database = await createTestPostgresDatabase();
  try {
    await benchDatabase('postgresql', { HCS_DATABASE_URL: database.url, HCS_AUTO_MIGRATE: 'true' });
  } finally {
    await database.drop();
  }
}
