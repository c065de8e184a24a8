/**
 * What every benchmark server answers: AuthService.WhoAmI with one fixed, realistic principal
 * (strings, repeated fields, an enum, two timestamps), and an hcs app started from the
 * compiled build with that method filled in. Shared so the servers compared cannot differ.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../dist/app.js';
import { AuthServiceService, CredentialKind } from '../dist/gen/hcs/v1/auth.js';
import { loadConfig } from '../dist/platform/config/index.js';
import { createLogger } from '../dist/platform/log/index.js';
import { replaceProcedures, SERVICE_MODULES } from '../dist/services/index.js';

export const ISSUED = new Date('2026-01-01T00:00:00Z');
export const EXPIRES = new Date(ISSUED.getTime() + 15 * 60_000);

/** The principal's plain fields, the same in every representation. */
export const PRINCIPAL = {
  subject: 'users/bench',
  displayName: 'Benchmark user',
  roles: ['operator', 'viewer'],
  scopes: ['devices:read', 'devices:write', 'registry:read'],
};

/** The WhoAmI response in ts-proto form. */
export function whoAmI() {
  return {
    principal: {
      ...PRINCIPAL,
      credentialKind: CredentialKind.CREDENTIAL_KIND_ACCESS_TOKEN,
      issueTime: ISSUED,
      expireTime: EXPIRES,
    },
  };
}

/** Every service with WhoAmI answering the fixed principal, so every server does the same work. */
export const FIXED_WHO_AM_I_SERVICES = replaceProcedures(SERVICE_MODULES, {
  [AuthServiceService.whoAmI.path]: async () => whoAmI(),
});

/**
 * The same services with the auth service's authenticator left out: the app's chain then admits
 * every caller as anonymous and checks no policy. Benchmark code only: the product always
 * authenticates.
 */
function withoutAuthenticator(modules) {
  return modules.map((module) => ({
    ...module,
    create(dependencies) {
      const { authentication: _left, ...service } = module.create(dependencies);
      return service;
    },
  }));
}

/**
 * Starts hcs on free loopback ports with WhoAmI answering the fixed principal; resolves to its
 * ports. `auth: true` is the real app (createApp: the JWT guard on every call); `auth: false`
 * is the same app, database, services and their background work, with no authenticator, so the
 * difference between the two is the guard's cost alone.
 */
export async function startHcs({ auth = true } = {}) {
  const config = loadConfig({
    env: {
      HCS_HOST: '127.0.0.1',
      HCS_GRPC_PORT: '0',
      HCS_HTTP_PORT: '0',
      HCS_DATA_DIR: join(tmpdir(), `hcs-bench-data-${process.pid}`),
      // The driver signs the tokens it sends with the same secret (bench/bench-token.ts).
      HCS_SECRET_KEY: process.env.HCS_SECRET_KEY ?? '',
      HCS_ADMIN_PASSWORD: 'bench-admin-password',
    },
  });
  const logger = createLogger({ level: 'error' });
  const services = auth ? FIXED_WHO_AM_I_SERVICES : withoutAuthenticator(FIXED_WHO_AM_I_SERVICES);
  return createApp({ config, logger, services }).start();
}
