/**
 * What every benchmark server answers: AuthService.WhoAmI with one fixed, realistic principal
 * (strings, repeated fields, an enum, two timestamps), and an hcs app started from the
 * compiled build with that method filled in. Shared so the servers compared cannot differ.
 */
import { createApp } from '../dist/app.js';
import { AuthServiceService, CredentialKind } from '../dist/gen/hcs/v1/auth.js';
import { loadConfig } from '../dist/platform/config/index.js';
import { createLogger } from '../dist/platform/log/index.js';
import { createServiceRegistrations } from '../dist/services/index.js';

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

/** Starts hcs on free loopback ports with WhoAmI implemented; resolves to its ports. */
export async function startHcs() {
  const config = loadConfig({
    env: {
      HCS_HOST: '127.0.0.1',
      HCS_GRPC_PORT: '0',
      HCS_HTTP_PORT: '0',
      HCS_DATA_DIR: '/tmp/hcs-bench-data',
    },
  });
  const services = createServiceRegistrations().map((registration) =>
    registration.definition === AuthServiceService
      ? {
          definition: registration.definition,
          implementation: { ...registration.implementation, whoAmI: async () => whoAmI() },
        }
      : registration,
  );
  return createApp({ config, logger: createLogger({ level: 'error' }), services }).start();
}
