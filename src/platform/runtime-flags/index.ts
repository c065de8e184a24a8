export {
  compileCacheDir,
  DEFAULT_DATA_DIR,
  enableServeCompileCache,
  saveCompileCache,
} from './compile-cache.ts';
export { releaseStartHeap } from './release-start-heap.ts';
export {
  relaunchServeWithFlags,
  SERVE_V8_FLAGS,
  type ServeRelaunchFacts,
  serveRelaunch,
} from './serve-flags.ts';
