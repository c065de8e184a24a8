import { readFile, statfs } from 'node:fs/promises';
import os from 'node:os';
import type { EntityManager } from '@mikro-orm/core';
import { HCS_VERSION } from '../../platform/config/index.ts';
import { type Dialect, dialectOf } from '../../platform/db/index.ts';
import { type BackendStatus, formatBackendStatus } from '../../platform/redis/index.ts';

/** How one part the server depends on is doing (proto `hcs.v1.ComponentState`, lower case). */
export type ComponentState = 'unknown' | 'up' | 'degraded' | 'down';

/** One part the server depends on: its kind, state and a detail for people. */
export interface ComponentStatus {
  kind: string;
  state: ComponentState;
  detail: string;
}

/** The host and the server process at {@link HostInfo.collectTime}. */
export interface HostInfo {
  hostname: string;
  os: string;
  osVersion: string;
  kernelRelease: string;
  arch: string;
  cpuCount: number;
  cpuModel: string;
  memoryTotalBytes: number;
  memoryAvailableBytes: number;
  processMemoryBytes: number;
  uptimeMs: number;
  processUptimeMs: number;
  loadAverage: [number, number, number];
  nodeVersion: string;
  hcsVersion: string;
  dataDisk: { path: string; totalBytes: number; usedBytes: number; availableBytes: number };
  database: ComponentStatus;
  cache: ComponentStatus;
  /** Empty while no hardware layer runs; {@link adaptersState} is then `unknown`. */
  adapters: ComponentStatus[];
  adaptersState: ComponentState;
  processUid: number;
  collectTime: Date;
}

/** What {@link collectHostInfo} reads besides the operating system. */
export interface HostInfoSources {
  dataDir: string;
  databaseUrl: string | undefined;
  em: () => EntityManager;
  cacheStatus: () => BackendStatus;
}

/**
 * Collects the host information. Never fails for a sick dependency: a database that does not
 * answer is reported `down` with the reason, because that is when an operator asks.
 */
export async function collectHostInfo(sources: HostInfoSources): Promise<HostInfo> {
  const cpus = os.cpus();
  const [total, used, available] = await diskUsageOf(sources.dataDir);
  const [load1, load5, load15] = os.loadavg();
  return {
    hostname: os.hostname(),
    os: os.type(),
    osVersion: os.version(),
    kernelRelease: os.release(),
    arch: process.arch,
    cpuCount: os.availableParallelism(),
    cpuModel: cpus[0]?.model.trim() ?? '',
    memoryTotalBytes: os.totalmem(),
    memoryAvailableBytes: await availableMemory(),
    processMemoryBytes: process.memoryUsage.rss(),
    uptimeMs: Math.round(os.uptime() * 1000),
    processUptimeMs: Math.round(process.uptime() * 1000),
    loadAverage: [load1 ?? 0, load5 ?? 0, load15 ?? 0],
    nodeVersion: process.version,
    hcsVersion: HCS_VERSION,
    dataDisk: { path: sources.dataDir, totalBytes: total, usedBytes: used, availableBytes: available },
    database: await databaseStatus(dialectOf({ databaseUrl: sources.databaseUrl }), sources.em),
    cache: cacheStatusOf(sources.cacheStatus()),
    adapters: [],
    adaptersState: 'unknown',
    processUid: process.getuid?.() ?? -1,
    collectTime: new Date(),
  };
}

async function diskUsageOf(path: string): Promise<[number, number, number]> {
  const stats = await statfs(path);
  const total = stats.blocks * stats.bsize;
  return [total, total - stats.bfree * stats.bsize, stats.bavail * stats.bsize];
}

// os.freemem() counts the page cache as used; MemAvailable is what Linux can hand out.
async function availableMemory(): Promise<number> {
  const meminfo = await readFile('/proc/meminfo', 'utf8').catch(() => '');
  const kib = /^MemAvailable:\s+(\d+) kB$/m.exec(meminfo)?.[1];
  return kib === undefined ? os.freemem() : Number(kib) * 1024;
}

async function databaseStatus(kind: Dialect, em: () => EntityManager): Promise<ComponentStatus> {
  try {
    await em().getConnection().execute('select 1');
    return { kind, state: 'up', detail: '' };
  } catch (error) {
    return { kind, state: 'down', detail: error instanceof Error ? error.message : String(error) };
  }
}

function cacheStatusOf(status: BackendStatus): ComponentStatus {
  if (status.backend === 'redis') return { kind: 'redis', state: 'up', detail: '' };
  const configured = status.reason !== 'not configured';
  return {
    kind: 'memory',
    state: configured ? 'degraded' : 'up',
    detail: formatBackendStatus(status),
  };
}
