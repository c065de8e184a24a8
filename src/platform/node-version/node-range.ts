/** A version as `major.minor.patch[-prerelease]`; missing parts count as 0. */
interface Version {
  readonly parts: readonly [number, number, number];
  readonly prerelease: string | undefined;
  /** How many parts were written: `22.17` has 2. */
  readonly written: number;
}

const VERSION = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;
const COMPARATOR = /^(>=|<=|>|<|=)?\s*(v?\d[0-9A-Za-z.+-]*)$/;

/**
 * Whether a Node.js version (`24.1.0`, `v22.17.0-rc.1`) is in an `engines` range, as npm decides
 * it (semver with prereleases included). Understood: comparators (`>=22.17`, `<23`, `=22.17.0`,
 * a bare version), several in one alternative (`>=20.19 <21`), and alternatives joined by
 * `||`; carets, tildes, hyphen ranges and `x` throw rather than being guessed at, so a range
 * this check cannot read fails its test, not a user. A partial version means the whole of what
 * it leaves out, as in semver: `>22.17` starts at 22.18.0-0, `<=22` ends before 23.0.0-0. A
 * prerelease sorts before its release: `22.17.0-rc.1` is in `>=22.17` (which starts at
 * 22.17.0-0) but not in `>=22.17.0`; `24.0.0-nightly…` is in both.
 */
export function satisfiesNodeRange(version: string, range: string): boolean {
  const actual = parseVersion(version);
  if (actual === undefined) throw new Error(`not a Node.js version: "${version}"`);
  return parseRange(range).some((alternative) => alternative.every((accepts) => accepts(actual)));
}

/** A range as a person reads it: `>=22.17` becomes `>= 22.17`. */
export function formatNodeRange(range: string): string {
  return range.trim().replace(/(>=|<=|>|<|=)\s*/g, '$1 ');
}

/** The alternatives of a range, each a list of tests that must all pass. Throws on what it cannot read. */
function parseRange(range: string): ((version: Version) => boolean)[][] {
  return range.split('||').map((alternative) =>
    alternative
      .trim()
      .replace(/(>=|<=|>|<|=)\s+/g, '$1')
      .split(/\s+/)
      .map((text) => {
        const match = COMPARATOR.exec(text);
        const bound = match === null ? undefined : parseVersion(match[2] ?? '');
        if (match === null || bound === undefined) {
          throw new Error(`unsupported Node.js range "${range}": use comparators such as >=22.17`);
        }
        return OPERATORS[(match[1] ?? '=') as keyof typeof OPERATORS](bound);
      }),
  );
}

// As semver does with prereleases included, a partial bound stands for the lowest version it
// covers, `22.17` for 22.17.0-0, and its end for the lowest past it, 22.18.0-0.
const OPERATORS = {
  '>=': (bound: Version) => (version: Version) => compare(version, lowest(bound)) >= 0,
  '>': (bound: Version) => (version: Version) =>
    bound.written < 3 ? compare(version, pastEnd(bound)) >= 0 : compare(version, bound) > 0,
  '<': (bound: Version) => (version: Version) => compare(version, lowest(bound)) < 0,
  '<=': (bound: Version) => (version: Version) =>
    bound.written < 3 ? compare(version, pastEnd(bound)) < 0 : compare(version, bound) <= 0,
  '=': (bound: Version) => (version: Version) =>
    bound.written < 3
      ? compare(version, lowest(bound)) >= 0 && compare(version, pastEnd(bound)) < 0
      : compare(version, bound) === 0,
};

function lowest(bound: Version): Version {
  return bound.written < 3 ? { ...bound, prerelease: '0', written: 3 } : bound;
}

function pastEnd(bound: Version): Version {
  const parts: [number, number, number] = [...bound.parts];
  parts[bound.written - 1] = (parts[bound.written - 1] ?? 0) + 1;
  return { parts, prerelease: '0', written: 3 };
}

function parseVersion(text: string): Version | undefined {
  const match = VERSION.exec(text.trim());
  if (match === null) return undefined;
  return {
    parts: [Number(match[1]), Number(match[2] ?? 0), Number(match[3] ?? 0)],
    prerelease: match[4],
    written: match[3] !== undefined ? 3 : match[2] !== undefined ? 2 : 1,
  };
}

/** Orders two versions as semver does: numbers, then a prerelease before its release. */
function compare(a: Version, b: Version): number {
  for (let index = 0; index < 3; index++) {
    const difference = (a.parts[index] ?? 0) - (b.parts[index] ?? 0);
    if (difference !== 0) return Math.sign(difference);
  }
  if (a.prerelease === b.prerelease) return 0;
  if (a.prerelease === undefined) return 1;
  if (b.prerelease === undefined) return -1;
  return comparePrereleases(a.prerelease.split('.'), b.prerelease.split('.'));
}

/** Identifier by identifier: numbers numerically and below words, a shorter list first. */
function comparePrereleases(a: string[], b: string[]): number {
  for (let index = 0; index < Math.min(a.length, b.length); index++) {
    const [x, y] = [a[index] ?? '', b[index] ?? ''];
    if (x === y) continue;
    const [xNumber, yNumber] = [/^\d+$/.test(x), /^\d+$/.test(y)];
    if (xNumber && yNumber) return Math.sign(Number(x) - Number(y));
    if (xNumber !== yNumber) return xNumber ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return Math.sign(a.length - b.length);
}
