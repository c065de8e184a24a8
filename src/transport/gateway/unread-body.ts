import type { IncomingMessage } from 'node:http';

/**
 * Settles a request body its route stopped reading before the end (a refusal before or part-way
 * through an upload), once the answer has been sent. Node.js discards a body nobody read at
 * all, but not one whose reading started: that request stays paused, the connection's parser
 * with it, and the next request the client sends on the keep-alive connection is never read —
 * the client sees its connection reset when the keep-alive timeout closes it.
 *
 * The rest of the body is read and dropped, so the connection stays in step for the next
 * request; once more than `limitBytes` have been dropped the client is still sending a body
 * nobody wants and the connection is closed instead (as Go's server does past 256 KiB). A
 * body already received whole, or a request already destroyed, is left alone.
 */
export function discardUnreadBody(request: IncomingMessage, limitBytes: number): void {
  if (request.complete || request.destroyed) return;
  let dropped = 0;
  const drop = () => {
    for (let chunk = request.read() as Buffer | null; chunk !== null; chunk = request.read()) {
      dropped += chunk.length;
      if (dropped > limitBytes) {
        request.off('readable', drop);
        request.socket.destroy();
        return;
      }
    }
  };
  request.on('readable', drop);
  request.once('end', () => request.off('readable', drop));
  drop();
}

/**
 * Whether a request may carry a body (RFC 9112 §6.3: a Content-Length above 0 or a
 * Transfer-Encoding): one without leaves nothing to settle, and most GETs are spared the
 * `finish` listener {@link discardUnreadBody} would otherwise take on every request.
 */
export function mayHaveBody(request: IncomingMessage): boolean {
  const { headers } = request;
  if (headers['transfer-encoding'] !== undefined) return true;
  const length = headers['content-length'];
  return length !== undefined && length !== '0';
}
