/**
 * One attempt's AbortSignal: fires on the caller's signal, on the runtime's shutdown, or when
 * the attempt's timeout passes (with a TIMEOUT HardwareError as its reason). Cheaper than
 * `AbortSignal.any([… AbortSignal.timeout()])` per call, which matters at thousands of calls a second.
 */
import { setMaxListeners } from 'node:events';
import { HardwareError, HardwareErrorKind } from '../hardware-error.ts';

/**
 * The signal of a caller that never gives up. Shared and never aborted: operations skip
 * listening to it, and the queue's waiting entries may add many listeners, hence no limit.
 */
export const NEVER_ABORTED: AbortSignal = new AbortController().signal;
setMaxListeners(0, NEVER_ABORTED);

/** A signal for one attempt and the function that releases its timer and listeners. */
export interface OperationSignal {
  readonly signal: AbortSignal;
  dispose(): void;
}

/** Combines `parents` with a `timeoutMs` timer; `what` names the operation in the TIMEOUT message. */
export function createOperationSignal(
  parents: readonly AbortSignal[],
  timeoutMs: number,
  what: string,
): OperationSignal {
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort(new HardwareError(HardwareErrorKind.TIMEOUT, `${what} timed out after ${timeoutMs} ms`));
  }, timeoutMs);
  const forwarders: Array<[AbortSignal, () => void]> = [];
  for (const parent of parents) {
    if (parent === NEVER_ABORTED) continue;
    if (parent.aborted) {
      controller.abort(parent.reason);
      break;
    }
    const forward = () => controller.abort(parent.reason);
    parent.addEventListener('abort', forward, { once: true });
    forwarders.push([parent, forward]);
  }
  return {
    signal: controller.signal,
    dispose() {
      clearTimeout(timer);
      for (const [parent, forward] of forwarders) parent.removeEventListener('abort', forward);
    },
  };
}
