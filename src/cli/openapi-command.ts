import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HCS_VERSION, loadConfig } from '../platform/config/index.ts';
import { createLogger } from '../platform/log/index.ts';
import { createPlatform } from '../platform/platform.ts';
import { createReadingHandOff, ENTITIES, SERVICE_MODULES } from '../services/index.ts';
import { createOpenApiDocument, type HttpRoute } from '../transport/gateway/index.ts';
import { createRouteTable } from '../transport/gateway/routing/index.ts';
import { loadContract } from '../transport/rpc/index.ts';
import type { Command } from './command.ts';
import { UsageError } from './output.ts';

/** Help of `hcs openapi`. */
export const OPENAPI_HELP = `Usage: hcs openapi

Prints the OpenAPI 3.1 document of the REST gateway to standard output: the same
document a running server with this configuration serves at /api/v1/openapi.json,
built from the protos and the routes the services add (the registry's HTTP proxy).`;

/** `hcs openapi`: the document on standard output, with no database and no port. */
export const openApiCommand: Command = {
  summary: 'Print the OpenAPI 3.1 document of the REST view (as served at /api/v1/openapi.json)',
  help: OPENAPI_HELP,
  run: runOpenApiCommand,
};

async function runOpenApiCommand(args: string[]): Promise<number> {
  if (args.length > 0) throw new UsageError(`openapi takes no arguments, got "${args.join(' ')}"`);
  const contract = loadContract();
  const document = createOpenApiDocument({
    contract,
    routes: createRouteTable(contract),
    version: HCS_VERSION,
    httpRoutes: await serviceRoutes(),
  });
  process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
  return 0;
}

/**
 * The HTTP routes the services add, from services built as `hcs serve` builds them but never
 * started: `create` connects to nothing. A scratch data dir and no Redis keep printing a document
 * free of side effects.
 */
async function serviceRoutes(): Promise<HttpRoute[]> {
  const scratch = mkdtempSync(join(tmpdir(), 'hcs-openapi-'));
  const config = { ...loadConfig(), dataDir: scratch, redisUrl: undefined };
  const platform = createPlatform({ config, logger: createLogger({ level: 'silent' }), entities: ENTITIES });
  try {
    return SERVICE_MODULES.flatMap((module) => [
      ...(module.create({ ...platform, readings: createReadingHandOff() }).routes ?? []),
    ]);
  } finally {
    await platform.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}
