import { once } from 'node:events';
import { credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { ErrorInfo } from '../../../src/gen/google/rpc/error_details.ts';
import { Status } from '../../../src/gen/google/rpc/status.ts';
import {
  type DeleteFileRequest,
  type FileInfo,
  type ListFilesRequest,
  type ListFilesResponse,
  type MakeDirectoryRequest,
  type MoveFileRequest,
  type ReadFileRequest,
  SystemServiceClient,
  type WriteFileRequest,
  type WriteFileResponse,
} from '../../../src/gen/hcs/v1/system.ts';
import { TEST_CHANNEL_OPTIONS } from '../../helpers/channel-options.ts';

/** A failed call: the gRPC code and the ErrorInfo reason from the status details. */
export interface CallFailure {
  code: number;
  reason: string;
  message: string;
}

/** The outcome of a call: its response, or how it failed. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: CallFailure };

/** A typed SystemService client that answers outcomes instead of throwing, for table tests. */
export interface FilesClient {
  stat(path: string): Promise<Outcome<FileInfo>>;
  list(request: Partial<ListFilesRequest>): Promise<Outcome<ListFilesResponse>>;
  /** Reads a whole file; `metadata` adds e.g. a `range`. */
  read(request: Partial<ReadFileRequest>, metadata?: Record<string, string>): Promise<Outcome<ReadResult>>;
  /** Writes `chunks` after a first message with the options (and no data). */
  write(
    options: Partial<WriteFileRequest>,
    chunks: Iterable<Buffer> | AsyncIterable<Buffer>,
  ): Promise<Outcome<WriteFileResponse>>;
  remove(request: Partial<DeleteFileRequest>): Promise<Outcome<unknown>>;
  mkdir(request: Partial<MakeDirectoryRequest>): Promise<Outcome<FileInfo>>;
  move(request: Partial<MoveFileRequest>): Promise<Outcome<FileInfo>>;
  close(): void;
}

export interface ReadResult {
  info: FileInfo | undefined;
  data: Buffer;
  headers: Metadata;
  messages: number;
}

/** Connects to `target` with `authorization: Bearer <token>` on every call. */
export function filesClient(target: string, token: string): FilesClient {
  const client = new SystemServiceClient(target, credentials.createInsecure(), TEST_CHANNEL_OPTIONS);
  const meta = (extra: Record<string, string> = {}) => {
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${token}`);
    for (const [key, value] of Object.entries(extra)) metadata.set(key, value);
    return metadata;
  };
  const deadline = () => ({ deadline: Date.now() + 120_000 });
  const unary = <Req, Res>(method: string, request: Req) =>
    new Promise<Outcome<Res>>((resolve) => {
      (client as unknown as Record<string, (...args: unknown[]) => void>)[method]?.call(
        client,
        request,
        meta(),
        deadline(),
        (error: ServiceError | null, response: Res) =>
          resolve(error === null ? { ok: true, value: response } : { ok: false, error: failureOf(error) }),
      );
    });
  return {
    async stat(path) {
      const outcome = await unary<unknown, { fileInfo: FileInfo }>('statFile', { path });
      return outcome.ok ? { ok: true, value: outcome.value.fileInfo } : outcome;
    },
    list: (request) =>
      unary('listFiles', { directory: '', pageSize: 0, pageToken: '', showHidden: false, ...request }),
    async read(request, extra) {
      const call = client.readFile(
        { path: '', offset: '0', length: '0', chunkSize: 0, ...request },
        meta(extra),
        deadline(),
      );
      const parts: Buffer[] = [];
      let info: FileInfo | undefined;
      let headers = new Metadata();
      let messages = 0;
      call.on('metadata', (received) => {
        headers = received;
      });
      try {
        for await (const message of call) {
          messages += 1;
          info ??= message.fileInfo;
          if (message.body !== undefined) parts.push(message.body.data);
        }
      } catch (error) {
        return { ok: false, error: failureOf(error as ServiceError) };
      }
      return { ok: true, value: { info, data: Buffer.concat(parts), headers, messages } };
    },
    write(options, chunks) {
      return new Promise((resolve) => {
        const call = client.writeFile(meta(), deadline(), (error, response) =>
          resolve(error === null ? { ok: true, value: response } : { ok: false, error: failureOf(error) }),
        );
        void (async () => {
          try {
            call.write({
              path: '',
              mode: 0,
              overwrite: false,
              createParents: false,
              expectedEtag: '',
              ...options,
            } as WriteFileRequest);
            for await (const data of chunks) {
              const message: WriteFileRequest = {
                ...EMPTY_WRITE,
                body: { contentType: '', data, extensions: [] },
              };
              if (!call.write(message)) {
                await once(call, 'drain');
              }
            }
            call.end();
          } catch {
            call.cancel();
          }
        })();
      });
    },
    remove: (request) =>
      unary('deleteFile', { path: '', recursive: false, allowMissing: false, expectedEtag: '', ...request }),
    async mkdir(request) {
      const outcome = await unary<unknown, { fileInfo: FileInfo }>('makeDirectory', {
        path: '',
        mode: 0,
        parents: false,
        ...request,
      });
      return outcome.ok ? { ok: true, value: outcome.value.fileInfo } : outcome;
    },
    async move(request) {
      const outcome = await unary<unknown, { fileInfo: FileInfo }>('moveFile', {
        sourcePath: '',
        destinationPath: '',
        overwrite: false,
        expectedEtag: '',
        ...request,
      });
      return outcome.ok ? { ok: true, value: outcome.value.fileInfo } : outcome;
    },
    close: () => client.close(),
  };
}

const EMPTY_WRITE: WriteFileRequest = {
  path: '',
  mode: 0,
  overwrite: false,
  createParents: false,
  expectedEtag: '',
  body: undefined,
};

function failureOf(error: ServiceError): CallFailure {
  const bin = error.metadata?.get('grpc-status-details-bin')[0];
  let reason = '';
  if (bin instanceof Buffer) {
    for (const detail of Status.decode(bin).details) {
      if (detail.typeUrl.endsWith('google.rpc.ErrorInfo')) reason = ErrorInfo.decode(detail.value).reason;
    }
  }
  return { code: error.code, reason, message: error.details };
}
