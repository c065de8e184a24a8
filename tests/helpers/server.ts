import { passwordGrant, TEST_ADMIN } from './app.ts';
import { type RunningProcess, removeTempDir, runTs, tempDir } from './process.ts';

/** A running `hcs serve` child process on ephemeral ports. */
export interface ServerProcess extends RunningProcess {
  readonly grpcPort: number;
  readonly httpPort: number;
  readonly grpcTarget: string;
  readonly dataDir: string;
  readonly httpBase: string;
  /** An access token of the bootstrap admin, from a real password grant over REST (made once). */
  adminToken(): Promise<string>;
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number>;
}

/**
 * Starts `hcs serve` (or another entry point with the same log contract) on 127.0.0.1 with
 * free ports and a fresh data directory, and waits until it says it is serving. The data
 * directory is removed once the process has exited, unless the caller gave its own
 * (`HCS_DATA_DIR` in `env`), e.g. to start a second server on it.
 */
export async function startServer(
  options: {
    env?: Record<string, string>;
    script?: string;
    args?: string[];
    /** How long to wait for "hcs is serving". Default 20 000 ms. */
    readyTimeoutMs?: number;
  } = {},
): Promise<ServerProcess> {
  const givenDataDir = options.env?.HCS_DATA_DIR;
  const launch = () => {
    const dataDir = givenDataDir ?? tempDir('hcs-data-');
    const started = runTs(options.script ?? 'src/main.ts', options.args ?? ['serve'], {
      env: {
        HCS_HOST: '127.0.0.1',
        HCS_GRPC_PORT: '0',
        HCS_HTTP_PORT: '0',
        HCS_DATA_DIR: dataDir,
        HCS_LOG_LEVEL: 'info',
        HCS_ADMIN_PASSWORD: TEST_ADMIN.password,
        ...options.env,
      },
    });
    const running =
      givenDataDir === undefined
        ? { ...started, exited: started.exited.finally(() => removeTempDir(dataDir)) }
        : started;
    return { dataDir, running, spawnedAt: Date.now() };
  };
  let { dataDir, running, spawnedAt } = launch();
  let serving: Record<string, unknown>;
  try {
    serving = await running.waitForLog((line) => line.msg === 'hcs is serving', options.readyTimeoutMs);
  } catch (error) {
    // Once in a full run a child was killed by a signal before it wrote a single byte (no hcs
    // code had run): that is not the server under test. Say so loudly and start it once more.
    const { child, stdout, stderr } = running;
    if (child.signalCode === null || `${stdout.join('')}${stderr.join('')}`.trim() !== '') throw error;
    await running.exited;
    console.warn(
      `startServer: pid ${child.pid} got ${child.signalCode} ${Date.now() - spawnedAt} ms after spawn, before writing anything; starting it once more`,
    );
    ({ dataDir, running, spawnedAt } = launch());
    serving = await running.waitForLog((line) => line.msg === 'hcs is serving', options.readyTimeoutMs);
  }
  const grpcPort = Number(serving.grpcPort);
  const httpBase = `http://127.0.0.1:${Number(serving.httpPort)}`;
  let token: Promise<string> | undefined;
  return {
    ...running,
    grpcPort,
    httpPort: Number(serving.httpPort),
    grpcTarget: `127.0.0.1:${grpcPort}`,
    dataDir,
    httpBase,
    adminToken() {
      token ??= passwordGrant(httpBase, TEST_ADMIN.username, TEST_ADMIN.password).then((r) => r.access_token);
      return token;
    },
    async stop(signal = 'SIGTERM') {
      if (running.child.exitCode === null) running.child.kill(signal);
      return running.exited;
    },
  };
}
