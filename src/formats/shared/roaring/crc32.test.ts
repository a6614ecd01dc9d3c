import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32 } from './crc32.js';

describe('crc32', () => {
  it('gives the standard check value and the empty-input value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  it('agrees with zlib on arbitrary bytes, including views into larger buffers', () => {
    let seed = 7;
    const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (const length of [1, 3, 64, 1000, 4099]) {
      const backing = new Uint8Array(length + 10);
      for (let i = 0; i < backing.length; i++) backing[i] = next() & 0xff;
      const view = backing.subarray(5, 5 + length);
      expect(crc32(view)).toBe(zlibCrc32(view));
    }
  });
});
