/**
 * Ingestion benchmark: `--samples` samples (default 10,000,000) of one series sent through
 * IngestStreamWithAcks in columnar messages of `--batch` samples, over real gRPC on 127.0.0.1
 * to the real app started in this process (client and server share one process), timed from the first message to the acknowledgement of the last (so
 * every counted sample is durably committed). Runs on SQLite, then on PostgreSQL when it
 * answers on 127.0.0.1:5432 (a scratch database, dropped afterwards). Prints the median of
 * `--rounds` runs per database.
 *
 * Usage: node --import tsx bench/analytics-ingest.ts [--samples 10000000] [--batch 10000] [--rounds 3]
 */
import { parseArgs } from 'node:util';
import { credentials, Metadata } from '@grpc/grpc-js';
import { AnalyticsServiceClient, Series } from '../src/gen/hcs/v1/analytics.ts';
import { startTestApp } from '../tests/helpers/app.ts';
import { createTestPostgresDatabase, pingPostgres } from '../tests/helpers/postgres.ts';

const { values: args } = parseArgs({
  options: {
    samples: { type: 'string', default: '10000000' },
    batch: { type: 'string', default: '10000' },
    rounds: { type: 'string', default: '3' },
  },
});
const SAMPLES = Number(args.samples);
const BATCH = Number(args.batch);
const ROUNDS = Number(args.rounds);
const T0 = Date.UTC(2025, 0, 1);

let token = '';

// Streams SAMPLES samples; resolves the seconds from the first write to the last ack.
async function ingestOnce(target: string, seriesId: string): Promise<number> {
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
  const call = client.ingestStreamWithAcks(metadata);
  const done = new Promise<void>((resolve, reject) => {
    call.on('data', (ack: { committedMessageCount: string }) => {
      if (Number(ack.committedMessageCount) === messages) resolve();
    });
    call.on('error', reject);
  });
  for (let m = 0; m < messages; m++) {
    const times = new Array<number>(BATCH);
    const values = new Array<number>(BATCH);
    for (let i = 0; i < BATCH; i++) {
      times[i] = T0 + (m * BATCH + i) * 10;
      values[i] = Math.sin(m * BATCH + i);
    }
    if (
      !call.write({
        batches: [{ series: `series/${seriesId}`, unit: '', samples: [], columns: { times, values } }],
      })
    ) {
      await new Promise((resolve) => call.once('drain', resolve));
    }
  }
  call.end();
  await done;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  client.close();
  return seconds;
}

async function benchDatabase(label: string, env: Record<string, string>): Promise<void> {
  const app = await startTestApp({ env });
  token = await app.adminToken();
  const target = app.grpcTarget;
  const rates: number[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const seconds = await ingestOnce(target, `bench-${label}-${round}`);
      rates.push(SAMPLES / seconds);
      console.log(
        `${label} round ${round + 1}: ${SAMPLES} samples in ${seconds.toFixed(2)} s = ${Math.round(SAMPLES / seconds).toLocaleString('en')} samples/s`,
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

await benchDatabase('sqlite', {});
if (await pingPostgres()) {
  const database = await createTestPostgresDatabase();
  try {
    await benchDatabase('postgresql', { HCS_DATABASE_URL: database.url, HCS_AUTO_MIGRATE: 'true' });
  } finally {
    await database.drop();
  }
}
