import type { Policy } from '../../rpc/index.ts';

/**
 * The `security` of an operation from its policy: OAuth2 (with the policy's scopes), bearer JWT
 * or API key, any one of them; none for a public operation.
 */
export function securityOf(policy: Policy | undefined): Record<string, string[]>[] {
  if (policy === undefined || policy.public) return [];
  return [{ oauth2: [...policy.scopes] }, { bearer: [] }, { apiKey: [] }];
}
