import { parseArgs } from 'node:util';
import { loadConfig } from '../platform/config/index.ts';
import { probeHealth } from '../transport/grpc/index.ts';
import type { Command } from './command.ts';
import { UsageError } from './output.ts';

/** Help of `hcs health`. */
export const HEALTH_HELP = `Usage: hcs health [--target host:port] [--service name] [--timeout ms]

Calls grpc.health.v1.Health/Check. Exit 0 when the status is SERVING, 1 otherwise
(not serving, unreachable, timed out). Used by the Docker HEALTHCHECK.

Options:
  --target   Server address. Default 127.0.0.1:$HCS_GRPC_PORT (50051)
  --service  Service to check, e.g. hcs.v1.DeviceService. Default: the whole server
  --timeout  Milliseconds to wait. Default 3000`;

/** `hcs health`: prints the status and exits 0 only when it is SERVING. */
export const healthCommand: Command = {
  summary: "Ask a running server's grpc.health.v1.Health; exit 0 if SERVING, 1 if not",
  help: HEALTH_HELP,
  run: runHealthCommand,
};

async function runHealthCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { target: { type: 'string' }, service: { type: 'string' }, timeout: { type: 'string' } },
    strict: true,
    allowPositionals: false,
  });
  const timeoutMs = values.timeout === undefined ? 3000 : Number(values.timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
    throw new UsageError(`--timeout must be a positive integer, got "${values.timeout}"`);
  }
  // The configuration is read only when it names the port: --target works whatever it holds.
  const target = values.target ?? `127.0.0.1:${loadConfig().grpcPort}`;
  try {
    const status = await probeHealth({ target, service: values.service ?? '', timeoutMs });
    process.stdout.write(`${status}\n`);
    return status === 'SERVING' ? 0 : 1;
  } catch (error) {
    process.stderr.write(`hcs health: ${target}: ${(error as Error).message}\n`);
    return 1;
  }
}
