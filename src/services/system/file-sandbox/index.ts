export { type AnchoredDirectory, openAnchoredDirectory } from './anchored-directory.ts';
export { type ByteRange, parseRangeHeader } from './byte-range.ts';
export { type DirectoryPage, listDirectory } from './directory-listing.ts';
export { etagOf } from './etag.ts';
export { entryOf, type FileEntry, type FileKind } from './file-entry.ts';
export { type FileRead, openFileRead, type ReadSelection } from './file-reader.ts';
export {
  assertEtag,
  assertWritePrecondition,
  type WritePrecondition,
  type WrittenFile,
  writeAtomically,
} from './file-writer.ts';
export { fromFsError } from './from-fs-error.ts';
export { MAX_PATH_BYTES, MAX_SEGMENT_BYTES, parseSandboxPath } from './sandbox-path.ts';
export { createSandboxQuota, type SandboxQuota } from './sandbox-quota.ts';
export { assertInside, type ResolvedPath, resolveSandboxPath } from './sandbox-resolver.ts';
export { isCountedName, TEMP_FILE_PREFIX } from './sandbox-usage.ts';
export { createSerialLock, type SerialLock } from './serial-lock.ts';
export { removeTree } from './tree-removal.ts';
export { assertSameDirectory } from './verified-open.ts';
