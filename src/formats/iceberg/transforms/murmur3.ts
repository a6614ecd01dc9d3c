/**
 * MurmurHash3, x86 32-bit variant: the hash Iceberg's bucket transform is defined on
 * (spec Appendix B). Matches Guava's `Hashing.murmur3_32_fixed()` that Java Iceberg uses.
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

/**
 * The signed 32-bit murmur3_x86_32 hash of `bytes` (as Java's `int`, so negative values occur).
 * Pure; `seed` defaults to 0, the seed Iceberg uses.
 */
export function murmur3x86_32(bytes: Uint8Array, seed = 0): number {
  let h = seed | 0;
  const blocks = bytes.length >>> 2;
  for (let i = 0; i < blocks; i++) {
    const o = i * 4;
    const k = bytes[o]! | (bytes[o + 1]! << 8) | (bytes[o + 2]! << 16) | (bytes[o + 3]! << 24);
    h = Math.imul(rotl(h ^ mixK(k), 13), 5) + 0xe6546b64;
  }
  const tail = bytes.length & 3;
  if (tail > 0) {
    const at = blocks * 4;
    let k = 0;
    for (let i = tail - 1; i >= 0; i--) k = (k << 8) | bytes[at + i]!;
    h ^= mixK(k);
  }
  h ^= bytes.length;
  return fmix(h) | 0;
}

function mixK(k: number): number {
  return Math.imul(rotl(Math.imul(k, C1), 15), C2);
}

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}
