import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { type Config, loadConfig } from '../platform/config/index.ts';
import type { Logger } from '../platform/log/index.ts';
import type { Command } from './command.ts';
import { createCommandLogger } from './command-logger.ts';
import { withAuth } from './open-auth.ts';
import { formatTable, UsageError } from './output.ts';
import { readSecretFromStdin } from './read-secret.ts';

/** Help of `hcs user`. */
export const USER_HELP = `Usage: hcs user add <username> [--role R]... [--display-name N] [--password-stdin]
       hcs user passwd <username> [--password-stdin]
       hcs user list
       hcs user disable|enable <username>

Manages users in the configured database (HCS_DATABASE_URL), with or without a
running server. Without --password-stdin, add and passwd generate a password and
print it once on standard output. --role may repeat; default viewer. passwd ends
the user's refresh tokens; disable ends its access tokens too.`;

/** `hcs user`, on the configured database; logs go to standard error. */
export const userCommand: Command = {
  summary: 'Add, list, disable users and set passwords in the database',
  help: USER_HELP,
  async run(args) {
    const config = loadConfig();
    return runUserCommand(args, config, await createCommandLogger(config));
  },
};

/** Runs `hcs user …`; resolves to the exit code. A command line that does not parse throws. */
export async function runUserCommand(args: string[], config: Config, logger: Logger): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      role: { type: 'string', multiple: true },
      'display-name': { type: 'string' },
      'password-stdin': { type: 'boolean' },
    },
    strict: true,
    allowPositionals: true,
  });
  const [action, username, ...extra] = positionals;
  const needsName = action !== 'list';
  if (action === undefined || !['add', 'passwd', 'list', 'disable', 'enable'].includes(action)) {
    throw new UsageError('usage: hcs user add|passwd|list|disable|enable');
  }
  if (extra.length > 0 || (needsName && username === undefined) || (!needsName && username !== undefined)) {
    throw new UsageError(needsName ? `usage: hcs user ${action} <username>` : 'usage: hcs user list');
  }
  const password = values['password-stdin'] ? await readSecretFromStdin() : undefined;
  return withAuth(config, logger, async ({ users }) => {
    const name = username ?? '';
    switch (action) {
      case 'add': {
        const secret = password ?? randomBytes(18).toString('base64url');
        const created = await users.createUser({
          username: name,
          displayName: values['display-name'] ?? '',
          roles: values.role ?? ['viewer'],
          password: secret,
        });
        if (password === undefined) process.stdout.write(`${secret}\n`);
        process.stderr.write(`created users/${created.username} with roles ${created.roles.join(', ')}\n`);
        return 0;
      }
      case 'passwd': {
        const { generatedPassword: secret } = await users.resetUserPassword(name, password ?? '');
        if (secret !== '') process.stdout.write(`${secret}\n`);
        process.stderr.write(`password of users/${name} set; its refresh tokens are revoked\n`);
        return 0;
      }
      case 'disable':
      case 'enable': {
        const current = await users.getUser(name);
        await users.updateUser(
          {
            username: name,
            displayName: current.displayName,
            roles: current.roles,
            disabled: action === 'disable',
          },
          ['disabled'],
        );
        process.stderr.write(`users/${name} ${action}d\n`);
        return 0;
      }
      default: {
        const rows: string[][] = [['USERNAME', 'ROLES', 'DISABLED', 'LAST LOGIN']];
        let pageToken = '';
        do {
          const page = await users.listUsers({ pageSize: 1000, pageToken });
          for (const user of page.users) {
            rows.push([
              user.username,
              user.roles.join(','),
              String(user.disabled),
              user.lastLoginTime?.toISOString() ?? '-',
            ]);
          }
          pageToken = page.nextPageToken;
        } while (pageToken !== '');
        process.stdout.write(formatTable(rows));
        return 0;
      }
    }
  });
}
