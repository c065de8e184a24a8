import {
  type FileInfo,
  FileType,
  type SystemServiceService,
  type WriteFileRequest,
} from '../../gen/hcs/v1/system.ts';
import type { AuditLog } from '../../platform/db/index.ts';
import { invalidField, PlatformReason } from '../../platform/errors/index.ts';
import type { CallContext, ServiceImplementation } from '../../transport/rpc/index.ts';
import { pageSizeOf } from '../common/index.ts';
import { auditedFileCall, auditFileCall } from './file-audit.ts';
import { readFileMessages } from './file-read-stream.ts';
import type { FileEntry } from './file-sandbox/index.ts';
import { writeRequestFrom } from './file-write-stream.ts';
import type { Files } from './files.ts';

type FileProcedures = Pick<
  ServiceImplementation<typeof SystemServiceService>,
  'listFiles' | 'statFile' | 'readFile' | 'writeFile' | 'deleteFile' | 'makeDirectory' | 'moveFile'
>;

/** Default entries per ListFiles page, as the proto documents. */
const DEFAULT_LIST_PAGE = 100;

/**
 * The file RPCs of SystemService over the sandbox: proto requests to domain calls, entries to
 * FileInfo, and an audit entry for every call, refusals included, with its arguments.
 */
export function fileProcedures(files: Files, audit: AuditLog): FileProcedures {
  return {
    listFiles: auditedFileCall(
      audit,
      (request) => ({ target: request.directory, details: { directory: request.directory } }),
      async (request) => {
        const page = await files.list(request.directory, {
          pageSize: pageSizeOf(request.pageSize, DEFAULT_LIST_PAGE),
          pageToken: request.pageToken,
          showHidden: request.showHidden,
        });
        return { files: page.entries.map(fileEntryToMessage), nextPageToken: page.nextPageToken };
      },
      (response) => ({ entries: String(response.files.length) }),
    ),
    statFile: auditedFileCall(
      audit,
      (request) => ({ target: request.path, details: { path: request.path } }),
      async (request) => ({ fileInfo: fileEntryToMessage(await files.stat(request.path)) }),
    ),
    readFile: (request, ctx) => readFileMessages(files, audit, request, ctx),
    writeFile: (requests, ctx) => writeFile(files, audit, requests, ctx),
    deleteFile: auditedFileCall(
      audit,
      (request) => ({
        target: request.path,
        details: {
          path: request.path,
          recursive: String(request.recursive),
          allow_missing: String(request.allowMissing),
          expected_etag: request.expectedEtag,
        },
      }),
      async (request) => {
        await files.delete(request.path, {
          recursive: request.recursive,
          allowMissing: request.allowMissing,
          ...etagOption(request.expectedEtag),
        });
        return {};
      },
    ),
    makeDirectory: auditedFileCall(
      audit,
      (request) => ({
        target: request.path,
        details: { path: request.path, mode: octal(request.mode), parents: String(request.parents) },
      }),
      async (request) => ({
        fileInfo: fileEntryToMessage(await files.makeDirectory(request.path, request.mode, request.parents)),
      }),
    ),
    moveFile: auditedFileCall(
      audit,
      (request) => ({
        target: request.sourcePath,
        details: {
          source_path: request.sourcePath,
          destination_path: request.destinationPath,
          overwrite: String(request.overwrite),
          expected_etag: request.expectedEtag,
        },
      }),
      async (request) => ({
        fileInfo: fileEntryToMessage(
          await files.move(request.sourcePath, request.destinationPath, {
            overwrite: request.overwrite,
            ...etagOption(request.expectedEtag),
          }),
        ),
      }),
    ),
  };
}

async function writeFile(
  files: Files,
  audit: AuditLog,
  requests: AsyncIterable<WriteFileRequest>,
  ctx: CallContext,
) {
  const record = { target: '', details: {} as Record<string, string> };
  try {
    // Refused before a byte is read when writes are off: the client learns it at once.
    files.assertWritable();
    const { request, chunks } = await writeRequestFrom(requests, declaredBodyBytes(ctx));
    record.target = request.path;
    record.details = {
      path: request.path,
      mode: octal(request.mode),
      overwrite: String(request.overwrite),
      create_parents: String(request.createParents),
      expected_etag: request.expectedEtag ?? '',
    };
    const written = await files.write(request, chunks, ctx.signal);
    await auditFileCall(audit, ctx, {
      ...record,
      details: { ...record.details, bytes_written: String(written.bytesWritten), sha256: written.sha256 },
    });
    return {
      fileInfo: fileEntryToMessage(written.entry),
      bytesWritten: String(written.bytesWritten),
      sha256: written.sha256,
    };
  } catch (error) {
    await auditFileCall(audit, ctx, record, error);
    throw error;
  }
}

/**
 * Over HTTP the body is the file's content, so its Content-Length is the size the client
 * declares: a write the quota cannot take is refused before the body is read, as with
 * `expected_size_bytes`. Undefined over gRPC and for a chunked body.
 */
function declaredBodyBytes(ctx: CallContext): bigint | undefined {
  if (ctx.transport !== 'http') return undefined;
  const length = ctx.requestHeaders.get('content-length');
  return length !== undefined && /^\d{1,15}$/.test(length) ? BigInt(length) : undefined;
}

/** A domain entry as `hcs.v1.FileInfo`. */
export function fileEntryToMessage(entry: FileEntry): FileInfo {
  return {
    path: entry.path,
    fileType: FILE_TYPES[entry.kind],
    sizeBytes: String(entry.sizeBytes),
    mode: entry.mode,
    modifyTime: entry.modifyTime,
    symlinkTarget: entry.symlinkTarget,
    etag: entry.etag,
  };
}

const FILE_TYPES = {
  regular: FileType.FILE_TYPE_REGULAR,
  directory: FileType.FILE_TYPE_DIRECTORY,
  symlink: FileType.FILE_TYPE_SYMLINK,
  other: FileType.FILE_TYPE_OTHER,
} as const;

function etagOption(etag: string): { expectedEtag?: string } {
  if (etag.length > 64)
    throw invalidField(
      PlatformReason.INVALID_REQUEST,
      'expected_etag',
      'expected_etag is longer than 64 characters',
    );
  return etag === '' ? {} : { expectedEtag: etag };
}

function octal(mode: number): string {
  return `0${(mode >>> 0).toString(8)}`;
}
