import { readFileSync } from 'node:fs';
import { formatNodeRange, satisfiesNodeRange } from './node-range.ts';

/**
 * The Node.js versions hcs runs on: `engines.node` of package.json (one directory above both
 * src/ and dist/), the one place they are written, which npm checks at install time too.
 */
export const SUPPORTED_NODE: string = (
  JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
    engines: { node: string };
  }
).engines.node;

/**
 * Why this Node.js cannot run hcs, as one line for standard error, or undefined when it can.
 * `hcs` calls it before importing anything else: native modules built for another Node ABI
 * (better-sqlite3) crash the process with a segmentation fault instead of an error message.
 */
export function unsupportedNodeMessage(
  version: string = process.versions.node,
  range: string = SUPPORTED_NODE,
): string | undefined {
  if (satisfiesNodeRange(version, range)) return undefined;
  return `hcs needs Node.js ${formatNodeRange(range)} (package.json engines); this is Node ${version.replace(/^v/, '')}`;
}
