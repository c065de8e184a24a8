/**
 * One full garbage collection once the server is serving. Starting (module loading, descriptor
 * decoding, the ORM's metadata discovery, migrations) grows V8's old generation to ~52 MB of
 * which ~13 MB is garbage by then, and an idle server allocates too little for V8 to collect it
 * soon: measured, the heap stayed at that size for as long as the server sat idle. One full
 * collection soon after start gives those pages back (idle RSS ~16 MB lower). It collects up to
 * seven times and blocks meanwhile: ~1 s on a loaded 2-core host for a ~40 MB heap.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Runs one full, compacting garbage collection now. `gc` is taken from a fresh context created
 * while `--expose-gc` is set (the flag is turned off again at once), so no `gc` global is left
 * for any module to call; an operator's own `--expose-gc` is left as it was.
 */
export function releaseStartHeap(): void {
  const exposed = typeof (globalThis as { gc?: unknown }).gc === 'function';
  if (!exposed) setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as ((options?: GcOptions) => void) | undefined;
  if (!exposed) setFlagsFromString('--no-expose-gc');
  gc?.({ type: 'major', flavor: 'last-resort' });
}

/**
 * V8's gc extension options. `last-resort` collects repeatedly and shrinks the heap; a plain
 * major collection frees the objects but keeps most of their pages (a heap holding ~55 MB of
 * garbage went from 66 to 11 MB with it, to 58 MB with a plain one).
 */
interface GcOptions {
  type: 'major';
  flavor: 'last-resort';
}
