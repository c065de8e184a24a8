import { AppError, Code } from '../../platform/errors/index.ts';

/** The RFC 6749 §5.2 error codes hcs answers at the token endpoint. */
export type OAuthErrorCode = 'invalid_request' | 'invalid_grant' | 'unsupported_grant_type' | 'invalid_scope';

/** The gRPC code of each RFC error: a client's mistake, except a credential that does not verify. */
const CODE_OF: Record<OAuthErrorCode, Code> = {
  invalid_request: Code.INVALID_ARGUMENT,
  invalid_grant: Code.UNAUTHENTICATED,
  unsupported_grant_type: Code.INVALID_ARGUMENT,
  invalid_scope: Code.INVALID_ARGUMENT,
};

/**
 * An error of the token endpoint: `reason` is the RFC code in upper case and the RFC spelling
 * rides in metadata `oauth_error`, so the HTTP gateway can answer with the RFC's JSON body and
 * status while gRPC clients get a normal status with ErrorInfo.
 */
export function oauthError(
  error: OAuthErrorCode,
  description: string,
  options: { field?: string } = {},
): AppError {
  return new AppError(CODE_OF[error], error.toUpperCase(), description, {
    metadata: { oauth_error: error },
    ...(options.field === undefined ? {} : { fieldViolations: [{ field: options.field, description }] }),
  });
}
