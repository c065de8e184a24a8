/**
 * Footprint of `hcs serve` as an edge box runs it: the compiled build, SQLite, nothing else
 * configured. For each run, on a fresh data directory and then again on the same (warm) one:
 * time from exec to the first 200 from `/healthz`, the server's CPU time until then, resident
 * memory when idle (VmRSS, split into private RssAnon and RssFile: pages of the node binary and
 * native modules, shared and reclaimable), the peak under REST load (authenticated WhoAmI, h2load
 * over HTTP/1.1) and the resident memory after it. Then the size of a production install.
 * Medians over the runs; everything on 127.0.0.1, bounded in time.
 *
 * Usage: npm run bench:footprint -- [--runs 5] [--idle 3] [--load 5] [--node-option=--flag]
 * (`--node-option` is given to node before dist/main.js, e.g. `--max-semi-space-size=64` to see
 * V8's default young generation again.)
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { cpuMicros, median, runH2load } from './h2load.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    idle: { type: 'string', default: '3' },
    load: { type: 'string', default: '5' },
    'node-option': { type: 'string', multiple: true, default: [] },
  },
});
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PASSWORD = 'footprint-bench-password-1';

interface Sample {
  startMs: number;
  startCpuMs: number;
  idleRssMb: number;
  idleAnonMb: number;
  idleFileMb: number;
  loadPeakRssMb: number;
  loadRps: number;
  afterLoadRssMb: number;
}

function memory(pid: number): { rss: number; anon: number; file: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? Number.NaN) / 1024;
  return { rss: kb('VmRSS'), anon: kb('RssAnon'), file: kb('RssFile') };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitServing(child: ChildProcess): Promise<number> {
  let output = '';
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((text) => text.includes('"hcs is serving"'));
      if (line !== undefined) resolve(Number((JSON.parse(line) as { httpPort: number }).httpPort));
    });
    child.once('exit', (code) => reject(new Error(`hcs serve exited with ${code}: ${output}`)));
  });
}

async function measure(dataDir: string): Promise<Sample> {
  const began = performance.now();
  const child = spawn(process.execPath, [...values['node-option'], join(ROOT, 'dist/main.js'), 'serve'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      HCS_DATA_DIR: dataDir,
      HCS_HOST: '127.0.0.1',
      HCS_GRPC_PORT: '0',
      HCS_HTTP_PORT: '0',
      HCS_ADMIN_PASSWORD: PASSWORD,
      HCS_LOG_LEVEL: 'info',
    },
  });
  const pid = child.pid as number;
  try {
    const port = await waitServing(child);
    const base = `http://127.0.0.1:${port}`;
    for (;;) {
      const ok = await fetch(`${base}/healthz`).then(
        (response) => response.ok,
        () => false,
      );
      if (ok) break;
      await sleep(2);
    }
    const startMs = performance.now() - began;
    const startCpuMs = cpuMicros(pid) / 1000;
    await sleep(Number(values.idle) * 1000);
    const idle = memory(pid);
    const token = await fetch(`${base}/api/v1/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'password', username: 'admin', password: PASSWORD }),
    }).then(async (response) => ((await response.json()) as { access_token: string }).access_token);
    let peak = 0;
    const sampler = setInterval(() => {
      peak = Math.max(peak, memory(pid).rss);
    }, 100);
    // h2load blocks this process, so the sampler runs in between; it also reads VmHWM after.
    const loadRun = new Promise<number>((resolve) =>
      setImmediate(() =>
        resolve(
          runH2load({
            url: `${base}/api/v1/auth/whoami`,
            logFile: join(dataDir, 'h2load.log'),
            durationSeconds: Number(values.load),
            warmupSeconds: 1,
            clients: 50,
            streams: 1,
            http1: true,
            headers: [`authorization: Bearer ${token}`],
          }).rps,
        ),
      ),
    );
    const loadRps = await loadRun;
    clearInterval(sampler);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    peak = Math.max(peak, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
    await sleep(Number(values.idle) * 1000);
    const after = memory(pid);
    return {
      startMs,
      startCpuMs,
      idleRssMb: idle.rss,
      idleAnonMb: idle.anon,
      idleFileMb: idle.file,
      loadPeakRssMb: peak,
      loadRps,
      afterLoadRssMb: after.rss,
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

/** Bytes of a production install: dist/, migrations/, proto/ and the non-dev dependency tree. */
function installSizeMb(): number {
  const parseable = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], {
    cwd: ROOT,
    encoding: 'utf8',
  })
    .trim()
    .split('\n')
    .filter((path) => path !== ROOT && path.includes('node_modules'));
  // du counts each directory once, so nested packages listed again are not added twice.
  const out = execFileSync(
    'du',
    ['-skc', join(ROOT, 'dist'), join(ROOT, 'migrations'), join(ROOT, 'proto'), ...parseable],
    { encoding: 'utf8' },
  );
  return Number(/(\d+)\s+total/.exec(out)?.[1] ?? Number.NaN) / 1024;
}

const rows: Record<'fresh' | 'warm', Sample[]> = { fresh: [], warm: [] };
for (let run = 0; run < Number(values.runs); run++) {
  const dataDir = mkdtempSync(join(tmpdir(), 'hcs-footprint-'));
  try {
    rows.fresh.push(await measure(dataDir));
    rows.warm.push(await measure(dataDir));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  process.stderr.write(`run ${run + 1}/${values.runs} done\n`);
}
const fields: (keyof Sample)[] = [
  'startMs',
  'startCpuMs',
  'idleRssMb',
  'idleAnonMb',
  'idleFileMb',
  'loadPeakRssMb',
  'loadRps',
  'afterLoadRssMb',
];
console.log(`| data dir | ${fields.join(' | ')} |`);
console.log(`| --- | ${fields.map(() => '---').join(' | ')} |`);
for (const [name, samples] of Object.entries(rows)) {
  const cells = fields.map((field) => median(samples.map((sample) => sample[field])).toFixed(0));
  console.log(`| ${name} | ${cells.join(' | ')} |`);
}
console.log(`\nproduction install: ${installSizeMb().toFixed(1)} MB (dist, migrations, proto, dependencies)`);
