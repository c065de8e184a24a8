import type { ServerResponse } from 'node:http';
import { AppError, Code, PlatformReason } from '../../platform/errors/index.ts';
import type { Logger } from '../../platform/log/index.ts';
import { ANONYMOUS, type Principal } from '../rpc/index.ts';
import type { HttpRouteContext } from './http-route.ts';
import type { RequestTarget } from './request-target.ts';

/**
 * The context of one request. The signal and the child logger are made on first read: most
 * requests never touch them, and a small REST call's whole budget is a few tens of microseconds.
 */
export class RouteContext implements HttpRouteContext {
  readonly requestId: string;
  readonly target: RequestTarget;
  /** Set by the route's guard once the caller is authenticated. */
  principal: Principal = ANONYMOUS;
  readonly #response: ServerResponse;
  readonly #logger: Logger;
  #signal: AbortSignal | undefined;
  #childLogger: Logger | undefined;

  constructor(requestId: string, target: RequestTarget, response: ServerResponse, logger: Logger) {
    this.requestId = requestId;
    this.target = target;
    this.#response = response;
    this.#logger = logger;
  }

  get signal(): AbortSignal {
    this.#signal ??= watchClient(this.#response);
    return this.#signal;
  }

  get logger(): Logger {
    this.#childLogger ??= this.#logger.child({ requestId: this.requestId });
    return this.#childLogger;
  }
}

// The response closes before it finishes only when the connection went away.
function watchClient(response: ServerResponse): AbortSignal {
  const controller = new AbortController();
  const cancel = () => {
    if (!response.writableFinished) controller.abort(cancellation());
  };
  if (response.destroyed) cancel();
  else response.once('close', cancel);
  return controller.signal;
}

function cancellation(): AppError {
  return new AppError(Code.CANCELLED, PlatformReason.CANCELLED, 'the client closed the connection');
}
