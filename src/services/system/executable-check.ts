import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Group- or world-writable permission bits. */
const WRITABLE_BY_OTHERS = 0o022;
/** Any execute bit. */
const EXECUTABLE = 0o111;

/**
 * Why `executable` must not run, or `[]` when it may: it must be a regular executable file,
 * neither it nor its directory (as named and after resolving links) group- or world-writable,
 * so that only its owner could have swapped it; and, when `sha256` is given, have exactly that
 * digest. Checked when the allow-list loads and again before every run, because a file can
 * change after start.
 */
export async function executableProblems(executable: string, sha256?: string): Promise<string[]> {
  let real: string;
  try {
    real = await realpath(executable);
  } catch (error) {
    return [`${executable} cannot be resolved: ${(error as NodeJS.ErrnoException).code ?? String(error)}`];
  }
  const problems: string[] = [];
  const file = await stat(real);
  if (!file.isFile()) return [`${executable} is not a regular file`];
  if ((file.mode & EXECUTABLE) === 0) problems.push(`${executable} is not executable`);
  if ((file.mode & WRITABLE_BY_OTHERS) !== 0) {
    problems.push(`${real} is group- or world-writable (mode ${modeOf(file.mode)})`);
  }
  for (const directory of new Set([dirname(executable), dirname(real)])) {
    const mode = (await stat(directory)).mode;
    if ((mode & WRITABLE_BY_OTHERS) !== 0) {
      problems.push(`its directory ${directory} is group- or world-writable (mode ${modeOf(mode)})`);
    }
  }
  if (sha256 !== undefined && problems.length === 0) {
    const actual = await sha256Of(real);
    if (actual !== sha256) problems.push(`${real} has SHA-256 ${actual}, not the pinned ${sha256}`);
  }
  return problems;
}

/** The lowercase hex SHA-256 of a file, read as a stream. */
export function sha256Of(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

function modeOf(mode: number): string {
  return `0${(mode & 0o7777).toString(8)}`;
}
