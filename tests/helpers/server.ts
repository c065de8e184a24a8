import { type RunningProcess, runTs, tempDir } from './process.ts';

/** A running `hcs serve` child process on ephemeral ports. */
export interface ServerProcess extends RunningProcess {
  readonly grpcPort: number;
  readonly httpPort: number;
  readonly grpcTarget: string;
  readonly dataDir: string;
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
      ...options.env,
    },
  });
  const serving = await running.waitForLog((line) => line.msg === 'hcs is serving');
  const grpcPort = Number(serving.grpcPort);
  return {
    ...running,
    grpcPort,
    httpPort: Number(serving.httpPort),
    grpcTarget: `127.0.0.1:${grpcPort}`,
    dataDir,
    async stop(signal = 'SIGTERM') {
      if (running.child.exitCode === null) running.child.kill(signal);
      return running.exited;
    },
  };
}
