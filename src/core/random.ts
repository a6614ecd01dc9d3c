import { randomBytes } from 'node:crypto';

/**
 * A small seeded PRNG (mulberry32): the same seed gives the same sequence, so randomised tests,
 * fault injection and benchmarks reproduce. Not for anything that must be unpredictable.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Secret randomness (tokens, cancel keys): injected so tests can make it repeatable. */
export interface Random {
  bytes(length: number): Uint8Array;
}

/** Cryptographically strong randomness from node:crypto. */
export const systemRandom: Random = {
  bytes: (length) => new Uint8Array(randomBytes(length)),
};

/** Repeatable "randomness" for tests only: never for real tokens. */
export function seededBytes(seed: number): Random {
  const next = seededRandom(seed);
  return { bytes: (length) => Uint8Array.from({ length }, () => Math.floor(next() * 256)) };
}
