/**
 * A seeded pseudo-random generator, so a simulated device's noise, dropouts and injected faults
 * repeat exactly for one seed. Mulberry32 is a dozen lines with good enough statistics for
 * simulated noise; a dependency would add nothing (Math.random cannot be seeded).
 */

/** Returns numbers uniform in [0, 1), the same sequence for the same seed. */
export type Random = () => number;

/** Creates a mulberry32 generator from a 32-bit seed. */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Derives a per-device seed (FNV-1a of the id, mixed with the adapter's seed) so devices do not share a sequence. */
export function deriveSeed(seed: number, id: string): number {
  let hash = 0x811c9dc5 ^ seed;
  for (let i = 0; i < id.length; i += 1) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** A normally distributed sample (Box–Muller) with the given standard deviation. */
export function gaussian(random: Random, sigma: number): number {
  const u = 1 - random();
  const v = random();
  return sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
