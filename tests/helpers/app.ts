import { type App, createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/platform/config/index.ts';
import { createServiceRegistrations } from '../../src/services/index.ts';
import type { ServiceRegistration } from '../../src/transport/rpc/index.ts';
import { captureLogs } from './log.ts';
import { tempDir } from './process.ts';

/** An in-process app on free ports, with its log lines collected. */
export interface TestApp {
  readonly app: App;
  readonly grpcTarget: string;
  readonly httpBase: string;
  readonly logs: Record<string, unknown>[];
  close(): Promise<void>;
}

/**
 * Starts the real app in this process. `implementations` replaces or adds methods by gRPC path
 * (`/hcs.v1.SystemService/GetHostInfo`) on top of what the services implement.
 */
export async function startTestApp(
  options: {
    implementations?: Record<string, (input: never, ctx: never) => unknown>;
    env?: Record<string, string>;
  } = {},
): Promise<TestApp> {
  const { logger, lines: logs } = captureLogs();
  const config = loadConfig({
    cwd: tempDir(),
    env: {
      HCS_HOST: '127.0.0.1',
      HCS_GRPC_PORT: '0',
      HCS_HTTP_PORT: '0',
      HCS_DATA_DIR: tempDir('hcs-data-'),
      HCS_SHUTDOWN_TIMEOUT_MS: '3000',
      ...options.env,
    },
  });
  const services = withImplementations(createServiceRegistrations(), options.implementations ?? {});
  const app = createApp({ config, logger, services });
  const { grpcPort, httpPort } = await app.start();
  return {
    app,
    grpcTarget: `127.0.0.1:${grpcPort}`,
    httpBase: `http://127.0.0.1:${httpPort}`,
    logs,
    close: () => app.close(),
  };
}

function withImplementations(
  registrations: ServiceRegistration[],
  implementations: Record<string, (input: never, ctx: never) => unknown>,
): ServiceRegistration[] {
  return registrations.map((registration) => {
    const implementation: Record<string, unknown> = { ...registration.implementation };
    for (const [key, definition] of Object.entries(registration.definition)) {
      const replacement = implementations[definition.path];
      if (replacement !== undefined) implementation[key] = replacement;
    }
    return { definition: registration.definition, implementation };
  });
}

/** The default (all fields empty) response message of a method, as its implementation would build it. */
export function emptyResponse(path: string): unknown {
  for (const registration of createServiceRegistrations()) {
    for (const definition of Object.values(registration.definition)) {
      if (definition.path === path) {
        const decode = (definition as unknown as { responseDeserialize(bytes: Buffer): unknown })
          .responseDeserialize;
        return decode(Buffer.alloc(0));
      }
    }
  }
  throw new Error(`no method ${path}`);
}
