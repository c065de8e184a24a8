import { passwordGrant, TEST_ADMIN } from './app.ts';
import { type RunningProcess, runTs, tempDir } from './process.ts';

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
 * free ports and a fresh data directory, and waits until it says it is serving.
 */
export async function startServer(
  options: { env?: Record<string, string>; script?: string; args?: string[] } = {},
): Promise<ServerProcess> {
  const dataDir = tempDir('hcs-data-');
  const running = runTs(options.script ?? 'src/main.ts', options.args ?? ['serve'], {
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
  const serving = await running.waitForLog((line) => line.msg === 'hcs is serving');
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
