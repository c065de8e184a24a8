/**
 * The analytics numerics kernels beside numpy/pandas doing the same work on the same data, in
 * the same run: the data is generated once, written to a temporary binary file both sides read,
 * and each operation is timed RUNS times per side; medians of wall time and of the process's CPU
 * time are reported (on a shared host the CPU time is the steadier figure).
 *
 * Usage: node --import tsx bench/analytics-numerics.ts  (env: N samples, default 10 000 000;
 * RUNS, default 5; PYTHON, default python3 with numpy and pandas). Nothing leaves the machine.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { OUTPUT_PAGE } from '../src/services/analytics/compute-rules.ts';
import {
  describe,
  diff,
  ewmMean,
  histogram,
  type RollingAggregation,
  resample,
  rollingPages,
  type Series,
} from '../src/services/analytics/numerics/index.ts';

const n = Number(process.env.N ?? 10_000_000);
const runs = Number(process.env.RUNS ?? 5);
const python = process.env.PYTHON ?? 'python3';

function generate(): Series {
  // 100 Hz from a whole second, a slow wave plus pseudo-random noise (fixed seed).
  const times = new Float64Array(n);
  const values = new Float64Array(n);
  let seed = 12345;
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    times[i] = 1_767_225_600_000 + i * 10;
    values[i] = 20 + 5 * Math.sin(i / 6000) + (seed / 2147483648 - 0.5) * 3;
  }
  return { times, values };
}

// The service streams sample-by-sample outputs in pages of at most OUTPUT_PAGE.maxSize rows,
// each computed from the page's samples and the history its first row needs: the bench does the
// same over the whole series.
const pageRows = OUTPUT_PAGE.maxSize;

function rollingAll(series: Series, aggregation: RollingAggregation): number {
  let rows = 0;
  for (const page of rollingPages(series, {
    window: { count: 100 },
    aggregations: [aggregation],
    limit: pageRows,
  })) {
    rows += page.times.length;
  }
  return rows;
}

/** diff as the service pages it: each page's values and the one sample before them. */
function diffAll(values: Float64Array): number {
  let rows = 0;
  for (let offset = 0; offset < values.length; offset += pageRows) {
    const from = Math.max(0, offset - 1);
    const out = diff(values.subarray(from, Math.min(values.length, offset + pageRows)));
    rows += out.length - (offset - from);
  }
  return rows;
}

function operations(series: Series): Record<string, () => unknown> {
  const span = series.times.length;
  const buckets = {
    start: series.times[0] as number,
    end: (series.times[span - 1] as number) + 1,
    width: 1000,
  };
  return {
    describe: () => describe(series.values, { quantiles: [0.5, 0.95, 0.99] }),
    'resample 1 s mean': () => resample(series, { buckets, aggregations: ['mean'] }),
    'resample 1 s OHLC + count': () =>
      resample(series, { buckets, aggregations: ['first', 'max', 'min', 'last', 'count'] }),
    'rolling 100 mean': () => rollingAll(series, 'mean'),
    'rolling 100 min': () => rollingAll(series, 'min'),
    'rolling 100 p90': () => rollingAll(series, { quantile: 0.9 }),
    // An EWM page is computed from every sample before it (its state depends on all of them):
    // one call over the whole series is what the service's last page of a full read costs.
    'ewm span 10': () => ewmMean(series.values, { decay: { span: 10 } }),
    diff: () => diffAll(series.values),
    'histogram auto': () => histogram(series.values, { bins: 'auto' }),
  };
}

/** Milliseconds per run: elapsed, and CPU time of the whole process (every thread). */
interface Timings {
  wall: number[];
  cpu: number[];
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function main(): void {
  const series = generate();
  const dir = mkdtempSync(join(tmpdir(), 'hcs-numerics-'));
  const file = join(dir, 'series.f64');
  try {
    const raw = new Float64Array(2 * n);
    raw.set(series.times, 0);
    raw.set(series.values, n);
    writeFileSync(file, new Uint8Array(raw.buffer));
    const ours: Record<string, Timings> = {};
    for (const [name, run] of Object.entries(operations(series))) {
      const timings: Timings = { wall: [], cpu: [] };
      for (let r = 0; r < runs; r++) {
        const start = performance.now();
        const cpu = process.cpuUsage();
        run();
        const used = process.cpuUsage(cpu);
        timings.cpu.push((used.user + used.system) / 1000);
        timings.wall.push(performance.now() - start);
      }
      ours[name] = timings;
    }
    const theirs = JSON.parse(
      execFileSync(
        python,
        [new URL('./analytics-numerics.py', import.meta.url).pathname, file, String(n), String(runs)],
        {
          encoding: 'utf8',
          maxBuffer: 1 << 20,
        },
      ),
    ) as Record<string, Timings>;
    const load = loadavg().map((l) => l.toFixed(1));
    console.log(`${n} samples, ${runs} runs each, medians (ms); load average ${load.join(' ')}\n`);
    console.log('| operation | hcs wall | np/pd wall | ratio | hcs CPU | np/pd CPU | CPU ratio |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const [name, mine] of Object.entries(ours)) {
      const other = theirs[name] ?? { wall: [Number.NaN], cpu: [Number.NaN] };
      const cells = (['wall', 'cpu'] as const).flatMap((kind) => {
        const a = median(mine[kind]);
        const b = median(other[kind]);
        return [a.toFixed(1), b.toFixed(1), (a / b).toFixed(2)];
      });
      console.log(`| ${name} | ${cells.join(' | ')} |`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
