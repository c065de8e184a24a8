import { type ClientHttp2Session, connect, type IncomingHttpHeaders } from 'node:http2';

/** One gRPC call as seen on the wire: status, message and the size of what came back. */
export interface RawGrpcOutcome {
  /** `grpc-status`, or -1 when the call ended without one (a reset stream, a dead session). */
  code: number;
  message: string;
  /** Every response header and trailer, names lower-case. */
  headers: Record<string, string>;
  /** Bytes of header and trailer names and values together. */
  headerBytes: number;
  /** Bytes of response messages (framing included). */
  bodyBytes: number;
  /** Why the call ended without a status, if it did. */
  failure?: string;
}

/** Options of one {@link RawGrpc.call}. */
export interface RawGrpcCallOptions {
  /** Request headers besides the pseudo-headers, content-type and te. */
  headers?: Record<string, string>;
  /** Message payloads, each framed as sent (flag 0) unless `frames` gives the bytes whole. */
  messages?: Buffer[];
  /** The whole request body, framing included, for bodies a well-behaved client cannot write. */
  frames?: Buffer;
  /** Gives up after this long. Default 10 s. */
  timeoutMs?: number;
}

/** A gRPC client that writes any bytes and headers over one HTTP/2 connection. */
export interface RawGrpc {
  call(path: string, options?: RawGrpcCallOptions): Promise<RawGrpcOutcome>;
  close(): void;
}

/** A length-prefixed gRPC message frame. */
export function grpcFrame(payload: Buffer, compressed = false): Buffer {
  const prefix = Buffer.alloc(5);
  prefix.writeUInt8(compressed ? 1 : 0, 0);
  prefix.writeUInt32BE(payload.length, 1);
  return Buffer.concat([prefix, payload]);
}

/**
 * Connects to `host:port`. Unlike grpc-js's client it sends headers as given (a `grpc-timeout`
 * of `abc`), frames as given (a compressed flag on garbage), and reads answers whatever their
 * size, so a test can see what a server sends back to a client that misbehaves.
 */
export function rawGrpc(target: string): RawGrpc {
  let session: ClientHttp2Session | undefined;
  const open = () => {
    if (session === undefined || session.closed || session.destroyed) {
      session = connect(`http://${target}`, {
        maxHeaderListPairs: 4096,
        settings: { maxHeaderListSize: 16 * 1024 * 1024 },
      });
      session.on('error', () => undefined);
    }
    return session;
  };
  return {
    call(path, options = {}) {
      return new Promise((resolve) => {
        const headers: Record<string, string> = {};
        let headerBytes = 0;
        let bodyBytes = 0;
        let settled = false;
        const collect = (received: IncomingHttpHeaders) => {
          for (const [name, value] of Object.entries(received)) {
            if (value === undefined) continue;
            const text = Array.isArray(value) ? value.join(', ') : String(value);
            headers[name] = text;
            headerBytes += name.length + Buffer.byteLength(text);
          }
        };
        const finish = (failure?: string) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          const status = headers['grpc-status'];
          resolve({
            code: status === undefined ? -1 : Number(status),
            message: decodeURIComponent(headers['grpc-message'] ?? ''),
            headers,
            headerBytes,
            bodyBytes,
            ...(status === undefined ? { failure: failure ?? 'no grpc-status' } : {}),
          });
        };
        const stream = open().request({
          ':method': 'POST',
          ':path': path,
          'content-type': 'application/grpc',
          te: 'trailers',
          ...options.headers,
        });
        const timer = setTimeout(() => {
          stream.close();
          finish('timed out');
        }, options.timeoutMs ?? 10_000);
        stream.on('response', collect);
        stream.on('trailers', collect);
        stream.on('data', (chunk: Buffer) => {
          bodyBytes += chunk.length;
        });
        stream.on('error', (error) => finish(error.message));
        stream.on('close', () => finish(`stream closed (${stream.rstCode})`));
        stream.end(
          options.frames ?? Buffer.concat((options.messages ?? []).map((message) => grpcFrame(message))),
        );
      });
    },
    close() {
      session?.close();
    },
  };
}
