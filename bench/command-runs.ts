/**
 * Command runs benchmark: how much a run through hcs (RunCommand with `wait`, over REST to an
 * in-process server on 127.0.0.1: validation, executable re-check, two row writes, spawn,
 * capture) costs over spawning the same script directly with node:child_process, and what the
 * concurrency cap admits at once. Bounded: `--runs` sequential runs per mode and round.
 *
 * Usage: node --import tsx bench/command-runs.ts [--rounds 5] [--runs 40]
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/platform/config/index.ts';
import { createAccessTokens } from '../src/services/auth/index.ts';
import { BENCH_SECRET } from './bench-token.ts';
import { median } from './h2load.ts';

const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '5' }, runs: { type: 'string', default: '40' } },
});
const rounds = Number(values.rounds);
const runs = Number(values.runs);
const work = mkdtempSync(join(tmpdir(), 'hcs-bench-'));
chmodSync(work, 0o755);
const script = join(work, 'hello.sh');
writeFileSync(script, '#!/bin/sh\necho "hello $1"\n');
chmodSync(script, 0o755);
const allowList = join(work, 'commands.json');
writeFileSync(
  allowList,
  JSON.stringify({
    commands: {
      hello: {
        executable: script,
        argv: ['{who}'],
        parameters: { who: { type: 'enum', values: ['bench'] } },
      },
    },
  }),
);
const config = loadConfig({
  cwd: work,
  env: {
    HCS_HOST: '127.0.0.1',
    HCS_GRPC_PORT: '0',
    HCS_HTTP_PORT: '0',
    HCS_DATA_DIR: join(work, 'data'),
    HCS_SECRET_KEY: BENCH_SECRET,
    HCS_ADMIN_PASSWORD: 'bench-admin-password',
    HCS_SYSTEM_COMMANDS_FILE: allowList,
    HCS_SYSTEM_COMMANDS_ALLOW_ROOT: 'true',
    HCS_LOG_LEVEL: 'silent',
  },
});
const app = createApp({ config, logger: pino({ level: 'silent' }) });
const { httpPort } = await app.start();
const token = createAccessTokens({
  key: { algorithm: 'HS256', secret: BENCH_SECRET },
  issuer: 'hcs',
  audience: 'hcs',
  ttlMs: 3_600_000,
}).sign({ subject: 'users/bench', roles: ['admin'], scopes: ['*'] }).token;

async function direct(): Promise<void> {
  const child = spawn(script, ['bench'], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  child.stdout.resume();
  await once(child, 'close');
}

async function viaHcs(): Promise<void> {
  const response = await fetch(`http://127.0.0.1:${httpPort}/api/v1/allowedCommands/hello:run`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: '{"arguments":{"who":"bench"},"wait":true}',
  });
  const run = (await response.json()) as { state?: string };
  if (run.state !== 'COMMAND_RUN_STATE_SUCCEEDED') throw new Error(`run failed: ${JSON.stringify(run)}`);
}

const results: Record<string, number[]> = { 'spawn directly': [], 'RunCommand wait=true (REST)': [] };
for (let round = 0; round < rounds; round++) {
  for (const [mode, once_] of [
    ['spawn directly', direct],
    ['RunCommand wait=true (REST)', viaHcs],
  ] as const) {
    const times: number[] = [];
    for (let index = 0; index < runs; index++) {
      const started = performance.now();
      await once_();
      times.push(performance.now() - started);
    }
    results[mode]?.push(median(times));
  }
}
await app.close();
rmSync(work, { recursive: true, force: true });
console.log(`median of ${rounds} rounds of the median of ${runs} sequential runs, ms per run:`);
for (const [mode, medians] of Object.entries(results)) {
  console.log(
    `${mode.padEnd(30)} ${median(medians).toFixed(2)}  (rounds: ${medians.map((m) => m.toFixed(1)).join(', ')})`,
  );
}
