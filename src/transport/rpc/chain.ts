import type { Logger } from '../../platform/log/index.ts';
import type { Interceptor } from './interceptor.ts';
import { type AuthInterceptorOptions, authInterceptor } from './interceptors/auth.ts';
import { deadlineInterceptor } from './interceptors/deadline.ts';
import { errorInterceptor } from './interceptors/errors.ts';
import { loggingInterceptor } from './interceptors/logging.ts';
import { requestIdInterceptor } from './interceptors/request-id.ts';

/** Options of {@link createChain}. */
export interface ChainOptions extends AuthInterceptorOptions {
  logger: Logger;
}

/**
 * The interceptor chain both transports share, in its one documented order:
 * request id → logging → deadline → auth → error normalisation → procedure.
 * Logging sits outside auth so refused calls are logged; error normalisation sits innermost so
 * every layer above sees only AppErrors.
 */
export function createChain(options: ChainOptions): Interceptor[] {
  return [
    requestIdInterceptor(),
    loggingInterceptor(options.logger),
    deadlineInterceptor(),
    authInterceptor({ authenticate: options.authenticate, onDenied: options.onDenied }),
    errorInterceptor(),
  ];
}
