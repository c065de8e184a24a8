import { parseArgs } from 'node:util';
import { type Config, loadConfig } from '../platform/config/index.ts';
import type { Logger } from '../platform/log/index.ts';
import { localCallFacts } from '../services/common/index.ts';
import type { Command } from './command.ts';
import { createCommandLogger } from './command-logger.ts';
import { withAuth } from './open-auth.ts';
import { formatTable, parseDurationMs, UsageError } from './output.ts';

/** Help of `hcs apikey`. */
export const APIKEY_HELP = `Usage: hcs apikey create <id> [--role R]... [--scope S]... [--display-name N] [--ttl 30d]
       hcs apikey list
       hcs apikey revoke <id>

Manages API keys (sent as the x-api-key header or metadata) in the configured
database. create prints the secret once on standard output: store it now, only
its hash is kept. --role defaults to service; --scope may repeat (e.g.
registry:read), "*" grants every scope, none grants no scoped method. --ttl is
a lifetime such as 3600s, 90m, 12h or 30d; default: no expiry.`;

const CLI_ACTOR = 'local:hcs-cli';

/** `hcs apikey`, on the configured database; logs go to standard error. */
export const apiKeyCommand: Command = {
  summary: 'Create, list and revoke API keys in the database',
  help: APIKEY_HELP,
  async run(args) {
    const config = loadConfig();
    return runApiKeyCommand(args, config, await createCommandLogger(config));
  },
};

/** Runs `hcs apikey …`; resolves to the exit code. A command line that does not parse throws. */
export async function runApiKeyCommand(args: string[], config: Config, logger: Logger): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      role: { type: 'string', multiple: true },
      scope: { type: 'string', multiple: true },
      'display-name': { type: 'string' },
      ttl: { type: 'string' },
    },
    strict: true,
    allowPositionals: true,
  });
  const [action, keyId, ...extra] = positionals;
  if (action === undefined || !['create', 'list', 'revoke'].includes(action)) {
    throw new UsageError('usage: hcs apikey create|list|revoke');
  }
  const needsId = action !== 'list';
  if (extra.length > 0 || (needsId && keyId === undefined) || (!needsId && keyId !== undefined)) {
    throw new UsageError(needsId ? `usage: hcs apikey ${action} <id>` : 'usage: hcs apikey list');
  }
  const ttlMs = values.ttl === undefined ? undefined : parseDurationMs(values.ttl);
  if (values.ttl !== undefined && ttlMs === undefined) {
    throw new UsageError(`--ttl must look like 3600s, 90m, 12h or 30d, got "${values.ttl}"`);
  }
  return withAuth(config, logger, async ({ apiKeys }) => {
    if (action === 'create') {
      const { apiKey, secret } = await apiKeys.createApiKey(
        {
          keyId: keyId ?? '',
          displayName: values['display-name'] ?? '',
          roles: values.role ?? ['service'],
          scopes: values.scope ?? [],
          ...(ttlMs === undefined ? {} : { ttlMs }),
        },
        localCallFacts('hcs.v1.AuthService.CreateApiKey', CLI_ACTOR),
      );
      process.stdout.write(`${secret}\n`);
      process.stderr.write(
        `created apiKeys/${apiKey.keyId} (prefix ${apiKey.prefix}); the secret above is shown only once\n`,
      );
      return 0;
    }
    if (action === 'revoke') {
      await apiKeys.revokeApiKey(keyId ?? '', localCallFacts('hcs.v1.AuthService.RevokeApiKey', CLI_ACTOR));
      process.stderr.write(`apiKeys/${keyId} revoked\n`);
      return 0;
    }
    const rows: string[][] = [['ID', 'PREFIX', 'STATE', 'ROLES', 'SCOPES', 'EXPIRES', 'LAST USED']];
    let pageToken = '';
    do {
      const page = await apiKeys.listApiKeys({ pageSize: 1000, pageToken });
      for (const key of page.apiKeys) {
        rows.push([
          key.keyId,
          key.prefix,
          key.state,
          key.roles.join(','),
          key.scopes.join(',') || '-',
          key.expireTime?.toISOString() ?? 'never',
          key.lastUsedTime?.toISOString() ?? '-',
        ]);
      }
      pageToken = page.nextPageToken;
    } while (pageToken !== '');
    process.stdout.write(formatTable(rows));
    return 0;
  });
}
