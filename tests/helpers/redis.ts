import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createConnection, createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

/** The shared Redis of the machine and of CI. */
export const REDIS_URL = 'redis://127.0.0.1:6379';

/** Whether something answers PING at host:port within `timeoutMs`. */
export function pingRedis(port = 6379, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

/**
 * Whether the Redis suites can run. Without Redis at 127.0.0.1:6379 they are skipped with a
 * printed reason, except in CI (`CI=true`), where a failing test says that Redis is required.
 */
export async function redisSuitesEnabled(label: string): Promise<boolean> {
  if (await pingRedis()) return true;
  if (process.env.CI === 'true') {
    const required = suite(`${label} (Redis required)`);
    required('Redis at 127.0.0.1:6379 is required in CI', () => {
      assert.unreachable(`Redis is required in CI: nothing answered PING at 127.0.0.1:6379 (${label})`);
    });
    required.run();
  } else {
    console.log(`skipped: ${label} — no Redis at 127.0.0.1:6379`);
  }
  return false;
}

/** A key prefix no other run shares: `hcs-test:<random>:`. */
export function uniquePrefix(): string {
  return `hcs-test:${randomBytes(6).toString('hex')}:`;
}

/** A plain client for tests: commands wait for the connection, but never more than 2 s. */
export function connectTestRedis(url = REDIS_URL): Redis {
  return new Redis(url, { enableOfflineQueue: true, commandTimeout: 2000, maxRetriesPerRequest: 1 });
}

/** Deletes every key starting with `prefix` (SCAN + UNLINK); resolves how many were deleted. */
export async function deleteKeys(prefix: string, url = REDIS_URL): Promise<number> {
  const client = connectTestRedis(url);
  try {
    const match = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
    let cursor = '0';
    let deleted = 0;
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', match, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) deleted += await client.unlink(...keys);
    } while (cursor !== '0');
    return deleted;
  } finally {
    client.disconnect();
  }
}

/** The keys starting with `prefix`. */
export async function listKeys(prefix: string, url = REDIS_URL): Promise<string[]> {
  const client = connectTestRedis(url);
  try {
    return await client.keys(`${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`);
  } finally {
    client.disconnect();
  }
}

/** A free TCP port on 127.0.0.1 (free when asked; fine for a test's own server). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** A `redis-server` this test runs itself, on its own port, keeping nothing on disk. */
export interface OwnRedis {
  readonly port: number;
  readonly url: string;
  /** Starts the server (again) on the same port and waits until it answers, at most 5 s. */
  start(): Promise<void>;
  /** Kills the server (SIGKILL: like a crash) and waits for it to exit. */
  kill(): Promise<void>;
  /** Freezes (SIGSTOP) or thaws (SIGCONT) the server: connections stay open, nothing answers. */
  pause(): void;
  resume(): void;
}

/** Creates an {@link OwnRedis} on a free port; call `start()` to run it and `kill()` at the end. */
export async function createOwnRedis(): Promise<OwnRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async start() {
      child = spawn(
        'redis-server',
        [
          '--port',
          String(port),
          '--save',
          '',
          '--appendonly',
          'no',
          '--bind',
          '127.0.0.1',
          '--loglevel',
          'warning',
        ],
        { stdio: 'ignore' },
      );
      const deadline = performance.now() + 5000;
      while (!(await pingRedis(port, 200))) {
        if (performance.now() > deadline)
          throw new Error(`redis-server on port ${port} did not start in 5 s`);
        await sleep(20);
      }
    },
    async kill() {
      const running = child;
      child = undefined;
      if (running === undefined || running.exitCode !== null || running.signalCode !== null) return;
      running.kill('SIGCONT');
      running.kill('SIGKILL');
      await once(running, 'exit');
    },
    pause() {
      child?.kill('SIGSTOP');
    },
    resume() {
      child?.kill('SIGCONT');
    },
  };
}

/** Resolves when `check` returns true, polling every 10 ms; rejects after `timeoutMs`. */
export async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<number> {
  const started = performance.now();
  while (!check()) {
    if (performance.now() - started > timeoutMs)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
  return performance.now() - started;
}
