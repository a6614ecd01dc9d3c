import type { IdSource } from '../../../core/ids.js';

const MASK_63 = (1n << 63n) - 1n;

/**
 * A positive 63-bit snapshot id (Java uses random positive longs) from the injected id source,
 * distinct from `taken`. Both halves of the UUID are folded in, so sequential test ids differ.
 */
export function newSnapshotId(ids: IdSource, taken: ReadonlySet<bigint>): bigint {
  for (;;) {
    const hex = ids.uuid().replace(/-/g, '');
    const hi = BigInt(`0x${hex.slice(0, 16) || '0'}`);
    const lo = BigInt(`0x${hex.slice(16) || '0'}`);
    const id = (hi ^ (lo * 0x9e3779b97f4a7c15n)) & MASK_63;
    if (id !== 0n && !taken.has(id)) return id;
  }
}

/** A seeded xorshift generator for retry jitter: races replay the same way under a fixed seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 0x9e3779b9;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 0x1_0000_0000;
  };
}
