import { readFileSync } from 'node:fs';

/**
 * The hcs version, from package.json (one directory above both src/ and dist/). Shown by
 * `hcs --version`, in the OpenAPI document and in the host information.
 */
export const HCS_VERSION: string = (
  JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
