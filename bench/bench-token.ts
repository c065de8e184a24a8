import { createAccessTokens } from '../src/services/auth/index.ts';

/** The HS256 secret the benchmark hands its servers (as HCS_SECRET_KEY) and signs tokens with. */
export const BENCH_SECRET = 'bench-secret-0123456789abcdefghijklmnopqrstuvwxyz';

/** A one-hour access token for the benchmark principal, as a client holds after signing in. */
export function benchToken(): string {
  return createAccessTokens({
    key: { algorithm: 'HS256', secret: BENCH_SECRET },
    issuer: 'hcs',
    audience: 'hcs',
    ttlMs: 3_600_000,
  }).sign({ subject: 'users/bench', roles: ['operator', 'viewer'], scopes: ['devices:read'] }).token;
}
