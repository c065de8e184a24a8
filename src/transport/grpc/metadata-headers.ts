import type { Metadata } from '@grpc/grpc-js';
import type { RequestHeaders } from '../rpc/index.ts';

/** Reads gRPC request metadata as headers: the first text value of a key, lower-case names. */
export function metadataToHeaders(metadata: Metadata): RequestHeaders {
  return {
    get(name) {
      const value = metadata.get(name)[0];
      return typeof value === 'string' ? value : undefined;
    },
  };
}

/** Copies response headers set on the call context into grpc-js metadata. */
export function headersToMetadata(headers: ReadonlyMap<string, string>, metadata: Metadata): Metadata {
  for (const [key, value] of headers) metadata.set(key, value);
  return metadata;
}
