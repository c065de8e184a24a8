import { once } from 'node:events';
import type { ServerResponse } from 'node:http';

/** How a server stream is framed for HTTP clients. */
export type StreamFraming = 'ndjson' | 'sse';

/** Chooses the framing from `Accept`: Server-Sent Events when asked for, else NDJSON. */
export function framingFor(accept: string | undefined): StreamFraming {
  return (accept ?? '').toLowerCase().includes('text/event-stream') ? 'sse' : 'ndjson';
}

/** The content type of a framing. */
export function contentTypeOf(framing: StreamFraming): string {
  return framing === 'sse' ? 'text/event-stream; charset=utf-8' : 'application/x-ndjson; charset=utf-8';
}

/**
 * Writes one streamed message, given as JSON text: NDJSON `{"result": …}` lines (grpc-gateway's
 * shape), or an SSE `data:` event (`event: error` for the final error), so a browser
 * EventSource can follow it.
 * Resolves once the socket can take more: a slow reader slows the producer instead of growing
 * the response buffer.
 */
export async function writeStreamItem(
  response: ServerResponse,
  framing: StreamFraming,
  kind: 'result' | 'error',
  json: string,
  signal: AbortSignal,
): Promise<void> {
  const item = `{"${kind}":${json}}`;
  const frame =
    framing === 'ndjson' ? `${item}\n` : `${kind === 'error' ? 'event: error\n' : ''}data: ${item}\n\n`;
  if (!response.write(frame)) await once(response, 'drain', { signal }).catch(() => undefined);
}
