/**
 * Deterministic randomness for the simulated market. Every value is a pure function of a 32-bit
 * seed and a counter, so any day, ticker or 10-second step can be computed without replaying the
 * ones before it. Not cryptographic; not for anything but simulation.
 */

/** The golden-ratio increment: consecutive counters land far apart before mixing. */
const GOLDEN = 0x9e3779b9;
const TWO_POW_32 = 4_294_967_296;

/** 32-bit avalanche: flips about half the output bits for any one-bit change of the input. */
function mix32(value: number): number {
  let x = value >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** A 32-bit hash of `text` (FNV-1a, then mixed). */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h);
}

/** A seed derived from several parts, e.g. `seedOf(root, '005930', '20261125', 'bar')`. */
export function seedOf(...parts: readonly (string | number)[]): number {
  return hashString(parts.join('|'));
}

/** Two 32-bit values mixed into a new seed (cheaper than hashing strings on hot paths). */
export function mixSeed(seed: number, value: number): number {
  return mix32((seed ^ mix32((value + GOLDEN) >>> 0)) >>> 0);
}

/** Uniform in [0, 1) at position `index` of the stream `seed` (random access). */
export function uniformAt(seed: number, index: number): number {
  return mix32((seed + Math.imul(index + 1, GOLDEN)) >>> 0) / TWO_POW_32;
}

/** A sequential stream of draws from one seed. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
  /** Uniform in [low, high). */
  between(low: number, high: number): number;
  /** Restart as the stream of another seed (reuses the object on hot paths). */
  reseed(seed: number): void;
}

/** A stream over `uniformAt(seed, 0), uniformAt(seed, 1), …`. */
export function createRng(initialSeed: number): Rng {
  let seed = initialSeed;
  let index = 0;
  const next = (): number => uniformAt(seed, index++);
  return {
    next,
    normal() {
      // 1 − u keeps the logarithm's argument in (0, 1].
      const u = 1 - next();
      const v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    between: (low, high) => low + (high - low) * next(),
    reseed(value) {
      seed = value;
      index = 0;
    },
  };
}

/** A market seed given as a number or a string, reduced to 32 bits. */
export function rootSeed(seed: number | string): number {
  return typeof seed === 'number' && Number.isInteger(seed) ? mix32((seed >>> 0) ^ 0x5eed) : hashString(String(seed));
}
