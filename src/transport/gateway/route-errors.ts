import { AppError, Code } from '../../platform/errors/index.ts';

/** No route serves the path: 404 through the error writer. */
export function routeNotFound(method: string | undefined, path: string): AppError {
  return new AppError(Code.NOT_FOUND, 'ROUTE_NOT_FOUND', `no route for ${method} ${path}`);
}

/**
 * The path is served, but not with this method: 405 through the error writer. The caller sets
 * `Allow` to the same list; the message names it too, for a reader without the headers.
 */
export function methodNotAllowed(
  method: string | undefined,
  path: string,
  allow: readonly string[],
): AppError {
  return new AppError(
    Code.UNIMPLEMENTED,
    'METHOD_NOT_ALLOWED',
    `${method} is not allowed on ${path}; use ${allow.join(', ')}`,
  );
}
