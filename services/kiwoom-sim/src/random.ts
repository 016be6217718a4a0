import { createHash } from 'node:crypto';

/**
 * Deterministic randomness for the API layer: the same seed and inputs always give the same
 * numbers, so the same seed and simulated clock give byte-identical responses (kiwoom-rest.md §9
 * item 17). Nothing here reads Math.random or the wall clock.
 */

/** A number in [0, 1) fixed by its inputs: `hashUnit(seed, '005930', 'per')`. */
export function hashUnit(...parts: readonly (string | number)[]): number {
  const digest = createHash('sha256').update(parts.join('\u0000')).digest();
  // 48 bits fit a double exactly.
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

/** A number in [min, max) fixed by its inputs. */
export function hashBetween(min: number, max: number, ...parts: readonly (string | number)[]): number {
  return min + (max - min) * hashUnit(...parts);
}

/** A seeded stream of numbers in [0, 1) (mulberry32), for draws whose order matters. */
export function createPrng(...seedParts: readonly (string | number)[]): () => number {
  let state = createHash('sha256').update(seedParts.join('\u0000')).digest().readUInt32BE(0);
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
